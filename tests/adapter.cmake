sio_add_unit_test(test_adapter unit/adapter/adapter.cpp)
