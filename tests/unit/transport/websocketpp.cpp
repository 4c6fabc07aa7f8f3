#include "sio/transport/websocketpp.hpp"

#include <asio.hpp>
#include <catch2/catch.hpp>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sio/engineio/frame.hpp"
#include "sio/error.hpp"
#include "support/run_until.hpp"

using namespace std::chrono_literals;
using sio::transport::CloseCode;
using sio::transport::Headers;
using sio::transport::HttpExchange;
using sio::transport::HttpRequest;
using sio::transport::MountOptions;
using sio::transport::WebsocketppOptions;
using sio::transport::WsConnection;
using Transport = sio::transport::websocketpp;

namespace {

using sio::test::run_until;

// A handler that records every call and answers as configured.
struct Recorder final : sio::transport::Handler {
  std::vector<HttpRequest> requests;
  std::vector<std::shared_ptr<HttpExchange>> exchanges;
  int aborted = 0;
  bool aborted_while_open = false;
  std::vector<HttpRequest> validated;
  std::vector<HttpRequest> opened;
  std::vector<std::shared_ptr<WsConnection>> sockets;
  struct Message {
    WsConnection* conn;
    std::string data;
    bool binary;
  };
  std::vector<Message> messages;
  struct Closed {
    WsConnection* conn;
    std::error_code ec;
  };
  std::vector<Closed> closed;

  // Behaviour.
  bool respond_now = true;
  int validate_status = 0;
  std::string validate_body;
  std::function<void(WsConnection&, std::string_view, bool)> on_message;

  void on_http(std::shared_ptr<HttpExchange> ex) override {
    requests.push_back(ex->request());
    if (respond_now) ex->respond(200, "echo:" + ex->request().body, {{"X-Test", "1"}});
    exchanges.push_back(std::move(ex));
  }
  void on_http_aborted(HttpExchange& ex) override {
    ++aborted;
    aborted_while_open = ex.open();
  }
  int on_ws_validate(const HttpRequest& request, std::string& body) override {
    validated.push_back(request);
    body = validate_body;
    return validate_status;
  }
  void on_ws_open(std::shared_ptr<WsConnection> conn, HttpRequest request) override {
    sockets.push_back(std::move(conn));
    opened.push_back(std::move(request));
  }
  void on_ws_message(WsConnection& conn, std::string_view data, bool binary) override {
    messages.push_back({&conn, std::string(data), binary});
    if (on_message) on_message(conn, data, binary);
  }
  void on_ws_close(WsConnection& conn, std::error_code ec) override {
    closed.push_back({&conn, ec});
  }
};

// A raw TCP client on the test's io_context. Its state is shared with pending operations, so the
// client may be destroyed at any time.
class Client {
 public:
  Client(asio::io_context& ioc, std::uint16_t port) : s_(std::make_shared<State>(ioc)) {
    auto s = s_;
    s->socket.async_connect({asio::ip::make_address("127.0.0.1"), port}, [s](std::error_code ec) {
      s->connected = !ec;
      s->error = ec;
      if (ec) {
        s->eof = true;
        return;
      }
      // Without it, a second small write waits for the first one's (delayed) ACK.
      std::error_code ignored;
      s->socket.set_option(asio::ip::tcp::no_delay(true), ignored);
      read(s);
    });
  }
  ~Client() {
    std::error_code ignored;
    s_->socket.close(ignored);
  }

  void send(std::string bytes) {
    auto buf = std::make_shared<std::string>(std::move(bytes));
    asio::async_write(s_->socket, asio::buffer(*buf), [buf](std::error_code, std::size_t) {});
  }
  void close() {
    std::error_code ignored;
    s_->socket.close(ignored);
  }

  bool connected() const { return s_->connected; }
  bool eof() const { return s_->eof; }
  std::error_code error() const { return s_->error; }
  const std::string& received() const { return s_->in; }
  const std::vector<std::size_t>& reads() const { return s_->reads; }

 private:
  struct State {
    explicit State(asio::io_context& ioc) : socket(ioc) {}
    asio::ip::tcp::socket socket;
    std::string in;
    std::vector<std::size_t> reads;
    char buf[65536];
    bool connected = false;
    bool eof = false;
    std::error_code error;
  };
  static void read(const std::shared_ptr<State>& s) {
    s->socket.async_read_some(asio::buffer(s->buf), [s](std::error_code ec, std::size_t n) {
      if (n) {
        s->in.append(s->buf, n);
        s->reads.push_back(n);
      }
      if (ec) {
        s->eof = true;
        return;
      }
      read(s);
    });
  }
  std::shared_ptr<State> s_;
};

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::size_t size = 0;  // bytes of the response in the stream
};

// Parses an HTTP response at the start of `in`; nullopt while incomplete. A response without
// Content-Length ends with the stream, except 101 which ends with its headers.
std::optional<Response> parse_response(const std::string& in, bool eof) {
  const auto end = in.find("\r\n\r\n");
  if (end == std::string::npos) return std::nullopt;
  Response r;
  const auto line_end = in.find("\r\n");
  const auto sp = in.find(' ');
  r.status = std::stoi(in.substr(sp + 1, 3));
  std::size_t pos = line_end + 2;
  while (pos < end) {
    const auto eol = in.find("\r\n", pos);
    const auto line = in.substr(pos, eol - pos);
    const auto colon = line.find(':');
    auto value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    r.headers[lower(line.substr(0, colon))] = value;
    pos = eol + 2;
  }
  const auto body_start = end + 4;
  if (r.status == 101) {
    r.size = body_start;
    return r;
  }
  if (auto it = r.headers.find("content-length"); it != r.headers.end()) {
    const auto len = std::stoul(it->second);
    if (in.size() < body_start + len) return std::nullopt;
    r.body = in.substr(body_start, len);
    r.size = body_start + len;
    return r;
  }
  if (!eof) return std::nullopt;
  r.body = in.substr(body_start);
  r.size = in.size();
  return r;
}

// Waits for the response on `client`; fails the test when none arrives.
Response wait_response(asio::io_context& ioc, Client& client) {
  std::optional<Response> r;
  run_until(ioc, [&] { return (r = parse_response(client.received(), client.eof())).has_value(); });
  if (!r) FAIL("no complete HTTP response; received: " << client.received());
  return *r;
}

// Sends `request` on a new connection and returns the response.
Response http(asio::io_context& ioc, std::uint16_t port, const std::string& request) {
  Client client(ioc, port);
  client.send(request);
  return wait_response(ioc, client);
}

std::string upgrade(const std::string& target) {
  return "GET " + target +
         " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
}

// A client frame (always masked, as RFC 6455 requires).
std::string client_frame(std::uint8_t opcode, std::string_view payload) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  const std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xff));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  }
  const char mask[4] = {0x12, 0x34, 0x56, 0x78};
  f.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return f;
}

std::string close_payload(std::uint16_t code) {
  return {static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
}

struct Frame {
  int opcode;
  std::string payload;
  std::uint16_t close_code() const {
    return payload.size() < 2
               ? 0
               : static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                            static_cast<unsigned char>(payload[1]));
  }
};

// Decodes the server frames in `in` from `pos`; advances `pos` past complete frames.
std::vector<Frame> parse_frames(const std::string& in, std::size_t& pos) {
  std::vector<Frame> out;
  for (;;) {
    if (in.size() < pos + 2) return out;
    const auto b0 = static_cast<unsigned char>(in[pos]);
    const auto b1 = static_cast<unsigned char>(in[pos + 1]);
    REQUIRE((b1 & 0x80) == 0);  // server frames are not masked
    std::size_t len = b1 & 0x7f;
    std::size_t header = 2;
    if (len == 126) {
      if (in.size() < pos + 4) return out;
      len =
          (static_cast<unsigned char>(in[pos + 2]) << 8) | static_cast<unsigned char>(in[pos + 3]);
      header = 4;
    } else if (len == 127) {
      if (in.size() < pos + 10) return out;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | static_cast<unsigned char>(in[pos + 2 + i]);
      header = 10;
    }
    if (in.size() < pos + header + len) return out;
    out.push_back({b0 & 0x0f, in.substr(pos + header, len)});
    pos += header + len;
  }
}

// A WebSocket client: the upgrade, then frames.
class WsClient {
 public:
  WsClient(asio::io_context& ioc, std::uint16_t port,
           const std::string& target = "/socket.io/?EIO=4")
      : ioc_(ioc), client_(ioc, port) {
    client_.send(upgrade(target));
  }

  // Waits for the handshake response; true when it is 101.
  bool handshake() {
    response_ = wait_response(ioc_, client_);
    pos_ = response_.size;
    return response_.status == 101;
  }
  const Response& response() const { return response_; }

  void send(std::uint8_t opcode, std::string_view payload) {
    client_.send(client_frame(opcode, payload));
  }

  // Waits until `n` frames arrived in total; returns all of them.
  const std::vector<Frame>& wait_frames(std::size_t n) {
    run_until(ioc_, [&] {
      auto more = parse_frames(client_.received(), pos_);
      frames_.insert(frames_.end(), more.begin(), more.end());
      return frames_.size() >= n;
    });
    return frames_;
  }
  bool wait_eof() {
    return run_until(ioc_, [&] { return client_.eof(); });
  }
  Client& raw() { return client_; }

 private:
  asio::io_context& ioc_;
  Client client_;
  Response response_;
  std::size_t pos_ = 0;
  std::vector<Frame> frames_;
};

// A transport listening on 127.0.0.1 with a Recorder on /socket.io/.
struct Fixture {
  explicit Fixture(MountOptions options = {}, WebsocketppOptions transport_options = {})
      : transport(ioc, transport_options) {
    transport.mount("/socket.io/", handler, options);
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

TEST_CASE("websocketpp: a GET answered at once, with the request parsed") {
  Fixture f;
  const auto r = http(f.ioc, f.port,
                      "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "X-Custom: abc\r\n\r\n");
  CHECK(r.status == 200);
  CHECK(r.body == "echo:");
  CHECK(r.headers.at("content-length") == "5");
  CHECK(r.headers.at("x-test") == "1");
  CHECK(r.headers.at("connection") == "close");
  REQUIRE(f.handler.requests.size() == 1);
  const auto& req = f.handler.requests[0];
  CHECK(req.method == "GET");
  CHECK(req.path == "/socket.io/");
  CHECK(req.query == "EIO=4&transport=polling");
  CHECK(req.header("x-custom") == "abc");
  CHECK(req.header("HOST") == "127.0.0.1");
  CHECK(req.remote_address == "127.0.0.1");
  CHECK(req.body.empty());
}

TEST_CASE("websocketpp: a handler's headers replace the defaults") {
  Fixture f;
  f.handler.respond_now = false;
  Client client(f.ioc, f.port);
  client.send("GET /socket.io/ HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(run_until(f.ioc, [&] { return f.handler.exchanges.size() == 1; }));
  f.handler.exchanges[0]->respond(200, "",
                                  {{"Content-Type", "text/html"},
                                   {"X-Multi", "a"},
                                   {"x-multi", "b"},
                                   {"X-Split", "a\r\nInjected: 1"},
                                   {"Bad Name", "x"}});
  const auto r = wait_response(f.ioc, client);
  CHECK(r.status == 200);
  CHECK(r.headers.at("content-type") == "text/html");
  CHECK(r.headers.at("content-length") == "0");
  CHECK(r.headers.at("x-multi") == "a, b");
  // Headers that would corrupt the response are left out.
  CHECK(r.headers.count("x-split") == 0);
  CHECK(r.headers.count("injected") == 0);
  CHECK(r.headers.count("bad name") == 0);
  CHECK(r.body.empty());
}

TEST_CASE("websocketpp: a deferred GET is answered later") {
  Fixture f;
  f.handler.respond_now = false;
  Client client(f.ioc, f.port);
  client.send("GET /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(run_until(f.ioc, [&] { return f.handler.exchanges.size() == 1; }));
  auto ex = f.handler.exchanges[0];
  CHECK(ex->open());
  // Nothing is sent while the handler holds the exchange.
  CHECK_FALSE(run_until(
      f.ioc, [&] { return !client.received().empty(); }, 100ms));
  ex->respond(200, "4hello", {{"Content-Type", "text/plain; charset=UTF-8"}});
  CHECK_FALSE(ex->open());
  ex->respond(500, "ignored");
  const auto r = wait_response(f.ioc, client);
  CHECK(r.status == 200);
  CHECK(r.body == "4hello");
  CHECK(f.handler.aborted == 0);
}

TEST_CASE("websocketpp: a POST body reaches the handler") {
  Fixture f;
  const std::string body =
      "4hello\x1e"
      "4world";
  const auto r = http(f.ioc, f.port,
                      "POST /socket.io/?EIO=4&transport=polling&sid=x HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: text/plain\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body);
  CHECK(r.status == 200);
  CHECK(r.body == "echo:" + body);
  REQUIRE(f.handler.requests.size() == 1);
  CHECK(f.handler.requests[0].method == "POST");
  CHECK(f.handler.requests[0].body == body);
}

TEST_CASE("websocketpp: a large POST body arrives whole across many reads") {
  Fixture f;
  const std::string body(200'000, 'x');
  const auto r = http(f.ioc, f.port,
                      "POST /socket.io/ HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body);
  CHECK(r.status == 200);
  REQUIRE(f.handler.requests.size() == 1);
  CHECK(f.handler.requests[0].body == body);
}

TEST_CASE("websocketpp: a body over max_payload gets 413 and never reaches the handler") {
  Fixture f(MountOptions{10});
  SECTION("Content-Length over the mount's limit") {
    const auto r = http(f.ioc, f.port,
                        "POST /socket.io/ HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n"
                        "12345678901");
    CHECK(r.status == 413);
  }
  SECTION("Content-Length over every limit: refused before the body is sent") {
    const auto r = http(f.ioc, f.port,
                        "POST /socket.io/ HTTP/1.1\r\nHost: x\r\nContent-Length: 50000000\r\n\r\n");
    CHECK(r.status == 413);
  }
  SECTION("the HTTP callback has a limit of its own") {
    int calls = 0;
    f.transport.set_http_callback([&](std::shared_ptr<HttpExchange> ex) {
      ++calls;
      ex->respond(200, "");
    });
    const auto r =
        http(f.ioc, f.port, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000001\r\n\r\n");
    CHECK(r.status == 413);
    CHECK(calls == 0);
  }
  SECTION("a chunked body is refused") {
    const auto r = http(f.ioc, f.port,
                        "POST /socket.io/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n0\r\n\r\n");
    CHECK(r.status == 411);
  }
  CHECK(f.handler.requests.empty());
}

TEST_CASE("websocketpp: other paths go to the HTTP callback, or get 404") {
  Fixture f;
  CHECK(http(f.ioc, f.port, "GET /other HTTP/1.1\r\nHost: x\r\n\r\n").status == 404);
  CHECK(http(f.ioc, f.port, "GET /socket.io HTTP/1.1\r\nHost: x\r\n\r\n").status == 404);

  std::vector<HttpRequest> seen;
  f.transport.set_http_callback([&](std::shared_ptr<HttpExchange> ex) {
    seen.push_back(ex->request());
    ex->respond(200, "<html></html>", {{"Content-Type", "text/html"}});
  });
  const auto r = http(f.ioc, f.port, "GET /index.html?x=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(r.status == 200);
  CHECK(r.body == "<html></html>");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].path == "/index.html");
  CHECK(seen[0].query == "x=1");
  CHECK(f.handler.requests.empty());

  // Upgrades on paths that are not mounted get 404 even with a callback.
  WsClient ws(f.ioc, f.port, "/other");
  CHECK_FALSE(ws.handshake());
  CHECK(ws.response().status == 404);
  CHECK(f.handler.validated.empty());
}

TEST_CASE("websocketpp: the longest mounted path wins, unmount stops delivery") {
  Fixture f;
  Recorder engine;
  f.transport.mount("/socket.io/engine/", engine, {});
  CHECK(http(f.ioc, f.port, "GET /socket.io/engine/?a HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
  CHECK(engine.requests.size() == 1);
  CHECK(f.handler.requests.empty());
  f.transport.unmount("/socket.io/engine/");
  CHECK(http(f.ioc, f.port, "GET /socket.io/engine/?a HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
  CHECK(engine.requests.size() == 1);
  CHECK(f.handler.requests.size() == 1);
  f.transport.unmount("/socket.io/");
  CHECK(http(f.ioc, f.port, "GET /socket.io/ HTTP/1.1\r\nHost: x\r\n\r\n").status == 404);
}

TEST_CASE("websocketpp: unmount closes its connections without calling its handler") {
  Fixture f;
  f.handler.respond_now = false;
  WsClient ws(f.ioc, f.port);
  REQUIRE(ws.handshake());
  Client poll(f.ioc, f.port);
  poll.send("GET /socket.io/?sid=x HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(run_until(
      f.ioc, [&] { return f.handler.sockets.size() == 1 && f.handler.exchanges.size() == 1; }));
  f.transport.unmount("/socket.io/");
  CHECK_FALSE(f.handler.exchanges[0]->open());
  CHECK(wait_response(f.ioc, poll).status == 503);
  const auto& frames = ws.wait_frames(1);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].close_code() == 1001);
  ws.send(0x8, close_payload(1001));
  CHECK(ws.wait_eof());
  CHECK(f.handler.aborted == 0);
  CHECK(f.handler.closed.empty());
}

TEST_CASE("websocketpp: a dual-stack listener reports IPv4 peers as IPv4") {
  asio::io_context ioc;
  Recorder handler;
  Transport transport(ioc);
  transport.mount("/", handler, {});
  if (transport.listen(0, "::")) {
    WARN("no IPv6 on this machine");
    return;
  }
  CHECK(http(ioc, transport.local_port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
  REQUIRE(handler.requests.size() == 1);
  CHECK(handler.requests[0].remote_address == "127.0.0.1");
}

TEST_CASE("websocketpp: a client leaving during a deferred response is reported") {
  Fixture f;
  f.handler.respond_now = false;
  {
    Client client(f.ioc, f.port);
    client.send("GET /socket.io/?sid=x HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(run_until(f.ioc, [&] { return f.handler.exchanges.size() == 1; }));
  }
  REQUIRE(run_until(f.ioc, [&] { return f.handler.aborted == 1; }));
  CHECK_FALSE(f.handler.aborted_while_open);
  CHECK_FALSE(f.handler.exchanges[0]->open());
  f.handler.exchanges[0]->respond(200, "late");  // ignored
  CHECK_FALSE(run_until(
      f.ioc, [&] { return f.handler.aborted > 1; }, 50ms));
}

TEST_CASE("websocketpp: a refused upgrade gets the handler's status and body") {
  Fixture f;
  f.handler.validate_status = 400;
  f.handler.validate_body = R"({"code":3,"message":"Bad request"})";
  WsClient ws(f.ioc, f.port, "/socket.io/?EIO=4&transport=websocket&sid=abc");
  CHECK_FALSE(ws.handshake());
  CHECK(ws.response().status == 400);
  CHECK(ws.response().body == f.handler.validate_body);
  CHECK(ws.response().headers.at("content-type") == "application/json");
  REQUIRE(f.handler.validated.size() == 1);
  CHECK(f.handler.validated[0].path == "/socket.io/");
  CHECK(f.handler.validated[0].query == "EIO=4&transport=websocket&sid=abc");
  CHECK(f.handler.validated[0].header("upgrade") == "websocket");
  CHECK(f.handler.validated[0].remote_address == "127.0.0.1");
  CHECK(f.handler.sockets.empty());
  CHECK(f.handler.closed.empty());
}

TEST_CASE("websocketpp: text and binary messages both ways") {
  Fixture f;
  WsClient ws(f.ioc, f.port, "/socket.io/?EIO=4&transport=websocket");
  REQUIRE(ws.handshake());
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));
  auto conn = f.handler.sockets[0];
  REQUIRE(f.handler.opened.size() == 1);
  CHECK(f.handler.opened[0].path == "/socket.io/");
  CHECK(f.handler.opened[0].query == "EIO=4&transport=websocket");
  CHECK(f.handler.opened[0].remote_address == "127.0.0.1");
  CHECK(f.handler.opened[0].header("sec-websocket-version") == "13");

  ws.send(0x1, "4hello");
  ws.send(0x2, std::string("\x01\x02\x00\x03", 4));
  REQUIRE(run_until(f.ioc, [&] { return f.handler.messages.size() == 2; }));
  CHECK(f.handler.messages[0].conn == conn.get());
  CHECK(f.handler.messages[0].data == "4hello");
  CHECK_FALSE(f.handler.messages[0].binary);
  CHECK(f.handler.messages[1].data == std::string("\x01\x02\x00\x03", 4));
  CHECK(f.handler.messages[1].binary);

  const std::string big(70'000, 'b');
  conn->send(sio::engineio::make_text_frame("4world"));
  conn->send(sio::engineio::make_binary_frame(std::string("\x00\xff", 2)));
  conn->send(sio::engineio::make_binary_frame(big));
  const auto& frames = ws.wait_frames(3);
  REQUIRE(frames.size() == 3);
  CHECK(frames[0].opcode == 0x1);
  CHECK(frames[0].payload == "4world");
  CHECK(frames[1].opcode == 0x2);
  CHECK(frames[1].payload == std::string("\x00\xff", 2));
  CHECK(frames[2].payload == big);
  CHECK(conn->buffered_amount() == 0);
}

TEST_CASE("websocketpp: frames sent in one handler arrive in order, in one write") {
  Fixture f;
  f.handler.on_message = [](WsConnection& conn, std::string_view, bool) {
    conn.send(sio::engineio::make_text_frame("40{\"sid\":\"a\"}"));
    conn.send(sio::engineio::make_text_frame("42[\"auth\",{}]"));
    conn.send(sio::engineio::make_binary_frame("\x01\x02"));
    CHECK(conn.buffered_amount() > 0);  // queued, not written yet
  };
  WsClient ws(f.ioc, f.port);
  REQUIRE(ws.handshake());
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));
  const std::size_t reads_before = ws.raw().reads().size();
  ws.send(0x1, "40");
  const auto& frames = ws.wait_frames(3);
  REQUIRE(frames.size() == 3);
  CHECK(frames[0].payload == "40{\"sid\":\"a\"}");
  CHECK(frames[1].payload == "42[\"auth\",{}]");
  CHECK(frames[2].payload == "\x01\x02");
  CHECK(frames[2].opcode == 0x2);
  // One gathered write: on loopback the three frames land in a single read.
  REQUIRE(ws.raw().reads().size() == reads_before + 1);
}

TEST_CASE("websocketpp: one prepared frame is sent to several connections") {
  Fixture f;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<WsClient>(f.ioc, f.port));
    REQUIRE(clients.back()->handshake());
  }
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 3; }));
  const auto frame = sio::engineio::make_text_frame("42[\"news\",\"hello\"]");
  CHECK_FALSE(frame->prepared);
  f.handler.sockets[0]->send(frame);
  REQUIRE(frame->prepared);
  const void* prepared = frame->prepared.get();
  f.handler.sockets[1]->send(frame);
  f.handler.sockets[2]->send(frame);
  CHECK(frame->prepared.get() == prepared);
  for (auto& c : clients) {
    const auto& frames = c->wait_frames(1);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].opcode == 0x1);
    CHECK(frames[0].payload == "42[\"news\",\"hello\"]");
  }
  // The same frame sent again goes out again.
  f.handler.sockets[1]->send(frame);
  CHECK(clients[1]->wait_frames(2).size() == 2);
}

TEST_CASE("websocketpp: the server closes a WebSocket") {
  Fixture f;
  WsClient ws(f.ioc, f.port);
  REQUIRE(ws.handshake());
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));
  auto conn = f.handler.sockets[0];
  conn->send(sio::engineio::make_text_frame("1"));
  conn->close(CloseCode::normal, "bye");
  conn->close();  // again: ignored
  const auto& frames = ws.wait_frames(2);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0].payload == "1");
  CHECK(frames[1].opcode == 0x8);
  CHECK(frames[1].close_code() == 1000);
  CHECK(frames[1].payload.substr(2) == "bye");
  ws.send(0x8, close_payload(1000));
  REQUIRE(run_until(f.ioc, [&] { return f.handler.closed.size() == 1; }));
  CHECK(f.handler.closed[0].conn == conn.get());
  CHECK_FALSE(f.handler.closed[0].ec);
  CHECK(ws.wait_eof());
  conn->send(sio::engineio::make_text_frame("4late"));  // ignored after close
  CHECK_FALSE(run_until(
      f.ioc, [&] { return f.handler.closed.size() > 1; }, 50ms));
}

TEST_CASE("websocketpp: the client closes a WebSocket") {
  Fixture f;
  WsClient ws(f.ioc, f.port);
  REQUIRE(ws.handshake());
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));
  ws.send(0x8, close_payload(1000));
  const auto& frames = ws.wait_frames(1);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == 0x8);
  CHECK(frames[0].close_code() == 1000);
  REQUIRE(run_until(f.ioc, [&] { return f.handler.closed.size() == 1; }));
  CHECK_FALSE(f.handler.closed[0].ec);
  CHECK(ws.wait_eof());
  CHECK_FALSE(run_until(
      f.ioc, [&] { return f.handler.closed.size() > 1; }, 50ms));
}

TEST_CASE("websocketpp: a dropped TCP connection closes the WebSocket with an error") {
  Fixture f;
  {
    WsClient ws(f.ioc, f.port);
    REQUIRE(ws.handshake());
    REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));
  }
  REQUIRE(run_until(f.ioc, [&] { return f.handler.closed.size() == 1; }));
  CHECK(f.handler.closed[0].ec);
  CHECK_FALSE(run_until(
      f.ioc, [&] { return f.handler.closed.size() > 1; }, 50ms));
}

TEST_CASE("websocketpp: a peer that vanishes under a pending write closes the WebSocket") {
  Fixture f;
  // A client that stops reading after its request, so that the server's write cannot finish.
  asio::ip::tcp::socket peer(f.ioc);
  bool connected = false;
  peer.async_connect({asio::ip::make_address("127.0.0.1"), f.port},
                     [&](std::error_code ec) { connected = !ec; });
  REQUIRE(run_until(f.ioc, [&] { return connected; }));
  const std::string request = upgrade("/socket.io/?EIO=4");
  asio::async_write(peer, asio::buffer(request), [](std::error_code, std::size_t) {});
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));
  auto conn = f.handler.sockets[0];

  // Far more than loopback's socket buffers hold: the write stays pending.
  conn->send(sio::engineio::make_binary_frame(std::string(32u << 20, 'x')));
  std::error_code ec;
  REQUIRE(run_until(f.ioc, [&] { return peer.available(ec) >= 16384 || ec; }));
  REQUIRE_FALSE(ec);
  REQUIRE(f.handler.closed.empty());

  // The peer resets the connection (no FIN): the pending write and read both fail.
  peer.set_option(asio::socket_base::linger(true, 0));
  peer.close();
  REQUIRE(run_until(f.ioc, [&] { return f.handler.closed.size() == 1; }));
  CHECK(f.handler.closed[0].conn == conn.get());
  CHECK(f.handler.closed[0].ec);
  conn->send(sio::engineio::make_text_frame("4late"));  // harmless
  CHECK_FALSE(run_until(
      f.ioc, [&] { return f.handler.closed.size() > 1; }, 50ms));
}

TEST_CASE("websocketpp: a silent client and an unanswered close frame time out") {
  WebsocketppOptions o;
  o.header_timeout = 2s;
  Fixture f({}, o);
  // Connected, but never sends its request: the opening handshake times out.
  Client silent(f.ioc, f.port);
  // Never answers the server's close frame: the closing handshake times out.
  WsClient ws(f.ioc, f.port);
  REQUIRE(ws.handshake());
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));
  REQUIRE(silent.connected());
  f.handler.sockets[0]->close(CloseCode::normal, "bye");
  const auto& frames = ws.wait_frames(1);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == 0x8);
  CHECK(f.handler.closed.empty());

  // header_timeout, and websocketpp's 5 s for the closing handshake.
  REQUIRE(run_until(
      f.ioc, [&] { return silent.eof() && ws.raw().eof(); }, 10s));
  CHECK(silent.received().empty());
  REQUIRE(f.handler.closed.size() == 1);
  CHECK(f.handler.closed[0].ec);  // the handshake did not complete
}

TEST_CASE("websocketpp: headers must arrive within header_timeout, a body until request_timeout") {
  WebsocketppOptions o;
  o.header_timeout = 300ms;
  o.request_timeout = 3s;
  Fixture f({}, o);
  const std::string head = "POST /socket.io/ HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n";
  // The slow body's headers are in first, and in two pieces (the blank line split across reads):
  // its deadline for headers would pass before the trickler's.
  Client slow_body(f.ioc, f.port);
  REQUIRE(run_until(f.ioc, [&] { return slow_body.connected(); }));
  slow_body.send(head + "\r");
  f.ioc.run_for(20ms);
  slow_body.send("\n01234");
  Client trickler(f.ioc, f.port);
  REQUIRE(run_until(f.ioc, [&] { return trickler.connected(); }));
  trickler.send(head);  // never ends its headers
  // A body that never completes is cut off at request_timeout.
  Client stalled(f.ioc, f.port);
  REQUIRE(run_until(f.ioc, [&] { return stalled.connected(); }));
  stalled.send(head + "\r\n012");

  REQUIRE(run_until(f.ioc, [&] { return trickler.eof(); }));
  CHECK(trickler.received().empty());
  // Past its header deadline, the body still may come.
  CHECK_FALSE(slow_body.eof());
  slow_body.send("56789");
  REQUIRE(run_until(f.ioc, [&] { return f.handler.requests.size() == 1; }));
  CHECK(f.handler.requests[0].body == "0123456789");
  REQUIRE(run_until(f.ioc, [&] { return slow_body.eof(); }));
  CHECK(slow_body.received().rfind("HTTP/1.1 200", 0) == 0);

  REQUIRE(run_until(f.ioc, [&] { return stalled.eof(); }, 10s));
  CHECK(stalled.received().empty());
  CHECK(f.handler.requests.size() == 1);
}

TEST_CASE("websocketpp: a WebSocket upgrade is held to header_timeout too") {
  WebsocketppOptions o;
  o.header_timeout = 300ms;
  o.request_timeout = 300ms;
  Fixture f({}, o);
  Client partial(f.ioc, f.port);
  REQUIRE(run_until(f.ioc, [&] { return partial.connected(); }));
  partial.send("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n");
  REQUIRE(run_until(f.ioc, [&] { return partial.eof(); }));
  CHECK(partial.received().empty());
  // Others are served as before.
  WsClient ws(f.ioc, f.port);
  REQUIRE(ws.handshake());
}

TEST_CASE("websocketpp: a burst larger than the read buffer is handled whole and in order") {
  Fixture f;
  WsClient sender(f.ioc, f.port);
  WsClient receiver(f.ioc, f.port);
  REQUIRE(sender.handshake());
  REQUIRE(receiver.handshake());
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 2; }));
  // Each message goes back to its sender and on to the other connection, as a broadcast would.
  std::vector<std::shared_ptr<WsConnection>> all = f.handler.sockets;
  f.handler.on_message = [&](WsConnection&, std::string_view data, bool) {
    auto frame = sio::engineio::make_text_frame(std::string(data));
    for (auto& c : all) c->send(frame);
  };
  // 300 messages of 300 bytes in one write: many times the 1 KiB read buffer.
  std::string burst;
  std::vector<std::string> sent;
  for (int i = 0; i < 300; ++i) {
    std::string m = "4" + std::to_string(i) + ":";
    m.resize(300, 'x');
    burst += client_frame(0x1, m);
    sent.push_back(std::move(m));
  }
  sender.raw().send(burst);
  for (WsClient* ws : {&sender, &receiver}) {
    const auto& frames = ws->wait_frames(sent.size());
    REQUIRE(frames.size() == sent.size());
    for (std::size_t i = 0; i < sent.size(); ++i) CHECK(frames[i].payload == sent[i]);
  }
  REQUIRE(f.handler.messages.size() == sent.size());
  CHECK(f.handler.closed.empty());
}

TEST_CASE("websocketpp: a message over max_payload closes with 1009") {
  Fixture f(MountOptions{16});
  WsClient ws(f.ioc, f.port);
  REQUIRE(ws.handshake());
  REQUIRE(run_until(f.ioc, [&] { return f.handler.sockets.size() == 1; }));
  ws.send(0x1, std::string(16, 'a'));  // at the limit: delivered
  ws.send(0x1, std::string(17, 'a'));
  const auto& frames = ws.wait_frames(1);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == 0x8);
  CHECK(frames[0].close_code() == 1009);
  REQUIRE(run_until(f.ioc, [&] { return f.handler.closed.size() == 1; }));
  CHECK(f.handler.closed[0].ec == sio::error::payload_too_large);
  REQUIRE(f.handler.messages.size() == 1);
  CHECK(f.handler.messages[0].data.size() == 16);
  CHECK(ws.wait_eof());
}

TEST_CASE("websocketpp: close() ends every connection and is safe twice") {
  Fixture f;
  f.handler.respond_now = false;
  WsClient ws(f.ioc, f.port);
  REQUIRE(ws.handshake());
  Client poll(f.ioc, f.port);
  poll.send("GET /socket.io/?sid=x HTTP/1.1\r\nHost: x\r\n\r\n");
  REQUIRE(run_until(
      f.ioc, [&] { return f.handler.sockets.size() == 1 && f.handler.exchanges.size() == 1; }));

  f.transport.close();
  f.transport.close();
  CHECK(f.handler.aborted == 1);
  CHECK_FALSE(f.handler.exchanges[0]->open());
  CHECK(wait_response(f.ioc, poll).status == 503);
  const auto& frames = ws.wait_frames(1);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].close_code() == 1001);
  ws.send(0x8, close_payload(1001));
  REQUIRE(run_until(f.ioc, [&] { return f.handler.closed.size() == 1; }));
  CHECK_FALSE(f.handler.closed[0].ec);

  // Nothing listens any more, and listening again is refused.
  Client late(f.ioc, f.port);
  REQUIRE(run_until(f.ioc, [&] { return late.eof(); }));
  CHECK_FALSE(late.connected());
  CHECK(f.transport.listen(0, "127.0.0.1"));
}

TEST_CASE("websocketpp: destruction closes everything without calling handlers") {
  asio::io_context ioc;
  Recorder handler;
  handler.respond_now = false;
  std::unique_ptr<WsClient> ws;
  std::unique_ptr<Client> poll;
  std::unique_ptr<Client> idle;
  {
    Transport transport(ioc);
    transport.mount("/socket.io/", handler, {});
    REQUIRE_FALSE(transport.listen(0, "127.0.0.1"));
    ws = std::make_unique<WsClient>(ioc, transport.local_port());
    REQUIRE(ws->handshake());
    poll = std::make_unique<Client>(ioc, transport.local_port());
    poll->send("GET /socket.io/?sid=x HTTP/1.1\r\nHost: x\r\n\r\n");
    REQUIRE(run_until(
        ioc, [&] { return handler.sockets.size() == 1 && handler.exchanges.size() == 1; }));
    // A connection still reading its request when the transport goes.
    idle = std::make_unique<Client>(ioc, transport.local_port());
    REQUIRE(run_until(ioc, [&] { return idle->connected(); }));
  }
  // The clients see the end; the handler hears nothing more.
  CHECK(wait_response(ioc, *poll).status == 503);
  const auto& frames = ws->wait_frames(1);
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].close_code() == 1001);
  ws->send(0x8, close_payload(1001));
  CHECK(ws->wait_eof());
  CHECK(run_until(ioc, [&] { return idle->eof(); }));
  CHECK(handler.aborted == 0);
  CHECK(handler.closed.empty());
  handler.sockets[0]->send(sio::engineio::make_text_frame("4late"));  // harmless
  handler.exchanges[0]->respond(200, "late");                         // harmless
  // Every connection is gone: the io_context runs out of work.
  CHECK(run_until(ioc, [&] { return ioc.stopped(); }));
}

TEST_CASE("websocketpp: listen reports errors and picks a free port") {
  asio::io_context ioc;
  Transport a(ioc);
  REQUIRE_FALSE(a.listen(0, "127.0.0.1"));
  CHECK(a.local_port() != 0);
  CHECK(a.listen(0, "127.0.0.1"));  // already listening
  Transport b(ioc);
  CHECK(b.listen(a.local_port(), "127.0.0.1"));  // taken
  CHECK(b.listen(0, "not an address"));
  a.stop_listening();
  CHECK_FALSE(a.listen(0, "127.0.0.1"));  // again after stop_listening
}

TEST_CASE("websocketpp: with reuse_port several transports share a port and its connections") {
  asio::io_context ioc;
  sio::transport::WebsocketppOptions options;
  options.reuse_port = true;
  Transport a(ioc, options), b(ioc, options);
  Recorder ha, hb;
  a.mount("/socket.io/", ha, {});
  b.mount("/socket.io/", hb, {});
  REQUIRE_FALSE(a.listen(0, "127.0.0.1"));
  REQUIRE_FALSE(b.listen(a.local_port(), "127.0.0.1"));
  CHECK(b.local_port() == a.local_port());
  // The kernel spreads connections by a hash of their addresses: all of them are served, by
  // one transport or the other.
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int i = 0; i < 32; ++i) {
    clients.push_back(std::make_unique<WsClient>(ioc, a.local_port()));
    REQUIRE(clients.back()->handshake());
  }
  REQUIRE(run_until(ioc, [&] { return ha.sockets.size() + hb.sockets.size() == 32; }));
  // Without the option on both sides, the port stays taken.
  Transport c(ioc);
  CHECK(c.listen(a.local_port(), "127.0.0.1"));
}

TEST_CASE("websocketpp: options are checked") {
  asio::io_context ioc;
  CHECK_THROWS_AS(Transport(ioc, {0}), std::invalid_argument);
  CHECK_THROWS_AS(Transport(ioc, {65537}), std::invalid_argument);
  WebsocketppOptions bad;
  bad.header_timeout = 0ms;
  CHECK_THROWS_AS(Transport(ioc, bad), std::invalid_argument);
  bad.header_timeout = 10s;
  bad.request_timeout = 5s;
  CHECK_THROWS_AS(Transport(ioc, bad), std::invalid_argument);
  for (std::size_t size : {1u, 1024u, 2000u, 16384u, 65536u}) {
    Transport t(ioc, {size});
    Recorder handler;
    t.mount("/socket.io/", handler, {});
    REQUIRE_FALSE(t.listen(0, "127.0.0.1"));
    const std::string body(100'000, 'z');
    const auto r =
        http(ioc, t.local_port(),
             "POST /socket.io/ HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + body);
    CHECK(r.status == 200);
    REQUIRE(handler.requests.size() == 1);
    CHECK(handler.requests[0].body == body);
  }
}

TEST_CASE("websocketpp: timers and post run on the io_context") {
  asio::io_context ioc;
  Transport t(ioc);
  CHECK(&t.context() == &ioc);

  int posted = 0;
  t.post([&] { ++posted; });
  CHECK(posted == 0);
  REQUIRE(run_until(ioc, [&] { return posted == 1; }));

  int fired = 0;
  auto timer = t.make_timer([&] { ++fired; });
  timer->expires_at(t.now() + 1h);
  timer->expires_at(t.now() + 1ms);  // replaces the first arming
  REQUIRE(run_until(ioc, [&] { return fired == 1; }));
  CHECK_FALSE(run_until(
      ioc, [&] { return fired > 1; }, 30ms));

  timer->expires_at(t.now());
  timer->cancel();
  CHECK_FALSE(run_until(
      ioc, [&] { return fired > 1; }, 30ms));

  // Destroyed while armed, or by its own callback.
  timer->expires_at(t.now());
  timer.reset();
  CHECK_FALSE(run_until(
      ioc, [&] { return fired > 1; }, 30ms));
  std::unique_ptr<sio::transport::Timer> self;
  self = t.make_timer([&] {
    ++fired;
    self.reset();
  });
  self->expires_at(t.now());
  REQUIRE(run_until(ioc, [&] { return fired == 2; }));
  CHECK_FALSE(self);
}

TEST_CASE("websocketpp: a router sends a connection, request line and all, to another transport") {
  asio::io_context ioc;
  WebsocketppOptions options;
  options.header_timeout = 200ms;
  Recorder here_handler, there_handler;
  Transport here(ioc, options), there(ioc);
  here.mount("/socket.io/", here_handler, {});
  there.mount("/socket.io/", there_handler, {});
  std::vector<std::string> lines;
  here.set_router([&](std::string_view line) -> Transport* {
    lines.emplace_back(line);
    return line.find("to=there") != std::string_view::npos ? &there : nullptr;
  });
  REQUIRE_FALSE(here.listen(0, "127.0.0.1"));
  const auto port = here.local_port();

  SECTION("an HTTP request, its first line sent in pieces") {
    Client c(ioc, port);
    c.send("GET /socket.io/?EIO=4&to=th");
    REQUIRE(run_until(ioc, [&] { return c.connected(); }));
    c.send("ere HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Custom: abc\r\n\r\n");
    const auto r = wait_response(ioc, c);
    CHECK(r.status == 200);
    CHECK(r.body == "echo:");
    REQUIRE(there_handler.requests.size() == 1);
    CHECK(there_handler.requests[0].query == "EIO=4&to=there");
    CHECK(there_handler.requests[0].header("x-custom") == "abc");
    CHECK(there_handler.requests[0].remote_address == "127.0.0.1");
    CHECK(here_handler.requests.empty());
    REQUIRE(lines.size() == 1);
    CHECK(lines[0] == "GET /socket.io/?EIO=4&to=there HTTP/1.1");
  }
  SECTION("a POST whose body came with its first line") {
    const auto r = http(ioc, port,
                        "POST /socket.io/?to=there HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    CHECK(r.status == 200);
    REQUIRE(there_handler.requests.size() == 1);
    CHECK(there_handler.requests[0].body == "hello");
  }
  SECTION("a request the router keeps") {
    const auto r = http(ioc, port, "GET /socket.io/?EIO=4 HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(r.status == 200);
    CHECK(here_handler.requests.size() == 1);
    CHECK(there_handler.requests.empty());
  }
  SECTION("a WebSocket, whose messages then go to the other transport's handler") {
    WsClient ws(ioc, port, "/socket.io/?EIO=4&transport=websocket&to=there");
    REQUIRE(ws.handshake());
    ws.send(0x1, "hi");
    REQUIRE(run_until(ioc, [&] { return there_handler.messages.size() == 1; }));
    CHECK(there_handler.messages[0].data == "hi");
    CHECK(here_handler.opened.empty());
    REQUIRE(there_handler.sockets.size() == 1);
    there_handler.sockets[0]->send(sio::engineio::make_text_frame("back"));
    const auto& frames = ws.wait_frames(1);
    CHECK(frames[0].payload == "back");
  }
  SECTION("a client that sends no line in header_timeout is let go, and others are served") {
    Client silent(ioc, port);
    REQUIRE(run_until(ioc, [&] { return silent.eof(); }));
    CHECK(lines.empty());
    CHECK(http(ioc, port, "GET /socket.io/?to=there HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
  }
  SECTION("a client that leaves before its line is forgotten") {
    {
      Client gone(ioc, port);
      gone.send("GET /socket.io/?to=the");
      REQUIRE(run_until(ioc, [&] { return gone.connected(); }));
    }
    CHECK(http(ioc, port, "GET /socket.io/?EIO=4 HTTP/1.1\r\nHost: x\r\n\r\n").status == 200);
    CHECK(lines.size() == 1);
  }
  SECTION("closing the transport lets go of the connections whose line is awaited") {
    Client waiting(ioc, port);
    REQUIRE(run_until(ioc, [&] { return waiting.connected(); }));
    ioc.poll();
    here.close();
    REQUIRE(run_until(ioc, [&] { return waiting.eof(); }));
    CHECK(lines.empty());
  }
}

TEST_CASE("websocketpp: adopt() serves a socket accepted elsewhere, with what was read of it") {
  asio::io_context ioc;
  Recorder handler;
  Transport transport(ioc);
  transport.mount("/socket.io/", handler, {});
  asio::ip::tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  Client c(ioc, acceptor.local_endpoint().port());
  asio::ip::tcp::socket accepted(ioc);
  acceptor.accept(accepted);
  // What the application's own code read of the request first, and the rest, still unread.
  transport.adopt(accepted.release(), "GET /sock");
  c.send("et.io/?EIO=4 HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto r = wait_response(ioc, c);
  CHECK(r.status == 200);
  REQUIRE(handler.requests.size() == 1);
  CHECK(handler.requests[0].path == "/socket.io/");
  CHECK(handler.requests[0].query == "EIO=4");
}
