# sio::redis, against a redis-server each test starts on a free loopback port
# (support/redis_server.hpp). scripts/setup-deps installs redis-server.
if(TARGET sio::redis)
  sio_add_unit_test(test_redis_connection unit/redis/connection.cpp)
  target_link_libraries(test_redis_connection PRIVATE sio::redis)
  sio_add_unit_test(test_redis_adapter unit/redis/adapter.cpp)
  target_link_libraries(test_redis_adapter PRIVATE sio::redis)
  sio_add_unit_test(test_redis_sharded_adapter unit/redis/sharded_adapter.cpp)
  target_link_libraries(test_redis_sharded_adapter PRIVATE sio::redis)
endif()
