sio_add_unit_test(test_server unit/server.cpp)
