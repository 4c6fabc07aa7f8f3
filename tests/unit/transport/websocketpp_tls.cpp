#include "sio/transport/websocketpp_tls.hpp"

#include <asio.hpp>
#include <asio/ssl.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "sio/engineio/frame.hpp"
#include "sio/server.hpp"
#include "support/run_until.hpp"
#include "support/test_certificate.hpp"

using namespace std::chrono_literals;
using sio::transport::HttpExchange;
using sio::transport::HttpRequest;
using sio::transport::WsConnection;
using Transport = sio::transport::websocketpp_tls;

namespace {

using sio::test::run_until;

// One certificate for the whole test program: making one takes a few milliseconds, but there is
// no need to make it again.
const sio::test::TestCertificate& certificate() {
  static const sio::test::TestCertificate cert = sio::test::make_test_certificate();
  return cert;
}

// The server's TLS context, from the test certificate in memory.
std::shared_ptr<asio::ssl::context> server_tls() {
  auto tls = sio::transport::tls_server_context();
  tls->use_certificate_chain(asio::buffer(certificate().cert_pem));
  tls->use_private_key(asio::buffer(certificate().key_pem), asio::ssl::context::pem);
  return tls;
}

// Files in the working directory, removed at the end of the test case.
struct TempFile {
  explicit TempFile(const std::string& stem, const std::string& text)
      : path(stem + "." + std::to_string(::getpid()) + ".pem") {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string path;
};

// A handler that records every call; HTTP requests are answered at once with "echo:<body>".
struct Recorder final : sio::transport::Handler {
  std::vector<HttpRequest> requests;
  std::vector<std::shared_ptr<WsConnection>> sockets;
  std::vector<std::string> messages;
  int closed = 0;

  void on_http(std::shared_ptr<HttpExchange> ex) override {
    requests.push_back(ex->request());
    ex->respond(200, "echo:" + ex->request().body);
  }
  void on_http_aborted(HttpExchange&) override {}
  void on_ws_open(std::shared_ptr<WsConnection> conn, HttpRequest) override {
    sockets.push_back(std::move(conn));
  }
  void on_ws_message(WsConnection& conn, std::string_view data, bool) override {
    messages.emplace_back(data);
    conn.send(sio::engineio::make_text_frame("re:" + std::string(data)));
  }
  void on_ws_close(WsConnection&, std::error_code) override { ++closed; }
};

// A TLS client on the test's io_context that trusts the test certificate only and checks the
// server's name (127.0.0.1). Its state is shared with pending operations.
class TlsClient {
 public:
  TlsClient(asio::io_context& ioc, std::uint16_t port) : s_(std::make_shared<State>(ioc)) {
    auto s = s_;
    s->stream.lowest_layer().async_connect(
        {asio::ip::make_address("127.0.0.1"), port}, [s](std::error_code ec) {
          if (ec) return s->fail(ec);
          s->stream.async_handshake(asio::ssl::stream_base::client, [s](std::error_code hec) {
            if (hec) return s->fail(hec);
            s->handshaken = true;
            read(s);
            flush(s);
          });
        });
  }
  ~TlsClient() {
    std::error_code ignored;
    s_->stream.lowest_layer().close(ignored);
  }

  // Sent once the handshake is done.
  void send(std::string bytes) {
    s_->out.push_back(std::move(bytes));
    if (s_->handshaken) flush(s_);
  }

  bool handshaken() const { return s_->handshaken; }
  bool ended() const { return s_->ended; }
  // The TCP socket under TLS, to watch the server end it once TLS has ended.
  asio::ip::tcp::socket& tcp() { return s_->stream.next_layer(); }
  std::error_code error() const { return s_->error; }
  const std::string& received() const { return s_->in; }

 private:
  struct State {
    explicit State(asio::io_context& ioc) : tls(asio::ssl::context::tls_client), stream(ioc, tls_init()) {}
    asio::ssl::context& tls_init() {
      tls.add_certificate_authority(asio::buffer(certificate().cert_pem));
      tls.set_verify_mode(asio::ssl::verify_peer);
      return tls;
    }
    void fail(std::error_code ec) {
      error = ec;
      ended = true;
    }
    asio::ssl::context tls;
    asio::ssl::stream<asio::ip::tcp::socket> stream;
    std::vector<std::string> out;
    bool writing = false;
    std::string in;
    char buf[16384];
    bool handshaken = false;
    bool ended = false;
    std::error_code error;
  };
  static void flush(const std::shared_ptr<State>& s) {
    if (s->writing || s->out.empty()) return;
    s->writing = true;
    auto buf = std::make_shared<std::string>(std::move(s->out.front()));
    s->out.erase(s->out.begin());
    asio::async_write(s->stream, asio::buffer(*buf), [s, buf](std::error_code, std::size_t) {
      s->writing = false;
      flush(s);
    });
  }
  static void read(const std::shared_ptr<State>& s) {
    s->stream.async_read_some(asio::buffer(s->buf), [s](std::error_code ec, std::size_t n) {
      s->in.append(s->buf, n);
      if (ec) return s->fail(ec);
      read(s);
    });
  }
  std::shared_ptr<State> s_;
};

// The body of a complete HTTP response in `in` with its status, or status 0 while incomplete.
struct Response {
  int status = 0;
  std::string body;
};
Response parse_response(const std::string& in) {
  Response r;
  const auto end = in.find("\r\n\r\n");
  if (end == std::string::npos || in.rfind("HTTP/1.1 ", 0) != 0) return r;
  const auto cl = in.find("Content-Length: ");
  if (cl == std::string::npos || cl > end) return r;
  const std::size_t length = std::stoul(in.substr(cl + 16));
  if (in.size() < end + 4 + length) return r;
  r.status = std::stoi(in.substr(9, 3));
  r.body = in.substr(end + 4, length);
  return r;
}

Response https(asio::io_context& ioc, std::uint16_t port, const std::string& request) {
  TlsClient client(ioc, port);
  client.send(request);
  Response r;
  run_until(ioc, [&] { return (r = parse_response(client.received())).status != 0 || client.ended(); });
  INFO("client error: " << client.error().message());
  return r;
}

// A masked client frame with a payload under 126 bytes.
std::string client_frame(std::uint8_t opcode, std::string_view payload) {
  std::string f;
  f += static_cast<char>(0x80 | opcode);
  f += static_cast<char>(0x80 | payload.size());
  const char mask[4] = {1, 2, 3, 4};
  f.append(mask, 4);
  for (std::size_t i = 0; i < payload.size(); ++i) f += static_cast<char>(payload[i] ^ mask[i % 4]);
  return f;
}

const char* const upgrade_request =
    "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n\r\n";

// A TLS transport on 127.0.0.1 with a Recorder on /socket.io/.
struct Fixture {
  explicit Fixture(sio::transport::TlsOptions tls_options = {}) : transport(ioc, server_tls(), {}, tls_options) {
    transport.mount("/socket.io/", handler, {});
    REQUIRE_FALSE(transport.listen(0, "127.0.0.1"));
    port = transport.local_port();
    REQUIRE(port != 0);
  }
  asio::io_context ioc;
  Recorder handler;
  Transport transport;
  std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("websocketpp_tls: an HTTPS request is answered over TLS") {
  Fixture f;
  const auto r = https(f.ioc, f.port,
                       "POST /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Length: 5\r\n\r\nhello");
  CHECK(r.status == 200);
  CHECK(r.body == "echo:hello");
  REQUIRE(f.handler.requests.size() == 1);
  CHECK(f.handler.requests[0].method == "POST");
  CHECK(f.handler.requests[0].query == "EIO=4&transport=polling");
  CHECK(f.handler.requests[0].remote_address == "127.0.0.1");
}

TEST_CASE("websocketpp_tls: a WSS connection carries messages both ways and closes") {
  Fixture f;
  TlsClient client(f.ioc, f.port);
  client.send(upgrade_request);
  REQUIRE(run_until(f.ioc, [&] {
    return f.handler.sockets.size() == 1 && client.received().find("\r\n\r\n") != std::string::npos;
  }));
  CHECK(client.received().rfind("HTTP/1.1 101", 0) == 0);
  const std::size_t after_handshake = client.received().find("\r\n\r\n") + 4;

  client.send(client_frame(0x1, "4hi"));
  REQUIRE(run_until(f.ioc, [&] { return client.received().size() >= after_handshake + 2 + 6; }));
  CHECK(f.handler.messages == std::vector<std::string>{"4hi"});
  CHECK(client.received().substr(after_handshake) == std::string("\x81\x06re:4hi", 8));

  // The server closes: a close frame, then close_notify and the end of the stream.
  f.handler.sockets[0]->close(sio::transport::CloseCode::normal, {});
  REQUIRE(run_until(f.ioc, [&] { return client.received().size() >= after_handshake + 8 + 4; }));
  CHECK(static_cast<unsigned char>(client.received()[after_handshake + 8]) == 0x88);
  client.send(client_frame(0x8, std::string("\x03\xe8", 2)));
  REQUIRE(run_until(f.ioc, [&] { return client.ended() && f.handler.closed == 1; }));
  // A clean TLS end: the server's close_notify came before its TCP end.
  CHECK(client.error() == asio::error::eof);
}

TEST_CASE("websocketpp_tls: a plain HTTP client is refused without disturbing others") {
  Fixture f;
  TlsClient before(f.ioc, f.port);
  before.send(upgrade_request);
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));

  // Plain HTTP: the handshake fails on its first bytes and the connection is dropped, with no
  // HTTP answer and nothing for the handler.
  asio::ip::tcp::socket plain(f.ioc);
  plain.connect({asio::ip::make_address("127.0.0.1"), f.port});
  const std::string get = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(plain, asio::buffer(get));
  std::string got;
  bool ended = false;
  char buf[1024];
  std::function<void()> read = [&] {
    plain.async_read_some(asio::buffer(buf), [&](std::error_code ec, std::size_t n) {
      got.append(buf, n);
      if (ec) ended = true;
      else read();
    });
  };
  read();
  REQUIRE(run_until(f.ioc, [&] { return ended; }));
  CHECK(got.find("HTTP/1.1") == std::string::npos);
  CHECK(f.handler.requests.empty());

  // The WebSocket opened before still works, and new TLS clients are served.
  before.send(client_frame(0x1, "4still"));
  REQUIRE(run_until(f.ioc, [&] { return f.handler.messages.size() == 1; }));
  CHECK(f.handler.messages[0] == "4still");
  CHECK(https(f.ioc, f.port, "GET /socket.io/ HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
  CHECK(f.handler.closed == 0);
}

TEST_CASE("websocketpp_tls: close() ends TLS connections and is safe twice") {
  Fixture f;
  TlsClient client(f.ioc, f.port);
  client.send(upgrade_request);
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));
  TlsClient idle(f.ioc, f.port);  // handshaken, no request yet
  REQUIRE(run_until(f.ioc, [&] { return idle.handshaken(); }));
  f.transport.close();
  f.transport.close();
  CHECK(run_until(f.ioc, [&] { return f.handler.closed == 1; }));
  // The WebSocket client answers nothing: the server's close handshake and TLS shutdown are bounded.
  CHECK(run_until(f.ioc, [&] { return idle.ended() && client.ended(); }, 15s));
}

TEST_CASE("websocketpp_tls: tls_from_files loads PEM files and reports bad ones") {
  const TempFile cert("tls_test_cert", certificate().cert_pem);
  const TempFile key("tls_test_key", certificate().key_pem);
  const TempFile other_key("tls_test_other_key", sio::test::make_test_certificate().key_pem);

  auto tls = sio::transport::tls_from_files(cert.path, key.path);
  REQUIRE(tls != nullptr);
  {
    asio::io_context ioc;
    Recorder handler;
    Transport transport(ioc, tls);
    transport.mount("/socket.io/", handler, {});
    REQUIRE_FALSE(transport.listen(0, "127.0.0.1"));
    CHECK(https(ioc, transport.local_port(), "GET /socket.io/ HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
    CHECK(&transport.tls_context() == tls.get());
  }

  // The throwing form names the file that failed.
  try {
    sio::transport::tls_from_files("no/such/cert.pem", key.path);
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(std::string(e.what()).find("certificate chain from \"no/such/cert.pem\"") != std::string::npos);
    CHECK(e.code());
  }
  try {
    sio::transport::tls_from_files(cert.path, "no/such/key.pem");
    FAIL("no exception");
  } catch (const std::system_error& e) {
    CHECK(std::string(e.what()).find("private key from \"no/such/key.pem\"") != std::string::npos);
  }
  CHECK_THROWS_AS(sio::transport::tls_from_files(cert.path, other_key.path), std::system_error);
  // A key where the certificate should be.
  CHECK_THROWS_AS(sio::transport::tls_from_files(key.path, key.path), std::system_error);

  // The error_code form.
  std::error_code ec;
  CHECK(sio::transport::tls_from_files("no/such/cert.pem", key.path, ec) == nullptr);
  CHECK(ec);
  CHECK(sio::transport::tls_from_files(cert.path, other_key.path, ec) == nullptr);
  CHECK(ec);
  CHECK(sio::transport::tls_from_files(cert.path, key.path, ec) != nullptr);
  CHECK_FALSE(ec);
}

TEST_CASE("websocketpp_tls: a null TLS context or a bad option throws") {
  asio::io_context ioc;
  CHECK_THROWS_AS(Transport(ioc, nullptr), std::invalid_argument);
  sio::transport::WebsocketppOptions options;
  options.read_buffer_size = 0;
  CHECK_THROWS_AS(Transport(ioc, server_tls(), options), std::invalid_argument);
  sio::transport::TlsOptions tls_options;
  tls_options.handshake_timeout = 0ms;
  CHECK_THROWS_AS(Transport(ioc, server_tls(), {}, tls_options), std::invalid_argument);
  tls_options = {};
  tls_options.shutdown_timeout = -1ms;
  CHECK_THROWS_AS(Transport(ioc, server_tls(), {}, tls_options), std::invalid_argument);
}

// The deadlines below are short and the waits for them far shorter than the defaults (5 s and
// 2 s), so a transport that ignored its TlsOptions fails these tests.
TEST_CASE("websocketpp_tls: a client that does not complete its handshake is cut off at handshake_timeout") {
  sio::transport::TlsOptions tls_options;
  tls_options.handshake_timeout = 100ms;
  Fixture f(tls_options);

  // A TCP client that never starts the handshake, and one that starts it and stalls: the first
  // bytes of a ClientHello record header.
  asio::ip::tcp::socket silent(f.ioc);
  silent.connect({asio::ip::make_address("127.0.0.1"), f.port});
  asio::ip::tcp::socket stalled(f.ioc);
  stalled.connect({asio::ip::make_address("127.0.0.1"), f.port});
  asio::write(stalled, asio::buffer(std::string("\x16\x03\x01", 3)));
  int ended = 0;
  char silent_buf[64];
  char stalled_buf[64];
  silent.async_read_some(asio::buffer(silent_buf), [&](std::error_code ec, std::size_t) { ended += ec ? 1 : 100; });
  stalled.async_read_some(asio::buffer(stalled_buf), [&](std::error_code ec, std::size_t) { ended += ec ? 1 : 100; });
  REQUIRE(run_until(f.ioc, [&] { return ended >= 2; }, 1500ms));
  CHECK(ended == 2);  // both ended with nothing sent to them

  // A client that completes its handshake in time is served.
  CHECK(https(f.ioc, f.port, "GET /socket.io/ HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
  CHECK(f.handler.requests.size() == 1);
}

TEST_CASE("websocketpp_tls: a client that never answers close_notify is closed at shutdown_timeout") {
  sio::transport::TlsOptions tls_options;
  tls_options.shutdown_timeout = 100ms;
  Fixture f(tls_options);

  // The server answers and closes (one request per connection): its close_notify ends the
  // client's TLS stream. The client never sends its own, so the server closes TCP at the deadline.
  TlsClient client(f.ioc, f.port);
  client.send("GET /socket.io/ HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(run_until(f.ioc, [&] { return client.ended(); }));
  REQUIRE(client.error() == asio::error::eof);
  CHECK(parse_response(client.received()).status == 200);
  bool tcp_ended = false;
  char buf[64];
  client.tcp().async_read_some(asio::buffer(buf), [&](std::error_code ec, std::size_t) { tcp_ended = bool(ec); });
  CHECK(run_until(f.ioc, [&] { return tcp_ended; }, 1500ms));
}

TEST_CASE("websocketpp_tls: a Socket.IO server opens an Engine.IO session over HTTPS") {
  asio::io_context ioc;
  sio::Server<Transport> io(ioc, {}, server_tls());
  REQUIRE_FALSE(io.listen(0, "127.0.0.1"));
  const auto r = https(ioc, io.transport().local_port(),
                       "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(r.status == 200);
  CHECK(r.body.rfind("0{\"sid\":", 0) == 0);
  io.close();
}

TEST_CASE("websocketpp_tls: a router is refused, since TLS hides the request it would read") {
  Fixture f;
  CHECK_THROWS_AS(f.transport.set_router([](std::string_view) { return nullptr; }), std::logic_error);
}
