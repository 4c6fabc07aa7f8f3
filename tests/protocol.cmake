# Socket.IO protocol layer (include/sio/protocol).
sio_add_unit_test(test_protocol_packet unit/protocol/packet.cpp)
