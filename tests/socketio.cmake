# The Socket.IO layer's modules (include/sio/socketio), tested apart from a running server.
sio_add_unit_test(test_socketio_replies unit/socketio/replies.cpp)
sio_add_unit_test(test_socketio_broadcast unit/socketio/broadcast.cpp)
sio_add_unit_test(test_socketio_server_link unit/socketio/server_link.cpp)
sio_add_unit_test(test_socketio_client_file unit/socketio/client_file.cpp)
sio_add_unit_test(test_socketio_socket_state unit/socketio/socket_state.cpp)
sio_add_unit_test(test_socketio_client unit/socketio/client.cpp)
sio_add_unit_test(test_socketio_namespace_state unit/socketio/namespace_state.cpp)
sio_add_unit_test(test_socketio_server_core unit/socketio/server_core.cpp)
