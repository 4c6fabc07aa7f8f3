# The websocketpp transport, against a raw TCP client on 127.0.0.1.
sio_add_unit_test(test_transport_websocketpp unit/transport/websocketpp.cpp)
