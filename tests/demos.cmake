# The demos' event protocols (examples/chat, news, rooms, auth) with the official Node client:
# tests/demos/*.test.js, run by test_demos. The npm packages come from tests/browser (installed by
# scripts/setup-deps); each script starts its demo itself on 127.0.0.1 and a free port.

if(SIO_BUILD_EXAMPLES)
  include(${CMAKE_CURRENT_LIST_DIR}/support/demo_node_test.cmake)
  sio_add_demo_node_test(test_demos demos/demos.cpp
    SIO_DEMO_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/demos")
  # The chat as two servers sharing Redis (chat --redis), where sio::redis is built; the test
  # starts a redis-server of its own.
  if(TARGET sio::redis)
    sio_add_demo_node_test(test_demos_chat_cluster demos/chat_cluster.cpp
      SIO_DEMO_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/demos")
  endif()
endif()
