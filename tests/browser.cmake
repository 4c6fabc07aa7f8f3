# The demos' pages in headless Chromium (Debian's chromium, driven by playwright-core from
# tests/browser/package.json): tests/browser/*.test.js, run by test_browser. Each script starts
# its demo itself on 127.0.0.1 and a free port, and its own browser.

if(SIO_BUILD_EXAMPLES)
  include(${CMAKE_CURRENT_LIST_DIR}/support/demo_node_test.cmake)
  sio_add_demo_node_test(test_browser browser/browser.cpp
    SIO_BROWSER_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/browser")
  # The chat page on two servers sharing Redis (chat --redis), where sio::redis is built; the
  # test starts a redis-server of its own.
  if(TARGET sio::redis)
    sio_add_demo_node_test(test_browser_chat_cluster browser/chat_cluster.cpp
      SIO_BROWSER_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/browser")
  endif()
endif()
