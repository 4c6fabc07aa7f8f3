# Calls from real threads while the test's thread runs the server; `scripts/test --tsan` runs them
# under ThreadSanitizer. server_threads.cpp: emits, broadcasts, acks and Server::post handed over,
# racing a disconnect; threads.cpp: every other call documented as safe from any thread.
sio_add_unit_test(test_server_threads unit/server_threads.cpp)
sio_add_unit_test(test_threads unit/threads.cpp)
# sio::ServerGroup: several I/O threads on one port, one cluster (real sockets).
sio_add_unit_test(test_server_group unit/server_group.cpp)
