# Engine.IO layer: codec, server, timer queue, in-memory transport.
sio_add_unit_test(test_detail_base64 unit/detail/base64.cpp)
sio_add_unit_test(test_detail_utf8 unit/detail/utf8.cpp)
sio_add_unit_test(test_detail_random unit/detail/random.cpp)
sio_add_unit_test(test_detail_timer_queue unit/detail/timer_queue.cpp)
sio_add_unit_test(test_engineio_packet unit/engineio/packet.cpp)
sio_add_unit_test(test_engineio_server unit/engineio/server.cpp)
sio_add_unit_test(test_transport_memory unit/transport/memory.cpp)
