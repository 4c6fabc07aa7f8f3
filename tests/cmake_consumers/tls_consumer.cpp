// The application the TLS consumer builds: it includes <sio/transport/websocketpp_tls.hpp>, serves
// Socket.IO over HTTPS on 127.0.0.1 with a certificate made here, and opens an Engine.IO session
// through its own TLS client, so that a missing or mismatched sio-tls or OpenSSL fails to link or
// to run.

#include <sio.hpp>
#include <sio/transport/websocketpp_tls.hpp>

#include <asio.hpp>
#include <asio/ssl.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <system_error>

#include "../support/test_certificate.hpp"

#ifndef SIO_CONSUMER_STANDARD
#error "SIO_CONSUMER_STANDARD must be the C++ standard this consumer is built as (17, 20 or 23)"
#endif

namespace {

int fail(const std::string& what) {
  std::fprintf(stderr, "TLS consumer (C++%d): %s\n", SIO_CONSUMER_STANDARD, what.c_str());
  return 1;
}

}  // namespace

int main() {
  const sio::test::TestCertificate cert = sio::test::make_test_certificate();
  const std::string stem = "tls_consumer_cxx" + std::to_string(SIO_CONSUMER_STANDARD);
  cert.write(stem + ".crt", stem + ".key");

  // The error_code form of tls_from_files reports a missing file rather than throwing.
  std::error_code missing;
  if (sio::transport::tls_from_files(stem + ".absent", stem + ".key", missing) || !missing)
    return fail("tls_from_files accepted a certificate file that does not exist");

  asio::io_context ioc;
  sio::Server<sio::transport::websocketpp_tls> io(ioc, {}, sio::transport::tls_from_files(stem + ".crt", stem + ".key"));
  if (auto ec = io.listen(0, "127.0.0.1")) return fail("listen on 127.0.0.1 failed: " + ec.message());
  const std::uint16_t port = io.transport().local_port();

  // A client that trusts the certificate alone asks for an Engine.IO handshake over HTTPS.
  asio::ssl::context client_tls(asio::ssl::context::tls_client);
  client_tls.add_certificate_authority(asio::buffer(cert.cert_pem));
  client_tls.set_verify_mode(asio::ssl::verify_peer);
  asio::ssl::stream<asio::ip::tcp::socket> peer(ioc, client_tls);
  const std::string request =
      "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  std::string response;
  std::error_code failure;
  peer.next_layer().async_connect({asio::ip::make_address("127.0.0.1"), port}, [&](std::error_code ec) {
    if (ec) return void(failure = ec);
    peer.async_handshake(asio::ssl::stream_base::client, [&](std::error_code ec) {
      if (ec) return void(failure = ec);
      asio::async_write(peer, asio::buffer(request), [&](std::error_code ec, std::size_t) {
        if (ec) return void(failure = ec);
        asio::async_read(peer, asio::dynamic_buffer(response), [&](std::error_code, std::size_t) {
          // The server ends the response by closing the connection; how it closes does not matter.
          peer.next_layer().close();
          io.close();
        });
      });
    });
  });
  ioc.run_for(std::chrono::seconds(10));

  if (failure) return fail("the TLS client failed: " + failure.message());
  if (response.rfind("HTTP/1.1 200", 0) != 0 || response.find("0{\"sid\":\"") == std::string::npos)
    return fail("no Engine.IO handshake over HTTPS; the response was:\n" + response);
  std::remove((stem + ".crt").c_str());
  std::remove((stem + ".key").c_str());
  std::printf("TLS consumer (C++%d): ok\n", SIO_CONSUMER_STANDARD);
  return 0;
}
