// Links sio::tls and binds an HTTPS listener on 127.0.0.1 (the context needs no certificate to
// listen; a handshake would).
#include <sio.hpp>
#include <sio/transport/websocketpp_tls.hpp>

#include <cstdio>

int main() {
  asio::io_context ioc;
  sio::Server<sio::transport::websocketpp_tls> io(ioc, {}, sio::transport::tls_server_context());
  if (io.listen(0, "127.0.0.1") || io.transport().local_port() == 0) {
    std::puts("sio-tls: cannot listen on 127.0.0.1");
    return 1;
  }
  io.close();
  std::puts("sio-tls: ok");
  return 0;
}
