# Handles that outlive their server (tests/unit/lifetime.cpp).
sio_add_unit_test(test_lifetime unit/lifetime.cpp)
