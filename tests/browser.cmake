# The demos' pages in headless Chromium (Debian's chromium, driven by playwright-core from
# tests/browser/package.json): tests/browser/*.test.js, run by test_browser. Each script starts
# its demo itself on 127.0.0.1 and a free port, and its own browser.

if(SIO_BUILD_EXAMPLES)
  sio_add_unit_test(test_browser browser/browser.cpp)
  target_compile_definitions(test_browser PRIVATE
    SIO_DEMO_CHAT="$<TARGET_FILE:chat>"
    SIO_DEMO_NEWS="$<TARGET_FILE:news>"
    SIO_DEMO_ROOMS="$<TARGET_FILE:rooms>"
    SIO_DEMO_AUTH="$<TARGET_FILE:auth>"
    SIO_DEMO_NODE_MODULES="${CMAKE_CURRENT_SOURCE_DIR}/browser/node_modules"
    SIO_BROWSER_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/browser")
  add_dependencies(test_browser chat news rooms auth)
endif()
