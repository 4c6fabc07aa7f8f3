# A cluster of sio and Node servers through Redis (tests/cluster/): two of sio's examples/cluster
# and Node's socket.io with @socket.io/redis-adapter (tests/cluster/package.json, installed by
# scripts/setup-deps), with the official client against all of them: one test with the classic
# adapter, one with every server in sharded mode (createShardedAdapter, Redis 7's sharded Pub/Sub).
if(SIO_BUILD_EXAMPLES AND TARGET sio::redis)
  sio_add_unit_test(test_cluster cluster/cluster.cpp)
  target_compile_definitions(test_cluster PRIVATE
    SIO_CLUSTER_SERVER="$<TARGET_FILE:cluster>"
    SIO_CLUSTER_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/cluster")
  add_dependencies(test_cluster cluster)
endif()
