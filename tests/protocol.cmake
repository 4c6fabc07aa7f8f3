# Socket.IO protocol layer (include/sio/protocol).
sio_add_unit_test(test_protocol_packet unit/protocol/packet.cpp)
sio_add_unit_test(test_protocol_outgoing_packet unit/protocol/outgoing_packet.cpp)
sio_add_unit_test(test_protocol_parser unit/protocol/parser.cpp)
sio_add_unit_test(test_protocol_detail_json unit/protocol/detail/json.cpp)
sio_add_unit_test(test_protocol_msgpack unit/protocol/msgpack.cpp)
