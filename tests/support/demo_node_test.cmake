# sio_add_demo_node_test(name source [definitions...]): a test program whose cases run the demos'
# Node scripts through demos/node_test.hpp. It is given where the demo programs and the npm
# packages are (the SIO_DEMO_* definitions that node_test.hpp passes on to the scripts), and the
# demos are built before it. Included by tests/demos.cmake and tests/browser.cmake.

include_guard(GLOBAL)

function(sio_add_demo_node_test name source)
  sio_add_unit_test(${name} ${source})
  target_compile_definitions(${name} PRIVATE
    SIO_DEMO_CHAT="$<TARGET_FILE:chat>"
    SIO_DEMO_NEWS="$<TARGET_FILE:news>"
    SIO_DEMO_ROOMS="$<TARGET_FILE:rooms>"
    SIO_DEMO_AUTH="$<TARGET_FILE:auth>"
    SIO_DEMO_NODE_MODULES="${CMAKE_CURRENT_SOURCE_DIR}/browser/node_modules"
    ${ARGN})
  add_dependencies(${name} chat news rooms auth)
endfunction()
