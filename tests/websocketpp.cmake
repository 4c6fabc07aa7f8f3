# The websocketpp transport, against a raw TCP client on 127.0.0.1.
sio_add_unit_test(test_transport_websocketpp unit/transport/websocketpp.cpp)
# The same transport over TLS (sio::tls), against a TLS client with a certificate made in the test.
if(TARGET sio::tls)
  sio_add_unit_test(test_transport_websocketpp_tls unit/transport/websocketpp_tls.cpp)
  target_link_libraries(test_transport_websocketpp_tls PRIVATE sio::tls)
endif()
