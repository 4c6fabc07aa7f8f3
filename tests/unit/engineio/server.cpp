#include "sio/engineio/server.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sio/transport/memory.hpp"
#include "unit/support/engineio_client.hpp"

using namespace std::chrono_literals;
using sio::engineio::CloseReason;
using sio::engineio::Server;
using sio::engineio::ServerOptions;
using sio::engineio::Session;
using sio::engineio::TransportKind;
using sio::transport::memory;
namespace test = sio::test;

namespace {

// Echoes every message back to its sender and records what happens; hooks change the behaviour.
struct EchoHandler final : sio::engineio::SessionHandler {
  struct Closed {
    std::string sid;
    CloseReason reason;
  };
  std::vector<std::string> opened;
  std::vector<std::pair<std::string, std::string>> messages;  // (sid, data)
  std::vector<Closed> closed;
  std::map<std::string, int> drains;
  std::map<std::string, int> transport_changes;
  Server* server = nullptr;
  bool echo = true;
  std::function<void(Session&)> on_open_hook;
  std::function<void(Session&, std::string_view, bool)> on_message_hook;
  std::function<void(Session&, CloseReason)> on_close_hook;

  void on_open(Session& s) override {
    opened.push_back(s.id());
    if (on_open_hook) on_open_hook(s);
  }
  void on_message(Session& s, std::string_view data, bool binary) override {
    messages.emplace_back(s.id(), std::string(data));
    if (echo)
      s.send(binary ? sio::engineio::make_binary_frame(std::string(data))
                    : sio::engineio::make_frame(sio::engineio::PacketType::message, data));
    if (on_message_hook) on_message_hook(s, data, binary);
  }
  void on_close(Session& s, CloseReason reason) override {
    // The session is already gone from the server's table, but still valid here.
    if (server) CHECK(server->find(s.id()) == nullptr);
    closed.push_back({s.id(), reason});
    if (on_close_hook) on_close_hook(s, reason);
  }
  void on_drain(Session& s) override { ++drains[s.id()]; }
  void on_transport_change(Session& s) override { ++transport_changes[s.id()]; }
  bool accepts = true;
  bool accepts_session() override { return accepts; }

  int close_count(const std::string& sid) const {
    int n = 0;
    for (const auto& c : closed) n += c.sid == sid;
    return n;
  }
  bool closed_with(const std::string& sid, CloseReason reason) const {
    return close_count(sid) == 1 && [&] {
      for (const auto& c : closed)
        if (c.sid == sid) return c.reason == reason;
      return false;
    }();
  }
};

// The options of the official test suites.
ServerOptions conformance_options() {
  ServerOptions o;
  o.ping_interval = 300ms;
  o.ping_timeout = 200ms;
  o.max_payload = 1'000'000;
  return o;
}

struct Fixture {
  asio::io_context ioc;
  memory t{ioc};
  EchoHandler handler;
  std::unique_ptr<Server> server;

  explicit Fixture(ServerOptions o = conformance_options()) {
    server = std::make_unique<Server>(t, "/engine.io", std::move(o), handler);
    handler.server = server.get();
  }
  std::shared_ptr<const memory::HttpResult> get(const std::string& target) { return t.request("GET", target); }
};

const std::string base = "/engine.io/";

std::string json_error(int code, const char* message) {
  return "{\"code\":" + std::to_string(code) + ",\"message\":\"" + message + "\"}";
}

}  // namespace

// ---- handshake ------------------------------------------------------------------------------------

TEST_CASE("server: handshakes past max_sessions, or refused by the handler, get 503") {
  auto o = conformance_options();
  o.max_sessions = 2;
  Fixture f(o);
  const std::string open = base + "?EIO=4&transport=polling";
  CHECK(f.get(open)->status == 200);
  auto ws = f.t.connect(base + "?EIO=4&transport=websocket");
  REQUIRE(ws->accepted());
  auto third = f.get(open);
  CHECK(third->status == 503);
  CHECK(third->body == json_error(3, "Server busy"));
  auto ws2 = f.t.connect(base + "?EIO=4&transport=websocket");
  CHECK_FALSE(ws2->accepted());
  CHECK(ws2->refused_status() == 503);
  // A session that closes makes room again.
  ws->close();
  f.t.run_pending();
  CHECK(f.get(open)->status == 200);
  // The layer above may refuse too.
  Fixture g;
  g.handler.accepts = false;
  CHECK(g.get(open)->status == 503);
  CHECK(g.handler.opened.empty());
}

TEST_CASE("server: handshakes past max_handshakes_per_address get 429, other addresses pass") {
  auto o = conformance_options();
  o.max_handshakes_per_address = 2;
  o.handshake_window = 2000ms;
  std::vector<std::string> log;
  o.logger = [&](sio::LogLevel, std::string_view m) { log.emplace_back(m); };
  Fixture f(o);
  const std::string open = base + "?EIO=4&transport=polling";
  CHECK(f.t.request("GET", open, {}, {}, "10.0.0.1")->status == 200);
  CHECK(f.t.connect(base + "?EIO=4&transport=websocket", {}, "10.0.0.1")->accepted());
  auto third = f.t.request("GET", open, {}, {}, "10.0.0.1");
  CHECK(third->status == 429);
  CHECK(third->body == json_error(3, "Too many requests"));
  auto ws = f.t.connect(base + "?EIO=4&transport=websocket", {}, "10.0.0.1");
  CHECK_FALSE(ws->accepted());
  CHECK(ws->refused_status() == 429);
  CHECK(std::any_of(log.begin(), log.end(), [](const std::string& m) {
    return m.find("refused handshake from 10.0.0.1") != std::string::npos;
  }));
  // Another address is not held back, and the first gets one more after window / limit.
  CHECK(f.t.request("GET", open, {}, {}, "10.0.0.2")->status == 200);
  f.t.advance(999ms);
  CHECK(f.t.request("GET", open, {}, {}, "10.0.0.1")->status == 429);
  f.t.advance(1ms);
  CHECK(f.t.request("GET", open, {}, {}, "10.0.0.1")->status == 200);
  CHECK(f.t.request("GET", open, {}, {}, "10.0.0.1")->status == 429);
}

TEST_CASE("server: polling handshake answers the open packet with exactly five keys") {
  Fixture f;
  auto r = f.t.request("GET", base + "?EIO=4&transport=polling", {}, {{"User-Agent", "test"}, {"Cookie", "a=b"}},
                       "10.1.2.3");
  REQUIRE(r->done);
  CHECK(r->status == 200);
  CHECK(r->header("Content-Type") == "text/plain; charset=UTF-8");
  const auto open = test::parse_open(r->body);
  REQUIRE(open.valid);
  CHECK(open.key_count == 5);
  CHECK(open.sid.size() == 20);
  CHECK(open.upgrades == std::vector<std::string>{"websocket"});
  CHECK(open.ping_interval == 300);
  CHECK(open.ping_timeout == 200);
  CHECK(open.max_payload == 1000000);
  CHECK(r->body == "0{\"sid\":\"" + open.sid +
                       "\",\"upgrades\":[\"websocket\"],\"pingInterval\":300,\"pingTimeout\":200,\"maxPayload\":1000000}");

  CHECK(f.server->session_count() == 1);
  REQUIRE(f.handler.opened == std::vector<std::string>{open.sid});
  Session* s = f.server->find(open.sid);
  REQUIRE(s != nullptr);
  CHECK(s->id() == open.sid);
  CHECK(s->transport() == TransportKind::polling);
  CHECK(s->request().header("cookie") == "a=b");
  CHECK(s->request().query == "EIO=4&transport=polling");
  CHECK(s->request().remote_address == "10.1.2.3");
  CHECK(s->request().path == base);
  CHECK(s->opened_at().time_since_epoch().count() != 0);
  CHECK(f.server->find("nope") == nullptr);
  CHECK(f.server->path() == base);
}

TEST_CASE("server: ids are unique") {
  Fixture f;
  const auto a = test::open_polling(f.t);
  const auto b = test::open_polling(f.t);
  CHECK(a != b);
  CHECK(f.server->session_count() == 2);
}

TEST_CASE("server: WebSocket handshake sends the open packet with no upgrades") {
  Fixture f;
  auto ws = f.t.connect(base + "?EIO=4&transport=websocket");
  REQUIRE(ws->accepted());
  REQUIRE(ws->received().size() == 1);
  const auto open = test::parse_open(ws->received().front().data);
  REQUIRE(open.valid);
  CHECK(open.key_count == 5);
  CHECK(open.upgrades.empty());
  CHECK(ws->received().front().data.find("\"upgrades\":[]") != std::string::npos);
  Session* s = f.server->find(open.sid);
  REQUIRE(s);
  CHECK(s->transport() == TransportKind::websocket);
}

TEST_CASE("server: upgrades are not announced when disallowed") {
  ServerOptions o = conformance_options();
  o.allow_upgrades = false;
  Fixture f(o);
  auto r = f.get(base + "?EIO=4&transport=polling");
  CHECK(test::parse_open(r->body).upgrades.empty());
  const auto sid = test::parse_open(r->body).sid;
  // A WebSocket for the session is accepted and closed: no upgrade.
  auto ws = test::start_upgrade(f.t, sid);
  CHECK(ws->closed());
  CHECK(ws->received().empty());
}

TEST_CASE("server: bad requests answer 400 or 403 with Node's JSON bodies") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  struct Case {
    std::string method, target;
    int status;
    std::string body;
  };
  const Case cases[] = {
      {"GET", base + "?transport=polling", 400, json_error(5, "Unsupported protocol version")},
      {"GET", base + "?EIO=abc&transport=polling", 400, json_error(5, "Unsupported protocol version")},
      {"GET", base + "?EIO=3&transport=polling", 400, json_error(5, "Unsupported protocol version")},
      {"GET", base + "?EIO=4", 400, json_error(0, "Transport unknown")},
      {"GET", base + "?EIO=4&transport=abc", 400, json_error(0, "Transport unknown")},
      {"GET", base, 400, json_error(0, "Transport unknown")},
      {"POST", base + "?EIO=4&transport=polling", 400, json_error(2, "Bad handshake method")},
      {"PUT", base + "?EIO=4&transport=polling", 400, json_error(2, "Bad handshake method")},
      {"GET", base + "?EIO=4&transport=polling&sid=unknown", 400, json_error(1, "Session ID unknown")},
      {"POST", base + "?EIO=4&transport=polling&sid=unknown", 400, json_error(1, "Session ID unknown")},
      {"GET", base + "?EIO=4&transport=websocket", 400, json_error(3, "Bad request")},
      {"GET", base + "?EIO=4&transport=websocket&sid=" + sid, 400, json_error(3, "Bad request")},
      {"PUT", base + "?EIO=4&transport=polling&sid=" + sid, 400, json_error(3, "Bad request")},
  };
  for (const auto& c : cases) {
    INFO(c.method << " " << c.target);
    auto r = f.t.request(c.method, c.target);
    REQUIRE(r->done);
    CHECK(r->status == c.status);
    CHECK(r->body == c.body);
    CHECK(r->header("Content-Type") == "application/json");
  }
  CHECK(f.server->session_count() == 1);  // none of these opened or closed a session
  CHECK(f.handler.closed.empty());
}

TEST_CASE("server: a header value with control characters in Origin is a bad request") {
  Fixture f;
  auto r = f.t.request("GET", base + "?EIO=4&transport=polling", {}, {{"Origin", "http://a\x01"}});
  CHECK(r->status == 400);
  CHECK(r->body == json_error(3, "Bad request"));
}

TEST_CASE("server: WebSocket upgrade requests are refused like HTTP ones") {
  Fixture f;
  auto bad_eio = f.t.connect(base + "?EIO=abc&transport=websocket");
  CHECK_FALSE(bad_eio->accepted());
  CHECK(bad_eio->refused_status() == 400);
  CHECK(bad_eio->refused_body() == json_error(5, "Unsupported protocol version"));
  auto no_eio = f.t.connect(base + "?transport=websocket");
  CHECK(no_eio->refused_status() == 400);
  auto bad_transport = f.t.connect(base + "?EIO=4&transport=abc");
  CHECK(bad_transport->refused_status() == 400);
  CHECK(bad_transport->refused_body() == json_error(0, "Transport unknown"));
  auto polling = f.t.connect(base + "?EIO=4&transport=polling");
  CHECK(polling->refused_status() == 400);
  auto unknown = f.t.connect(base + "?EIO=4&transport=websocket&sid=unknown");
  CHECK(unknown->refused_status() == 400);
  CHECK(unknown->refused_body() == json_error(1, "Session ID unknown"));
  CHECK(f.server->session_count() == 0);
}

TEST_CASE("server: transports can be disabled") {
  SECTION("polling off") {
    ServerOptions o = conformance_options();
    o.polling = false;
    Fixture f(o);
    auto r = f.get(base + "?EIO=4&transport=polling");
    CHECK(r->status == 400);
    CHECK(r->body == json_error(0, "Transport unknown"));
    CHECK(test::open_websocket(f.t).sid.size() == 20);
  }
  SECTION("websocket off") {
    ServerOptions o = conformance_options();
    o.websocket = false;
    Fixture f(o);
    auto ws = f.t.connect(base + "?EIO=4&transport=websocket");
    CHECK(ws->refused_status() == 400);
    auto r = f.get(base + "?EIO=4&transport=polling");
    REQUIRE(r->status == 200);
    CHECK(test::parse_open(r->body).upgrades.empty());
  }
}

TEST_CASE("server: options that cannot work throw at construction") {
  asio::io_context ioc;
  memory t(ioc);
  EchoHandler h;
  ServerOptions none;
  none.polling = none.websocket = false;
  CHECK_THROWS_AS(Server(t, "/x/", none, h), std::invalid_argument);
  ServerOptions zero;
  zero.ping_interval = 0ms;
  CHECK_THROWS_AS(Server(t, "/x/", zero, h), std::invalid_argument);
  CHECK_THROWS_AS(Server(t, "x/", ServerOptions{}, h), std::invalid_argument);
}

// ---- messages -------------------------------------------------------------------------------------

TEST_CASE("server: polling echo, text and binary, in one response") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto p = test::post(f.t, sid, "4test1\x1e" "4test2\x1e" "4test3");
  CHECK(p->status == 200);
  CHECK(p->body == "ok");
  CHECK(p->header("Content-Type") == "text/html");
  auto g = test::poll(f.t, sid);
  REQUIRE(g->done);
  CHECK(g->status == 200);
  CHECK(g->body == "4test1\x1e" "4test2\x1e" "4test3");
  CHECK(g->header("Content-Type") == "text/plain; charset=UTF-8");

  CHECK(test::post(f.t, sid, "4hello\x1e" "bAQIDBA==")->status == 200);
  REQUIRE(f.handler.messages.size() == 5);
  CHECK(f.handler.messages[4].second == std::string("\x01\x02\x03\x04", 4));
  CHECK(test::poll(f.t, sid)->body == "4hello\x1e" "bAQIDBA==");
}

TEST_CASE("server: a GET with nothing queued waits, sends are flushed later, together") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto g = test::poll(f.t, sid);
  CHECK_FALSE(g->done);
  Session* s = f.server->find(sid);
  REQUIRE(s);
  CHECK(s->writable());
  s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "a"));
  s->send(sio::engineio::make_binary_frame("\xff"));
  s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "c"));
  CHECK_FALSE(g->done);  // not inside send()
  CHECK(s->buffered_amount() == 5);
  f.t.run_pending();
  REQUIRE(g->done);
  CHECK(g->body == "4a\x1e" "b/w==\x1e" "4c");
  CHECK(s->buffered_amount() == 0);
  CHECK(f.handler.drains[sid] == 1);
  CHECK_FALSE(s->writable());  // no GET waiting now
}

TEST_CASE("server: frames queued with no GET waiting go out on the next GET at once") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  Session* s = f.server->find(sid);
  s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "x"));
  f.t.run_pending();
  auto g = test::poll(f.t, sid);
  REQUIRE(g->done);
  CHECK(g->body == "4x");
}

TEST_CASE("server: several sends from one handler call go out in one response") {
  Fixture f;
  f.handler.on_message_hook = [](Session& s, std::string_view, bool) {
    s.send(sio::engineio::make_frame(sio::engineio::PacketType::message, "extra1"));
    s.send(sio::engineio::make_frame(sio::engineio::PacketType::message, "extra2"));
  };
  const auto sid = test::open_polling(f.t);
  auto g = test::poll(f.t, sid);
  test::post(f.t, sid, "4hi");
  REQUIRE(g->done);
  CHECK(g->body == "4hi\x1e" "4extra1\x1e" "4extra2");
}

TEST_CASE("server: WebSocket echo, text and binary") {
  Fixture f;
  auto w = test::open_websocket(f.t);
  REQUIRE(!w.sid.empty());
  w.ws->send_text("4hello");
  REQUIRE(w.ws->received().size() == 1);
  CHECK(w.ws->received().front().data == "4hello");
  CHECK_FALSE(w.ws->received().front().binary);
  w.ws->received().clear();
  w.ws->send_binary(std::string("\x01\x02\x03\x04", 4));
  REQUIRE(w.ws->received().size() == 1);
  CHECK(w.ws->received().front().data == std::string("\x01\x02\x03\x04", 4));
  CHECK(w.ws->received().front().binary);
  CHECK(f.handler.messages.back().second == std::string("\x01\x02\x03\x04", 4));
}

TEST_CASE("server: open, upgrade and noop packets from the client are ignored") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  CHECK(test::post(f.t, sid, "6\x1e" "0\x1e" "5\x1e" "4x")->status == 200);
  CHECK(f.handler.messages.size() == 1);
  CHECK(f.handler.closed.empty());
  auto w = test::open_websocket(f.t);
  w.ws->send_text("6");
  w.ws->send_text("5");
  CHECK_FALSE(w.ws->closed());
}

// ---- invalid input --------------------------------------------------------------------------------

TEST_CASE("server: a polling body that does not decode closes the session (parse error)") {
  for (const std::string& body : {std::string("abc"), std::string("4\xff"), std::string("bAQID*A=="),
                                 std::string("4a\x1e"), std::string("")}) {
    INFO(body);
    Fixture f;
    const auto sid = test::open_polling(f.t);
    auto g = test::poll(f.t, sid);
    auto p = test::post(f.t, sid, body);
    CHECK(p->status == 400);
    CHECK(p->body == json_error(3, "Bad request"));
    CHECK(f.handler.closed_with(sid, CloseReason::parse_error));
    REQUIRE(g->done);
    CHECK(g->body == "1");  // the waiting GET learns of the close
    CHECK(test::poll(f.t, sid)->status == 400);
    CHECK(f.server->session_count() == 0);
    CHECK(f.handler.messages.empty());  // all or nothing
  }
}

TEST_CASE("server: a bad WebSocket frame closes the socket and the session (parse error)") {
  for (const std::string& frame : {std::string("abc"), std::string(""), std::string("4\xc3"), std::string("9")}) {
    Fixture f;
    auto w = test::open_websocket(f.t);
    w.ws->send_text(frame);
    CHECK(w.ws->closed());
    CHECK(w.ws->close_code() == 1002);
    CHECK(f.handler.closed_with(w.sid, CloseReason::parse_error));
    CHECK(f.server->session_count() == 0);
  }
}

TEST_CASE("server: a binary polling body is refused (protocol 4 sends base64)") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto r = f.t.request("POST", test::polling_target(base, sid), "4x", {{"Content-Type", "application/octet-stream"}});
  CHECK(r->status == 400);
  CHECK(f.handler.closed_with(sid, CloseReason::transport_error));
}

TEST_CASE("server: a client ping is a protocol error in v4") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  test::post(f.t, sid, "2");
  CHECK(f.handler.closed_with(sid, CloseReason::transport_error));
  auto w = test::open_websocket(f.t);
  w.ws->send_text("2");
  CHECK(f.handler.closed_with(w.sid, CloseReason::transport_error));
  CHECK(w.ws->closed());
}

namespace {
// An exchange driven by the test itself, to reach the server without a transport's limits.
struct DirectExchange final : sio::transport::HttpExchange {
  sio::transport::HttpRequest req;
  int status = 0;
  // Where memory::request() says its clients are: the sessions' own client.
  DirectExchange() { req.remote_address = "127.0.0.1"; }
  std::string body;
  bool is_open = true;
  const sio::transport::HttpRequest& request() const noexcept override { return req; }
  void respond(int s, std::string b, sio::transport::Headers) override {
    if (!is_open) return;
    is_open = false;
    status = s;
    body = std::move(b);
  }
  bool open() const noexcept override { return is_open; }
};
}  // namespace

TEST_CASE("server: a POST body over max_payload gets 413 and closes the session") {
  ServerOptions o = conformance_options();
  o.max_payload = 10;
  Fixture f(o);
  const auto sid = test::open_polling(f.t);
  SECTION("the transport refuses it first") {
    auto r = test::post(f.t, sid, "4" + std::string(10, 'x'));
    CHECK(r->status == 413);
  }
  SECTION("a transport that lets it through") {
    auto ex = std::make_shared<DirectExchange>();
    ex->req.method = "POST";
    ex->req.path = base;
    ex->req.query = "EIO=4&transport=polling&sid=" + sid;
    ex->req.body = "4" + std::string(10, 'x');
    f.server->on_http(ex);
    CHECK(ex->status == 413);
    CHECK(f.handler.closed_with(sid, CloseReason::transport_error));
  }
  CHECK(f.handler.messages.empty());
}

TEST_CASE("server: a WebSocket message over max_payload closes the session (transport error)") {
  ServerOptions o = conformance_options();
  o.max_payload = 10;
  Fixture f(o);
  auto w = test::open_websocket(f.t);
  w.ws->send_text("4" + std::string(10, 'x'));
  CHECK(w.ws->close_code() == 1009);
  CHECK(f.handler.closed_with(w.sid, CloseReason::transport_error));
}

// ---- overlapping and aborted requests -------------------------------------------------------------

TEST_CASE("server: overlapping GETs: the second gets 400, the first gets a close packet") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto first = test::poll(f.t, sid);
  CHECK_FALSE(first->done);
  f.t.advance(5ms);
  auto second = test::poll(f.t, sid);
  REQUIRE(second->done);
  CHECK((second->status == 400 || second->status == 500));
  REQUIRE(first->done);
  CHECK(first->status == 200);
  CHECK(first->body == "1");
  CHECK(f.handler.closed_with(sid, CloseReason::transport_error));
  auto next = test::poll(f.t, sid);
  CHECK(next->status == 400);
  CHECK(next->body == json_error(1, "Session ID unknown"));
}

TEST_CASE("server: a waiting GET whose client goes away closes the session (transport error)") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto g = test::poll(f.t, sid);
  f.t.abort_request(g);
  CHECK(f.handler.closed_with(sid, CloseReason::transport_error));
  CHECK(f.server->session_count() == 0);
}

TEST_CASE("server: an aborted request that is not the waiting GET changes nothing") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  f.t.abort_request(test::post(f.t, sid, "4x"));  // already answered
  CHECK(f.handler.closed.empty());
  DirectExchange other;
  other.req.query = "EIO=4&transport=polling&sid=" + sid;
  f.server->on_http_aborted(other);
  other.req.query = "EIO=4&transport=polling";
  f.server->on_http_aborted(other);
  CHECK(f.handler.closed.empty());
}

TEST_CASE("server: a waiting GET found closed at flush time ends the session (transport error)") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto ex = std::make_shared<DirectExchange>();
  ex->req.method = "GET";
  ex->req.path = base;
  ex->req.query = "EIO=4&transport=polling&sid=" + sid;
  f.server->on_http(ex);
  CHECK(ex->open());
  ex->is_open = false;  // the client left; the transport has not reported it yet
  f.server->find(sid)->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "lost"));
  f.t.run_pending();
  CHECK(f.handler.closed_with(sid, CloseReason::transport_error));
}

// ---- sessions belong to their client ----------------------------------------------------------------

namespace {

// Server options whose log lines a test can read.
ServerOptions logged_options(std::vector<std::string>& log) {
  ServerOptions o = conformance_options();
  o.logger = [&log](sio::LogLevel, std::string_view line) { log.emplace_back(line); };
  return o;
}

bool logged(const std::vector<std::string>& log, std::string_view part) {
  for (const auto& line : log)
    if (line.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("server: another client presenting a polling session's sid is refused, the session goes on") {
  std::vector<std::string> log;
  Fixture f(logged_options(log));
  const auto sid = test::open_polling(f.t);  // from 127.0.0.1
  REQUIRE_FALSE(sid.empty());
  auto waiting = test::poll(f.t, sid);
  REQUIRE_FALSE(waiting->done);
  const std::string target = test::polling_target(base, sid);
  const std::string unknown = json_error(1, "Session ID unknown");

  SECTION("a GET would read its packets") {
    auto intruder = f.t.request("GET", target, {}, {}, "127.0.0.2");
    REQUIRE(intruder->done);
    CHECK(intruder->status == 400);
    CHECK(intruder->body == unknown);
  }
  SECTION("a POST would inject packets") {
    auto intruder = f.t.request("POST", target, "4injected\x1e" "1", {}, "127.0.0.2");
    CHECK(intruder->status == 400);
    CHECK(intruder->body == unknown);
    CHECK(f.handler.messages.empty());
  }
  SECTION("a WebSocket would take the session over") {
    auto intruder = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid, {}, "127.0.0.2");
    CHECK_FALSE(intruder->accepted());
    CHECK(intruder->refused_status() == 400);
    CHECK(intruder->refused_body() == unknown);
  }
  CHECK(logged(log, "session " + sid + ": refused"));
  CHECK(logged(log, "from 127.0.0.2"));
  CHECK_FALSE(waiting->done);  // the intruder did not end the victim's GET

  // The victim still exchanges messages, and upgrades.
  CHECK(test::post(f.t, sid, "4mine")->status == 200);
  f.t.run_pending();
  REQUIRE(waiting->done);
  CHECK(waiting->body == "4mine");
  auto ws = test::upgrade(f.t, sid);
  REQUIRE(ws);
  f.t.run_pending();
  CHECK(f.server->find(sid)->transport() == TransportKind::websocket);
  CHECK(f.handler.closed.empty());
  CHECK(f.handler.messages == std::vector<std::pair<std::string, std::string>>{{sid, "mine"}});
}

TEST_CASE("server: another client presenting a WebSocket session's sid is refused") {
  Fixture f;
  auto victim = test::open_websocket(f.t);
  REQUIRE_FALSE(victim.sid.empty());
  auto ws = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + victim.sid, {}, "127.0.0.2");
  CHECK(ws->refused_status() == 400);
  CHECK(f.t.request("GET", test::polling_target(base, victim.sid), {}, {}, "127.0.0.2")->status == 400);
  victim.ws->send_text("4still");
  f.t.run_pending();
  REQUIRE_FALSE(victim.ws->received().empty());
  CHECK(victim.ws->received().front().data == "4still");
  CHECK(f.handler.closed.empty());
}

TEST_CASE("server: behind a trusted proxy, the client is the proxy's X-Forwarded-For entry") {
  ServerOptions o = conformance_options();
  o.trusted_proxies = 1;
  Fixture f(o);
  const std::string proxy = "10.0.0.1";
  // What a proxy such as nginx's $proxy_add_x_forwarded_for writes: the client's list, then the peer.
  auto via = [](std::string forwarded) { return sio::transport::Headers{{"X-Forwarded-For", std::move(forwarded)}}; };

  // The official client's whole life, each request through the proxy: handshake, POST, GET, upgrade.
  auto open = f.t.request("GET", base + "?EIO=4&transport=polling", {}, via("203.0.113.7"), proxy);
  const auto sid = test::parse_open(open->body).sid;
  REQUIRE_FALSE(sid.empty());
  const std::string target = test::polling_target(base, sid);
  CHECK(f.t.request("POST", target, "4hello", via("203.0.113.7"), proxy)->status == 200);
  f.t.run_pending();
  auto got = f.t.request("GET", target, {}, via("203.0.113.7"), proxy);
  CHECK(got->body == "4hello");

  // Another client behind the same proxy, even one that writes the victim's address itself.
  CHECK(f.t.request("GET", target, {}, via("203.0.113.8"), proxy)->status == 400);
  CHECK(f.t.request("POST", target, "4x", via("203.0.113.7, 203.0.113.8"), proxy)->status == 400);
  CHECK(f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid, via("203.0.113.8"), proxy)->refused_status() ==
        400);
  // A client that skips the proxy is its own address, whatever it writes.
  CHECK(f.t.request("GET", target, {}, {}, "203.0.113.9")->status == 400);

  auto ws = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid, via("203.0.113.7"), proxy);
  REQUIRE(ws->accepted());
  ws->send_text("2probe");
  f.t.run_pending();
  REQUIRE_FALSE(ws->received().empty());
  CHECK(ws->received().front().data == "3probe");
  ws->received().pop_front();
  ws->send_text("5");
  ws->send_text("4upgraded");
  f.t.run_pending();
  REQUIRE_FALSE(ws->received().empty());
  CHECK(ws->received().back().data == "4upgraded");
  CHECK(f.handler.closed.empty());
}

TEST_CASE("server: without trusted proxies, X-Forwarded-For is ignored") {
  Fixture f;
  const auto sid = test::open_polling(f.t, base, {{"X-Forwarded-For", "203.0.113.7"}});
  const std::string target = test::polling_target(base, sid);
  // The same peer with another forwarded address is the same client; another peer is not.
  CHECK(f.t.request("POST", target, "4a", {{"X-Forwarded-For", "203.0.113.8"}})->status == 200);
  CHECK(f.t.request("POST", target, "4b", {{"X-Forwarded-For", "203.0.113.7"}}, "127.0.0.2")->status == 400);
}

// ---- heartbeat ------------------------------------------------------------------------------------

TEST_CASE("server: polling heartbeat: ping after ping_interval, each pong schedules the next") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  for (int i = 0; i < 3; ++i) {
    auto g = test::poll(f.t, sid);
    f.t.advance(299ms);
    CHECK_FALSE(g->done);
    f.t.advance(1ms);
    REQUIRE(g->done);
    CHECK(g->body == "2");
    f.t.advance(150ms);  // the pong comes late but in time
    auto p = test::post(f.t, sid, "3");
    CHECK(p->status == 200);
  }
  CHECK(f.handler.closed.empty());
  CHECK(f.server->session_count() == 1);
}

TEST_CASE("server: polling ping timeout: the session is gone at ping_interval + ping_timeout") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  f.t.advance(499ms);
  CHECK(f.server->session_count() == 1);
  f.t.advance(1ms);
  CHECK(f.server->session_count() == 0);
  CHECK(f.handler.closed_with(sid, CloseReason::ping_timeout));
  CHECK(test::poll(f.t, sid)->status == 400);
}

TEST_CASE("server: a waiting GET gets the close packet when the ping times out") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  f.t.advance(300ms);
  auto g = test::poll(f.t, sid);
  CHECK(g->body == "2");
  auto g2 = test::poll(f.t, sid);
  f.t.advance(200ms);
  REQUIRE(g2->done);
  CHECK(g2->body == "1");
  CHECK(f.handler.closed_with(sid, CloseReason::ping_timeout));
}

TEST_CASE("server: WebSocket heartbeat and ping timeout") {
  Fixture f;
  auto w = test::open_websocket(f.t);
  for (int i = 0; i < 3; ++i) {
    f.t.advance(300ms);
    REQUIRE(w.ws->received().size() == 1);
    CHECK(w.ws->received().front().data == "2");
    w.ws->received().pop_front();
    w.ws->send_text("3");
  }
  CHECK(f.handler.closed.empty());
  f.t.advance(499ms);
  CHECK_FALSE(w.ws->closed());
  CHECK(w.ws->received().size() == 1);  // the ping, left unanswered
  f.t.advance(1ms);
  CHECK(w.ws->closed());
  CHECK(f.handler.closed_with(w.sid, CloseReason::ping_timeout));
}

// ---- close ----------------------------------------------------------------------------------------

TEST_CASE("server: polling close packet: the waiting GET gets a noop, the session is gone") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto g = test::poll(f.t, sid);
  auto p = test::post(f.t, sid, "1");
  CHECK(p->status == 200);
  CHECK(p->body == "ok");
  REQUIRE(g->done);
  CHECK(g->status == 200);
  CHECK(g->body == "6");
  CHECK(f.handler.closed_with(sid, CloseReason::transport_close));
  CHECK(test::poll(f.t, sid)->status == 400);
}

TEST_CASE("server: packets after a close packet in the same body are ignored") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  test::post(f.t, sid, "4a\x1e" "1\x1e" "4b");
  REQUIRE(f.handler.messages.size() == 1);
  CHECK(f.handler.messages[0].second == "a");
  CHECK(f.handler.closed_with(sid, CloseReason::transport_close));
}

TEST_CASE("server: WebSocket close packet, closing handshake and abort") {
  Fixture f;
  auto a = test::open_websocket(f.t);
  a.ws->send_text("1");
  CHECK(a.ws->closed());
  CHECK(f.handler.closed_with(a.sid, CloseReason::transport_close));

  auto b = test::open_websocket(f.t);
  b.ws->close();
  CHECK(f.handler.closed_with(b.sid, CloseReason::transport_close));

  auto c = test::open_websocket(f.t);
  c.ws->abort();
  CHECK(f.handler.closed_with(c.sid, CloseReason::transport_error));
  CHECK(f.server->session_count() == 0);
}

TEST_CASE("server: Session::close on polling flushes the queue, then the close packet") {
  SECTION("with a GET waiting") {
    Fixture f;
    const auto sid = test::open_polling(f.t);
    auto g = test::poll(f.t, sid);
    Session* s = f.server->find(sid);
    s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "bye"));
    s->close();
    s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "ignored"));
    CHECK_FALSE(g->done);
    CHECK(f.handler.closed.empty());
    f.t.run_pending();
    REQUIRE(g->done);
    // The close packet comes in a response of its own, as from Node: the official Socket.IO
    // client would lose the packets that share a payload with it.
    CHECK(g->body == "4bye");
    CHECK(f.handler.closed.empty());
    auto last = test::poll(f.t, sid);
    REQUIRE(last->done);
    CHECK(last->body == "1");
    CHECK(f.handler.closed_with(sid, CloseReason::forced_close));
  }
  SECTION("with no GET waiting: the queue goes on the next GET, the close packet on the one after") {
    Fixture f;
    const auto sid = test::open_polling(f.t);
    Session* s = f.server->find(sid);
    s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "bye"));
    s->close();
    CHECK_FALSE(s->writable());
    f.t.run_pending();
    CHECK(f.handler.closed.empty());
    test::post(f.t, sid, "4ignored");  // messages are not delivered while closing
    CHECK(f.handler.messages.empty());
    auto g = test::poll(f.t, sid);
    REQUIRE(g->done);
    CHECK(g->body == "4bye");
    auto last = test::poll(f.t, sid);
    REQUIRE(last->done);
    CHECK(last->body == "1");
    CHECK(f.handler.closed_with(sid, CloseReason::forced_close));
  }
  SECTION("a client that never polls again is dropped after ping_interval + ping_timeout") {
    Fixture f;
    const auto sid = test::open_polling(f.t);
    f.server->find(sid)->close();
    f.t.advance(499ms);
    CHECK(f.handler.closed.empty());
    f.t.advance(1ms);
    CHECK(f.handler.closed_with(sid, CloseReason::forced_close));
  }
}

TEST_CASE("server: Session::close on WebSocket sends the queued frames, then closes the socket") {
  Fixture f;
  auto w = test::open_websocket(f.t);
  w.ws->set_write_delay(true);
  Session* s = f.server->find(w.sid);
  s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "a"));
  CHECK(s->buffered_amount() == 2);
  CHECK_FALSE(s->writable());
  s->close();
  CHECK(f.handler.closed.empty());
  f.t.run_pending();
  CHECK(f.handler.closed_with(w.sid, CloseReason::forced_close));
  CHECK_FALSE(w.ws->closed());
  w.ws->release();
  REQUIRE(w.ws->received().size() == 1);
  CHECK(w.ws->received().front().data == "4a");
  CHECK(w.ws->closed());
  CHECK(w.ws->close_code() == 1000);
}

TEST_CASE("server: Server::close ends every session with server_shutting_down and refuses new ones") {
  Fixture f;
  const auto a = test::open_polling(f.t);
  auto ga = test::poll(f.t, a);
  const auto b = test::open_polling(f.t);
  auto w = test::open_websocket(f.t);
  f.server->find(a)->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "last"));
  f.server->close();
  CHECK(f.server->session_count() == 0);
  CHECK(f.handler.closed_with(a, CloseReason::server_shutting_down));
  CHECK(f.handler.closed_with(b, CloseReason::server_shutting_down));
  CHECK(f.handler.closed_with(w.sid, CloseReason::server_shutting_down));
  REQUIRE(ga->done);
  CHECK(ga->body == "4last\x1e" "1");
  CHECK(w.ws->closed());
  CHECK(w.ws->close_code() == 1001);
  auto r = f.get(base + "?EIO=4&transport=polling");
  CHECK(r->status == 400);
  CHECK(f.t.connect(base + "?EIO=4&transport=websocket")->refused_status() == 400);
  f.server->close();  // twice is harmless
  CHECK(f.handler.closed.size() == 3);
}

TEST_CASE("server: destroying the server closes its sessions and unmounts") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto w = test::open_websocket(f.t);
  f.server.reset();
  CHECK(f.handler.closed.size() == 2);
  CHECK(w.ws->closed());
  CHECK(f.get(base + "?EIO=4&transport=polling")->status == 404);
  f.t.advance(10s);  // nothing left to fire
}

// ---- upgrade --------------------------------------------------------------------------------------

TEST_CASE("server: upgrade: probe, noop to polling, upgrade packet, then WebSocket only") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto waiting = test::poll(f.t, sid);
  auto ws = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid);
  REQUIRE(ws->accepted());
  CHECK(ws->received().empty());
  Session* s = f.server->find(sid);
  CHECK_FALSE(s->writable());  // upgrading
  CHECK(s->websocket() == nullptr);
  ws->send_text("2probe");
  REQUIRE(ws->received().size() == 1);
  CHECK(ws->received().front().data == "3probe");
  ws->received().pop_front();
  REQUIRE(waiting->done);
  CHECK(waiting->status == 200);
  CHECK(waiting->body == "6");
  auto between = test::poll(f.t, sid);  // a GET between probe and upgrade
  REQUIRE(between->done);
  CHECK(between->body == "6");
  CHECK(f.handler.transport_changes[sid] == 0);
  ws->send_text("5");
  CHECK(s->transport() == TransportKind::websocket);
  // The direct path to the WebSocket opens, and the handler hears of it.
  CHECK(f.handler.transport_changes[sid] == 1);
  REQUIRE(s->websocket() == ws->server_side());
  ws->send_text("4hello");
  REQUIRE(ws->received().size() == 1);
  CHECK(ws->received().front().data == "4hello");
  auto after = test::poll(f.t, sid);
  CHECK(after->status == 400);
  CHECK(after->body == json_error(3, "Bad request"));
  CHECK(test::post(f.t, sid, "4x")->status == 400);
  CHECK(f.handler.closed.empty());
  // Heartbeat continues on the WebSocket.
  ws->received().clear();
  f.t.advance(300ms);
  REQUIRE(ws->received().size() == 1);
  CHECK(ws->received().front().data == "2");
  // Closing ends the direct path at once, before the socket is gone.
  s->close();
  CHECK(s->websocket() == nullptr);
  CHECK(f.handler.transport_changes[sid] == 2);
}

TEST_CASE("server: upgrade: probe and upgrade packet back to back, then polling is refused") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto ws = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid);
  ws->send_text("2probe");
  ws->send_text("5");
  CHECK(test::poll(f.t, sid)->status == 400);
  CHECK(f.server->find(sid)->transport() == TransportKind::websocket);
}

TEST_CASE("server: upgrade: frames queued on polling move to the WebSocket after the upgrade packet") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  Session* s = f.server->find(sid);
  s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "before"));
  auto ws = test::start_upgrade(f.t, sid);
  REQUIRE(ws->received().size() == 1);
  ws->received().pop_front();  // 3probe
  s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "during"));
  s->send(sio::engineio::make_binary_frame("\x01"));
  auto g = test::poll(f.t, sid);  // the client would not poll now; if it does, it gets a noop only
  CHECK(g->body == "6");
  CHECK(s->buffered_amount() == 15);
  ws->send_text("5");
  REQUIRE(ws->received().size() == 3);
  CHECK(ws->received()[0].data == "4before");
  CHECK(ws->received()[1].data == "4during");
  CHECK(ws->received()[2].binary);
  CHECK(s->buffered_amount() == 0);
}

TEST_CASE("server: a second WebSocket for an upgraded session is accepted, then closed") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto ws = test::upgrade(f.t, sid);
  REQUIRE(ws);
  auto second = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid);
  CHECK(second->accepted());
  CHECK(second->closed());
  second->send_text("4ignored");
  CHECK(f.handler.messages.empty());
  CHECK_FALSE(ws->closed());
  ws->send_text("4still");
  CHECK(ws->received().back().data == "4still");
}

TEST_CASE("server: a second WebSocket while upgrading is closed, the first goes on") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto first = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid);
  auto second = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid);
  CHECK(second->closed());
  first->send_text("2probe");
  first->send_text("5");
  CHECK(f.server->find(sid)->transport() == TransportKind::websocket);
}

TEST_CASE("server: a WebSocket with the sid of a WebSocket session is closed") {
  Fixture f;
  auto w = test::open_websocket(f.t);
  auto other = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + w.sid);
  CHECK(other->closed());
  CHECK_FALSE(w.ws->closed());
}

TEST_CASE("server: a failed upgrade leaves the session on polling") {
  SECTION("timeout") {
    ServerOptions o = conformance_options();
    o.ping_interval = 10s;
    o.ping_timeout = 10s;
    o.upgrade_timeout = 1s;
    Fixture f(o);
    const auto sid = test::open_polling(f.t);
    auto ws = test::start_upgrade(f.t, sid);
    Session* s = f.server->find(sid);
    s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "held"));
    f.t.advance(999ms);
    CHECK_FALSE(ws->closed());
    f.t.advance(1ms);
    CHECK(ws->closed());
    CHECK(s->transport() == TransportKind::polling);
    auto g = test::poll(f.t, sid);
    REQUIRE(g->done);
    CHECK(g->body == "4held");
    CHECK(f.handler.closed.empty());
  }
  SECTION("an unexpected packet on the new socket") {
    Fixture f;
    const auto sid = test::open_polling(f.t);
    auto ws = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid);
    ws->send_text("4too early");
    CHECK(ws->closed());
    CHECK(f.handler.messages.empty());
    CHECK(f.server->find(sid)->transport() == TransportKind::polling);
    test::post(f.t, sid, "4ok");
    CHECK(test::poll(f.t, sid)->body == "4ok");
  }
  SECTION("garbage on the new socket") {
    Fixture f;
    const auto sid = test::open_polling(f.t);
    auto ws = test::start_upgrade(f.t, sid);
    ws->send_text("zzz");
    CHECK(ws->closed());
    CHECK(f.handler.closed.empty());
  }
  SECTION("the new socket goes away") {
    Fixture f;
    const auto sid = test::open_polling(f.t);
    auto ws = test::start_upgrade(f.t, sid);
    auto g = test::poll(f.t, sid);
    CHECK(g->body == "6");
    ws->abort();
    CHECK(f.server->find(sid)->writable() == false);  // no GET waiting
    auto g2 = test::poll(f.t, sid);
    CHECK_FALSE(g2->done);  // a normal long poll again
    CHECK(f.server->find(sid)->writable());
    // A later upgrade works.
    auto ws2 = test::upgrade(f.t, sid);
    REQUIRE(ws2);
    CHECK(g2->done);
    CHECK(f.server->find(sid)->transport() == TransportKind::websocket);
  }
  SECTION("the session closes during the upgrade") {
    Fixture f;
    const auto sid = test::open_polling(f.t);
    auto ws = test::start_upgrade(f.t, sid);
    test::post(f.t, sid, "1");
    CHECK(ws->closed());
    CHECK(f.handler.closed_with(sid, CloseReason::transport_close));
  }
  SECTION("Session::close during the upgrade") {
    Fixture f;
    const auto sid = test::open_polling(f.t);
    auto ws = test::start_upgrade(f.t, sid);
    f.server->find(sid)->close();
    CHECK(ws->closed());
    auto g = test::poll(f.t, sid);
    CHECK(g->body == "1");
    CHECK(f.handler.closed_with(sid, CloseReason::forced_close));
  }
}

TEST_CASE("server: heartbeat during an upgrade waits for the WebSocket") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  auto ws = test::start_upgrade(f.t, sid);
  ws->received().clear();
  f.t.advance(300ms);  // ping due while upgrading: held for the new transport
  ws->send_text("5");
  REQUIRE(ws->received().size() == 1);
  CHECK(ws->received().front().data == "2");
  ws->send_text("3");
  f.t.advance(250ms);
  CHECK(f.handler.closed.empty());
}

// ---- handlers calling back ------------------------------------------------------------------------

TEST_CASE("server: handlers may close and send from any callback") {
  SECTION("close from on_message, polling") {
    Fixture f;
    f.handler.on_message_hook = [](Session& s, std::string_view data, bool) {
      if (data == "quit") s.close();
    };
    const auto sid = test::open_polling(f.t);
    auto g = test::poll(f.t, sid);
    test::post(f.t, sid, "4quit\x1e" "4after");
    REQUIRE(g->done);
    CHECK(g->body == "4quit");
    CHECK(test::poll(f.t, sid)->body == "1");
    CHECK(f.handler.messages.size() == 1);
    CHECK(f.handler.closed_with(sid, CloseReason::forced_close));
  }
  SECTION("close from on_message, WebSocket") {
    Fixture f;
    f.handler.on_message_hook = [](Session& s, std::string_view, bool) { s.close(); };
    auto w = test::open_websocket(f.t);
    w.ws->send_text("4x");
    CHECK(w.ws->received().front().data == "4x");
    CHECK(w.ws->closed());
    CHECK(f.handler.closed_with(w.sid, CloseReason::forced_close));
  }
  SECTION("send and close from on_open") {
    Fixture f;
    f.handler.on_open_hook = [](Session& s) {
      s.send(sio::engineio::make_frame(sio::engineio::PacketType::message, "welcome"));
      s.close();
    };
    auto w = f.t.connect(base + "?EIO=4&transport=websocket");
    REQUIRE(w->received().size() == 2);
    CHECK(w->received()[1].data == "4welcome");
    CHECK(w->closed());
    CHECK(f.handler.closed.size() == 1);
    CHECK(f.handler.closed[0].reason == CloseReason::forced_close);
  }
  SECTION("send, close and Server::close from on_close") {
    Fixture f;
    f.handler.on_close_hook = [&](Session& s, CloseReason) {
      s.send(sio::engineio::make_frame(sio::engineio::PacketType::message, "ignored"));
      s.close();
      f.server->close();
    };
    const auto a = test::open_polling(f.t);
    const auto b = test::open_polling(f.t);
    test::post(f.t, a, "1");
    CHECK(f.handler.closed_with(a, CloseReason::transport_close));
    CHECK(f.handler.closed_with(b, CloseReason::server_shutting_down));
    CHECK(f.server->session_count() == 0);
  }
  SECTION("one session closes another from its callback") {
    Fixture f;
    const auto victim = test::open_polling(f.t);
    auto gv = test::poll(f.t, victim);
    f.handler.on_message_hook = [&](Session&, std::string_view data, bool) {
      if (data == "kill") f.server->find(victim)->close();
    };
    auto w = test::open_websocket(f.t);
    w.ws->send_text("4kill");
    CHECK(gv->body == "1");
    CHECK(f.handler.closed_with(victim, CloseReason::forced_close));
    CHECK(f.server->session_count() == 1);
  }
  SECTION("a session closed while its flush is pending") {
    Fixture f;
    const auto sid = test::open_polling(f.t);
    auto g = test::poll(f.t, sid);
    Session* s = f.server->find(sid);
    s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "x"));
    f.server->close();
    f.t.run_pending();
    CHECK(g->body == "4x\x1e" "1");
  }
  SECTION("on_drain sends more") {
    Fixture f;
    struct Drainer : sio::engineio::SessionHandler {
      int drains = 0;
      void on_open(Session&) override {}
      void on_message(Session& s, std::string_view, bool) override {
        s.send(sio::engineio::make_frame(sio::engineio::PacketType::message, "1"));
      }
      void on_close(Session&, CloseReason) override {}
      void on_drain(Session& s) override {
        if (++drains < 3) s.send(sio::engineio::make_frame(sio::engineio::PacketType::message, "more"));
      }
    } d;
    Server server(f.t, "/drain/", conformance_options(), d);
    const auto sid = test::open_polling(f.t, "/drain/");
    auto g1 = test::poll(f.t, sid, "/drain/");
    test::post(f.t, sid, "4go", "/drain/");
    CHECK(g1->body == "41");
    CHECK(test::poll(f.t, sid, "/drain/")->body == "4more");
    CHECK(test::poll(f.t, sid, "/drain/")->body == "4more");
    CHECK(d.drains == 3);
  }
}

TEST_CASE("server: two sessions: one misbehaves, the other is untouched") {
  Fixture f;
  const auto good = test::open_polling(f.t);
  auto w = test::open_websocket(f.t);
  const auto bad = test::open_polling(f.t);
  auto gg = test::poll(f.t, good);
  test::poll(f.t, bad);
  test::poll(f.t, bad);  // overlap
  test::post(f.t, bad, "garbage");
  w.ws->send_text("4still here");
  test::post(f.t, good, "4fine");
  CHECK(f.handler.closed_with(bad, CloseReason::transport_error));
  CHECK(f.handler.close_count(good) == 0);
  CHECK(f.handler.close_count(w.sid) == 0);
  CHECK(gg->body == "4fine");
  CHECK(w.ws->received().back().data == "4still here");
  CHECK(f.server->session_count() == 2);
}

// ---- fault injection ------------------------------------------------------------------------------

TEST_CASE("server: a WebSocket write failing at any index ends the session with transport_error") {
  std::size_t n = 0;
  for (;; ++n) {
    INFO("failing write " << n);
    Fixture f;
    f.t.fail_next_ws_write_at(n);
    auto ws = f.t.connect(base + "?EIO=4&transport=websocket");
    REQUIRE(ws->accepted());
    ws->send_text("4a");
    ws->send_binary("\x01\x02");
    f.t.advance(300ms);
    ws->send_text("3");
    for (auto* s = f.server->find(f.handler.opened.at(0)); s; s = nullptr) {
      s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "server"));
      s->send(sio::engineio::make_binary_frame("bin"));
    }
    f.t.run_pending();
    ws->send_text("4b");
    f.t.advance(300ms);
    ws->send_text("3");
    const std::string sid = f.handler.opened.at(0);
    if (ws->writes() <= n) {
      // Every write succeeded: the scenario ran to its end.
      CHECK(f.handler.closed.empty());
      ws->close();
      CHECK(f.handler.closed_with(sid, CloseReason::transport_close));
      break;
    }
    CHECK(ws->closed());
    CHECK(f.handler.closed_with(sid, CloseReason::transport_error));
    CHECK(f.server->session_count() == 0);
  }
  CHECK(n == 8);  // open, echo, echo, ping, two server frames, echo, ping: 8 writes, indexes 0 to 7
}

TEST_CASE("server: a write failing at any index during and after an upgrade never breaks the server") {
  for (std::size_t n = 0;; ++n) {
    INFO("failing write " << n);
    Fixture f;
    const auto sid = test::open_polling(f.t);
    Session* s = f.server->find(sid);
    s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "queued1"));
    s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "queued2"));
    f.t.fail_next_ws_write_at(n);
    auto ws = test::start_upgrade(f.t, sid);
    ws->send_text("5");
    ws->send_text("4x");
    f.t.advance(300ms);
    ws->send_text("3");
    const bool failed = ws->writes() > n;
    if (!failed) {
      CHECK(f.handler.closed.empty());
      CHECK(n == 5);  // 3probe, two moved frames, echo, ping
      break;
    }
    CHECK(ws->closed());
    if (n == 0) {
      // The probe answer failed: the upgrade is abandoned and the session stays on polling.
      CHECK(f.handler.closed.empty());
      REQUIRE(f.server->find(sid));
      CHECK(f.server->find(sid)->transport() == TransportKind::polling);
      CHECK(test::poll(f.t, sid)->body.find("4queued1") == 0);
    } else {
      CHECK(f.handler.closed_with(sid, CloseReason::transport_error));
    }
    // The server keeps serving others.
    auto other = test::open_websocket(f.t);
    other.ws->send_text("4ok");
    CHECK(other.ws->received().back().data == "4ok");
  }
}

// ---- CORS, allow_request, interceptor -------------------------------------------------------------

TEST_CASE("server: no CORS headers unless configured") {
  Fixture f;
  auto r = f.t.request("GET", base + "?EIO=4&transport=polling", {}, {{"Origin", "http://x"}});
  CHECK(r->header("Access-Control-Allow-Origin").empty());
  auto pre = f.t.request("OPTIONS", base + "?EIO=4&transport=polling", {}, {{"Origin", "http://x"}});
  CHECK(pre->status == 400);
}

TEST_CASE("server: CORS with any origin") {
  ServerOptions o = conformance_options();
  o.cors_origins = {"*"};
  Fixture f(o);
  auto r = f.t.request("GET", base + "?EIO=4&transport=polling", {}, {{"Origin", "http://x"}});
  CHECK(r->header("Access-Control-Allow-Origin") == "*");
  CHECK(r->header("Access-Control-Allow-Credentials").empty());
  const auto sid = test::parse_open(r->body).sid;
  auto g = f.t.request("GET", test::polling_target(base, sid), {}, {{"Origin", "http://x"}});
  auto p = f.t.request("POST", test::polling_target(base, sid), "4a", {{"Origin", "http://x"}});
  CHECK(p->header("Access-Control-Allow-Origin") == "*");
  CHECK(g->header("Access-Control-Allow-Origin") == "*");
  auto e = f.t.request("GET", base + "?EIO=4&transport=nope", {}, {{"Origin", "http://x"}});
  CHECK(e->header("Access-Control-Allow-Origin") == "*");  // errors too

  auto pre = f.t.request("OPTIONS", base + "?EIO=4&transport=polling", {},
                         {{"Origin", "http://x"}, {"Access-Control-Request-Headers", "content-type,x-token"}});
  CHECK(pre->status == 204);
  CHECK(pre->body.empty());
  CHECK(pre->header("Access-Control-Allow-Origin") == "*");
  CHECK(pre->header("Access-Control-Allow-Methods") == "GET,HEAD,PUT,PATCH,POST,DELETE");
  CHECK(pre->header("Access-Control-Allow-Headers") == "content-type,x-token");
}

TEST_CASE("server: CORS with a list of origins and credentials") {
  ServerOptions o = conformance_options();
  o.cors_origins = {"http://a.example", "http://b.example"};
  o.cors_credentials = true;
  Fixture f(o);
  auto ok = f.t.request("GET", base + "?EIO=4&transport=polling", {}, {{"Origin", "http://b.example"}});
  CHECK(ok->header("Access-Control-Allow-Origin") == "http://b.example");
  CHECK(ok->header("Access-Control-Allow-Credentials") == "true");
  CHECK(ok->header("Vary") == "Origin");
  auto other = f.t.request("GET", base + "?EIO=4&transport=polling", {}, {{"Origin", "http://evil.example"}});
  CHECK(other->status == 200);  // CORS is for browsers to enforce
  CHECK(other->header("Access-Control-Allow-Origin").empty());

  ServerOptions any = conformance_options();
  any.cors_origins = {"*"};
  any.cors_credentials = true;
  Fixture g(any);
  // As Node's cors package: a star stays a star, so browsers keep credentials from unlisted pages.
  auto star = g.t.request("GET", base + "?EIO=4&transport=polling", {}, {{"Origin", "http://z.example"}});
  CHECK(star->header("Access-Control-Allow-Origin") == "*");
  CHECK(star->header("Access-Control-Allow-Credentials") == "true");
}

TEST_CASE("server: with named origins, WebSockets from other origins are refused with 403") {
  ServerOptions o = conformance_options();
  o.cors_origins = {"http://a.example"};
  Fixture f(o);
  const sio::transport::Headers evil{{"Origin", "http://evil.example"}, {"Host", "server:3000"}};

  auto handshake = f.t.connect(base + "?EIO=4&transport=websocket", evil);
  CHECK_FALSE(handshake->accepted());
  CHECK(handshake->refused_status() == 403);
  CHECK(handshake->refused_body() == json_error(4, "Forbidden"));
  CHECK(f.server->session_count() == 0);

  // A polling session's upgrade from another origin is refused; the session goes on polling.
  const std::string sid = test::open_polling(f.t, base, {{"Origin", "http://a.example"}});
  REQUIRE_FALSE(sid.empty());
  auto upgrade = f.t.connect(base + "?EIO=4&transport=websocket&sid=" + sid, evil);
  CHECK(upgrade->refused_status() == 403);
  CHECK(upgrade->refused_body() == json_error(4, "Forbidden"));
  auto echo = test::post(f.t, sid, "4still");
  CHECK(echo->status == 200);
  f.t.run_pending();
  CHECK(test::poll(f.t, sid)->body == "4still");

  // Listed, the server's own origin, and no Origin at all (not a browser) pass.
  CHECK(f.t.connect(base + "?EIO=4&transport=websocket", {{"Origin", "http://a.example"}})->accepted());
  CHECK(f.t.connect(base + "?EIO=4&transport=websocket", {{"Origin", "http://server:3000"}, {"Host", "server:3000"}})
            ->accepted());
  CHECK(f.t.connect(base + "?EIO=4&transport=websocket")->accepted());
  CHECK(test::upgrade(f.t, sid) != nullptr);
  CHECK(f.handler.closed.empty());
}

TEST_CASE("server: with any origin, WebSockets from every origin are accepted") {
  ServerOptions o = conformance_options();
  o.cors_origins = {"*"};
  Fixture f(o);
  CHECK(f.t.connect(base + "?EIO=4&transport=websocket", {{"Origin", "http://evil.example"}})->accepted());
}

TEST_CASE("server: allow_request refuses handshakes with 403") {
  ServerOptions o = conformance_options();
  int calls = 0;
  o.allow_request = [&](const sio::transport::HttpRequest& r) {
    ++calls;
    return r.header("Authorization") == "yes";
  };
  Fixture f(o);
  auto no = f.get(base + "?EIO=4&transport=polling");
  CHECK(no->status == 403);
  CHECK(no->body == json_error(4, "Forbidden"));
  CHECK(no->header("Content-Type") == "application/json");
  auto ws = f.t.connect(base + "?EIO=4&transport=websocket");
  CHECK(ws->refused_status() == 403);
  CHECK(ws->refused_body() == json_error(4, "Forbidden"));
  auto yes = f.t.request("GET", base + "?EIO=4&transport=polling", {}, {{"Authorization", "yes"}});
  CHECK(yes->status == 200);
  const auto sid = test::parse_open(yes->body).sid;
  const int before = calls;
  test::post(f.t, sid, "4x");  // requests of an open session are not asked again
  CHECK(calls == before);
  CHECK(f.handler.opened.size() == 1);
}

TEST_CASE("server: the request interceptor sees requests first") {
  Fixture f;
  f.server->set_request_interceptor([](const std::shared_ptr<sio::transport::HttpExchange>& ex) {
    if (ex->request().path != "/engine.io/engine.io.js") return false;
    ex->respond(200, "// js");
    return true;
  });
  auto js = f.get("/engine.io/engine.io.js");
  CHECK(js->status == 200);
  CHECK(js->body == "// js");
  CHECK(test::open_polling(f.t).size() == 20);
}

// ---- flow control ---------------------------------------------------------------------------------

TEST_CASE("server: writable and buffered_amount follow the transport") {
  Fixture f;
  const auto sid = test::open_polling(f.t);
  Session* s = f.server->find(sid);
  CHECK_FALSE(s->writable());
  auto g = test::poll(f.t, sid);
  CHECK(s->writable());
  s->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "abc"));
  CHECK(s->buffered_amount() == 4);
  f.t.run_pending();
  CHECK(s->buffered_amount() == 0);

  auto w = test::open_websocket(f.t);
  Session* ws = f.server->find(w.sid);
  CHECK(ws->writable());
  w.ws->set_write_delay(true);
  ws->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "abc"));
  CHECK(ws->buffered_amount() == 4);
  CHECK_FALSE(ws->writable());
  w.ws->release();
  CHECK(ws->buffered_amount() == 0);
  CHECK(ws->writable());
}

TEST_CASE("server: timers() is shared and driven by the transport clock") {
  Fixture f;
  bool fired = false;
  const auto start = f.server->now();
  f.server->timers().schedule_after(50ms, [&] { fired = true; });
  f.t.advance(50ms);
  CHECK(fired);
  CHECK(f.server->now() == start + 50ms);
  CHECK(f.server->options().ping_interval == 300ms);
}
