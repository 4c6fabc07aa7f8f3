# The demos' event protocols (examples/chat, news, rooms, auth) with the official Node client:
# tests/demos/*.test.js, run by test_demos. The npm packages come from tests/browser (installed by
# scripts/setup-deps); each script starts its demo itself on 127.0.0.1 and a free port.

if(SIO_BUILD_EXAMPLES)
  sio_add_unit_test(test_demos demos/demos.cpp)
  # Where the demo programs and the npm packages are, for the Node scripts.
  target_compile_definitions(test_demos PRIVATE
    SIO_DEMO_CHAT="$<TARGET_FILE:chat>"
    SIO_DEMO_NEWS="$<TARGET_FILE:news>"
    SIO_DEMO_ROOMS="$<TARGET_FILE:rooms>"
    SIO_DEMO_AUTH="$<TARGET_FILE:auth>"
    SIO_DEMO_NODE_MODULES="${CMAKE_CURRENT_SOURCE_DIR}/browser/node_modules"
    SIO_DEMO_TESTS_DIR="${CMAKE_CURRENT_SOURCE_DIR}/demos")
  add_dependencies(test_demos chat news rooms auth)
endif()
