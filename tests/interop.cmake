# Interop tests: the official Socket.IO JavaScript client (tests/interop/package.json, installed by
# scripts/setup-deps) against sio's interop server. With SIO_INTEROP_REFERENCE=1 in the environment the
# same scripts run against Node's own socket.io server instead, which checks the scripts themselves.

set(sio_interop_dir ${CMAKE_CURRENT_SOURCE_DIR}/interop)
set(sio_interop_server_path "")

if(EXISTS ${sio_interop_dir}/interop_server.cpp)
  add_executable(interop_server ${sio_interop_dir}/interop_server.cpp)
  target_link_libraries(interop_server PRIVATE sio::sio sio_warnings)
  set(sio_interop_server_path $<TARGET_FILE:interop_server>)
endif()

# Until the C++ server exists, an empty SIO_INTEROP_SERVER makes the tests use the reference server.
sio_add_unit_test(test_interop interop/interop.cpp)
target_compile_definitions(test_interop PRIVATE
  SIO_INTEROP_SERVER="${sio_interop_server_path}"
  SIO_INTEROP_SCRIPTS_DIR="${sio_interop_dir}"
  SIO_INTEROP_NODE_MODULES="${sio_interop_dir}/node_modules")
if(TARGET interop_server)
  add_dependencies(test_interop interop_server)
endif()
# The TLS scenario: interop_server over sio::tls, and a certificate the test makes with OpenSSL.
if(TARGET sio::tls)
  if(TARGET interop_server)
    target_link_libraries(interop_server PRIVATE sio::tls)
    target_compile_definitions(interop_server PRIVATE SIO_INTEROP_TLS)
  endif()
  target_link_libraries(test_interop PRIVATE OpenSSL::Crypto)
  target_compile_definitions(test_interop PRIVATE SIO_INTEROP_TLS)
endif()
