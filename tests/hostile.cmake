# Hostile clients: one Node script per case in tests/hostile/, each run against sio's interop
# server with a well-behaved client connected throughout. Every script is a CTest test of its own,
# `test_hostile:<case>`; a new case is a new <case>.test.js file, nothing else. A case that needs
# the server set up otherwise names its flags in a `// server-args:` line (hostile.cpp).

set(sio_hostile_dir ${CMAKE_CURRENT_SOURCE_DIR}/hostile)
add_executable(test_hostile ${sio_hostile_dir}/hostile.cpp $<TARGET_OBJECTS:sio_catch_main>)
target_link_libraries(test_hostile PRIVATE Catch2::Catch2 sio_warnings)
target_include_directories(test_hostile PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(test_hostile PRIVATE
  SIO_HOSTILE_SERVER="$<TARGET_FILE:interop_server>"
  SIO_HOSTILE_NODE_MODULES="${CMAKE_CURRENT_SOURCE_DIR}/interop/node_modules")
add_dependencies(test_hostile interop_server)

# Under a sanitizer the server's memory is the sanitizer allocator's (quarantine, shadow): the
# scripts are told, and check what the server keeps by its behaviour alone.
set(sio_hostile_sanitized "")
if(SIO_SANITIZE)
  set(sio_hostile_sanitized "address")
elseif(SIO_TSAN)
  set(sio_hostile_sanitized "thread")
endif()

file(GLOB sio_hostile_scripts CONFIGURE_DEPENDS ${sio_hostile_dir}/*.test.js)
list(SORT sio_hostile_scripts)
foreach(script IN LISTS sio_hostile_scripts)
  get_filename_component(hostile_case ${script} NAME)
  string(REGEX REPLACE "\\.test\\.js$" "" hostile_case ${hostile_case})
  add_test(NAME "test_hostile:${hostile_case}" COMMAND test_hostile)
  set_tests_properties("test_hostile:${hostile_case}" PROPERTIES
    ENVIRONMENT "SIO_HOSTILE_SCRIPT=${script};SIO_SERVER_SANITIZER=${sio_hostile_sanitized}")
endforeach()
