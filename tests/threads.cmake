# Work handed to the I/O thread from other threads, with real threads (see scripts/test --tsan).
sio_add_unit_test(test_server_threads unit/server_threads.cpp)
