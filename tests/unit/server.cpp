#include "sio/server.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <unistd.h>

#include "sio/transport/memory.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

TEST_CASE("a client that connects no namespace is closed after connect_timeout") {
  Fixture f;
  auto o = f.options();
  o.connect_timeout = 1000ms;
  Server io(f.t, o);
  Client c(f.t);
  f.t.advance(999ms);
  CHECK_FALSE(c.closed());
  f.t.advance(1ms);
  CHECK(c.closed());

  Client d(f.t);
  d.connect();
  f.t.advance(1000ms);
  CHECK_FALSE(d.closed());
}

TEST_CASE("connections that connect no namespace are bounded by max_unconnected_sessions") {
  Fixture f;
  auto o = f.options();
  o.max_unconnected_sessions = 2;
  Server io(f.t, o);
  Client a(f.t), b(f.t);
  auto refused = f.t.connect("/socket.io/?EIO=4&transport=websocket");
  CHECK_FALSE(refused->accepted());
  CHECK(refused->refused_status() == 503);
  CHECK(f.t.request("GET", "/socket.io/?EIO=4&transport=polling")->status == 503);
  // One of them connects a namespace: room for one more.
  a.connect();
  Client c(f.t);
  c.connect();
  b.connect();
  Client d(f.t), e(f.t);
  CHECK_FALSE(f.t.connect("/socket.io/?EIO=4&transport=websocket")->accepted());
  // One that leaves without connecting makes room too.
  d.ws().close();
  f.t.run_pending();
  Client g(f.t);
}

TEST_CASE("bad input closes only the offending connection") {
  Fixture f;
  Server io(f.t, f.options());
  int events = 0;
  io.on("connection", [&](sio::Socket s) { s.on("e", [&] { ++events; }); });
  const char* bad[] = {"4abc", R"(42{})", R"(42abc["e"])", R"(42["connect"])", "49", R"(45x-["e"])", "44{}",
                       R"(451-["e",{"_placeholder":true,"num":3}])"};
  for (const char* packet : bad) {
    INFO(packet);
    Client good(f.t);
    good.connect();
    Client evil(f.t);
    evil.connect();
    evil.send_text(packet);
    CHECK(evil.closed());
    good.send_text(R"(42["e"])");
    CHECK_FALSE(good.closed());
  }
  CHECK(events == static_cast<int>(std::size(bad)));

  // A binary frame nobody announced.
  Client evil(f.t);
  evil.connect();
  evil.send_binary("\x01\x02");
  CHECK(evil.closed());
  // Text where attachments were due.
  Client evil2(f.t);
  evil2.connect();
  evil2.send_text(R"(451-["e",{"_placeholder":true,"num":0}])");
  evil2.send_text(R"(42["e"])");
  CHECK(evil2.closed());
}

TEST_CASE("a binary packet whose attachments do not all arrive in time closes its connection") {
  Fixture f;
  auto o = f.options();
  o.attachment_timeout = 500ms;
  Server io(f.t, o);
  int events = 0;
  io.on("connection", [&](sio::Socket s) { s.on("e", [&] { ++events; }); });
  Client good(f.t);
  good.connect();
  Client slow(f.t);
  slow.connect();
  slow.send_text(R"(452-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  slow.send_binary("one");
  f.t.advance(499ms);
  CHECK_FALSE(slow.closed());
  f.t.advance(1ms);
  CHECK(slow.closed());
  CHECK(events == 0);
  // A packet that completes in time stops the clock; the next one starts it again.
  good.send_text(R"(451-["e",{"_placeholder":true,"num":0}])");
  f.t.advance(400ms);
  good.send_binary("x");
  CHECK(events == 1);
  f.t.advance(400ms);
  good.send_text(R"(451-["e",{"_placeholder":true,"num":0}])");
  f.t.advance(400ms);
  CHECK_FALSE(good.closed());
  good.send_binary("y");
  f.t.advance(1000ms);
  CHECK_FALSE(good.closed());
  CHECK(events == 2);
}

TEST_CASE("payloads nested deeper than max_json_depth close their connection") {
  Fixture f;
  auto o = f.options();
  o.max_json_depth = 4;
  Server io(f.t, o);
  int events = 0;
  io.on("connection", [&](sio::Socket s) { s.on("e", [&] { ++events; }); });
  Client ok(f.t);
  ok.connect();
  ok.send_text(R"(42["e",[[[1]]]])");  // 4 levels, the outer array included
  CHECK(events == 1);
  CHECK_FALSE(ok.closed());
  Client deep(f.t);
  deep.connect();
  deep.send_text(R"(42["e",[[[[1]]]]])");
  CHECK(deep.closed());
  CHECK(events == 1);
  CHECK_FALSE(ok.closed());
}

TEST_CASE("the attachments of one packet hold at most max_http_buffer_size") {
  Fixture f;
  auto o = f.options();
  o.max_http_buffer_size = 1000;
  Server io(f.t, o);
  Client c(f.t);
  c.connect();
  c.send_text(R"(452-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  c.send_binary(std::string(600, 'a'));
  CHECK_FALSE(c.closed());
  c.send_binary(std::string(600, 'b'));
  CHECK(c.closed());
}

TEST_CASE("an attachment named many times is sent once") {
  Fixture f;
  Server io(f.t, f.options());
  io.on("connection", [&](sio::Socket s) { s.on("echo", [s](sio::Args a) mutable { s.emit("echo", a); }); });
  Client c(f.t);
  c.connect();
  const std::string ph0 = R"({"_placeholder":true,"num":0})", ph1 = R"({"_placeholder":true,"num":1})";
  c.send_text("452-[\"echo\"," + ph1 + ",[" + ph0 + "," + ph1 + "],{\"k\":" + ph1 + "}]");
  c.send_binary("zero");
  c.send_binary("one");
  // Renumbered in the order they are met, each carried once.
  CHECK(c.next() == "452-[\"echo\"," + ph0 + ",[" + ph1 + "," + ph0 + "],{\"k\":" + ph0 + "}]");
  CHECK(c.next() == std::string("one"));
  CHECK(c.next() == std::string("zero"));
  CHECK_FALSE(c.has_next());
}

TEST_CASE("a failing write at any point never disturbs the server") {
  for (std::size_t n = 1; n <= 8; ++n) {
    INFO("failing write " << n);
    Fixture f;
    std::vector<std::string> reasons;
    Server io(f.t, f.options());
    io.on("connection", [&](sio::Socket s) {
      s.emit("hello", sio::Binary("x"));
      s.on("disconnect", [&](std::string_view r) { reasons.emplace_back(r); });
      s.on("e", [](sio::Socket s2, sio::Ack ack) {
        s2.broadcast().emit("b", 1);
        ack(1);
      });
    });
    auto ws = f.t.connect("/socket.io/?EIO=4&transport=websocket");
    ws->fail_write_at(n);
    ws->send_text("40");
    f.t.run_pending();
    ws->send_text(R"(421["e"])");
    f.t.run_pending();
    Client other(f.t);
    other.connect();
    other.send_text(R"(421["e"])");
    f.t.run_pending();
    CHECK(reasons.size() <= 1);
    if (n <= 4) CHECK(ws->closed());
  }
}

namespace {

// One whole conversation over the memory transport, the server's writes to the client failing
// from write `fail_at` on (none with SIZE_MAX): connect, join, events with acks both ways, a
// broadcast, a reply left pending, a timed reply, disconnect. Returns the writes it took.
std::size_t conversation(std::size_t fail_at) {
  Fixture f;
  std::map<std::string, int> calls;  // each server-side reply callback: how often it ran
  std::vector<std::string> reasons;
  Server io(f.t, f.options());
  io.on("connection", [&](sio::Socket s) {
    s.join("r");
    if (s.handshake().query("name") == std::optional<std::string>("other")) {
      s.on("e", [](sio::Args a, sio::Ack ack) { ack(a); });
      return;
    }
    s.on("disconnect", [&](std::string_view r) { reasons.emplace_back(r); });
    s.emit("hello", sio::Binary("bytes"), [&](std::error_code, sio::Args) { ++calls["hello"]; });
    s.timeout(100ms).emit("timed", [&](std::error_code, sio::Args) { ++calls["timed"]; });
    s.on("e", [&](sio::Socket s2, sio::Args a, sio::Ack ack) {
      io.to("r").emit("b", a);
      s2.emit("pending", [&](std::error_code, sio::Args) { ++calls["pending"]; });
      ack(a);
    });
  });
  Client other(f.t, "/socket.io/", {}, "&name=other");
  other.connect();
  auto ws = f.t.connect("/socket.io/?EIO=4&transport=websocket");
  ws->fail_write_at(fail_at);
  ws->send_text("40");
  f.t.run_pending();
  ws->send_text(R"(430[])");  // answers "hello"
  ws->send_text(R"(421["e",{"k":[1,2]}])");
  ws->send_binary("stray");   // a protocol error: the server closes the connection
  f.t.run_pending();
  f.t.advance(200ms);
  const std::size_t writes = ws->writes();
  // Every reply callback ran exactly once, answered or failed; the server answers others still.
  CHECK(calls["hello"] == 1);
  CHECK(calls["timed"] == 1);
  CHECK(calls["pending"] <= 1);
  CHECK(reasons.size() <= 1);
  CHECK(ws->closed());
  other.send_text(R"(421["e","x"])");
  bool acked = false;
  for (const auto& frame : other.drain()) acked = acked || frame == R"(431["x"])";
  CHECK(acked);
  CHECK_FALSE(other.closed());
  return writes;
}

}  // namespace

TEST_CASE("a write failing at each point of a whole conversation: replies fail once, nothing leaks") {
  const std::size_t writes = conversation(std::numeric_limits<std::size_t>::max());
  REQUIRE(writes >= 5);
  for (std::size_t n = 0; n <= writes; ++n) {
    INFO("failing write " << n << " of " << writes);
    conversation(n);
  }
}

TEST_CASE("closing the Engine.IO connection under a socket gives \"forced close\"") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<std::string> reasons;
  io.on("connection", [&](sio::Socket s) { s.on("disconnect", [&](std::string_view r) { reasons.emplace_back(r); }); });
  Client c(f.t);
  c.connect();
  auto socket = io.fetch_sockets().front();
  auto* session = io.engine().find(socket.conn_id());
  REQUIRE(session);
  session->close();
  f.t.run_pending();
  CHECK(reasons == std::vector<std::string>{"forced close"});
  CHECK(c.closed());
}

TEST_CASE("the browser client is served from the configured file") {
  Fixture f;
  auto path = (std::filesystem::temp_directory_path() / ("sio-client-" + std::to_string(::getpid()) + ".js")).string();
  {
    std::ofstream out(path);
    out << "/* client */";
  }
  auto o = f.options();
  o.client_file = path;
  Server io(f.t, o);
  auto js = f.t.request("GET", "/socket.io/socket.io.js");
  REQUIRE(js->done);
  CHECK(js->status == 200);
  CHECK(js->body == "/* client */");
  CHECK(js->header("content-type").find("javascript") != std::string_view::npos);
  auto map = f.t.request("GET", "/socket.io/socket.io.js.map");
  CHECK(map->status == 404);
  auto post = f.t.request("POST", "/socket.io/socket.io.js", "x");
  CHECK(post->status == 405);
  // Engine.IO traffic on the same path is untouched.
  auto open = f.t.request("GET", "/socket.io/?EIO=4&transport=polling");
  CHECK(open->status == 200);
  std::remove(path.c_str());

  o.serve_client = false;
  Server quiet(f.t, [&] { auto q = o; q.path = "/other/"; return q; }());
  CHECK(f.t.request("GET", "/other/socket.io.js")->status == 404);
}

TEST_CASE("setup mistakes throw at construction") {
  Fixture f;
  auto bad = [&](auto change) {
    auto o = f.options();
    change(o);
    return o;
  };
  CHECK_THROWS_AS(Server(f.t, bad([](sio::ServerOptions& o) { o.path = "nope"; })), std::invalid_argument);
  CHECK_THROWS_AS(Server(f.t, bad([](sio::ServerOptions& o) { o.transports = {"carrier-pigeon"}; })), std::invalid_argument);
  CHECK_THROWS_AS(Server(f.t, bad([](sio::ServerOptions& o) { o.transports = {}; })), std::invalid_argument);
  CHECK_THROWS_AS(Server(f.t, bad([](sio::ServerOptions& o) { o.ping_interval = 0ms; })), std::invalid_argument);
  CHECK_THROWS_AS(Server(f.t, bad([](sio::ServerOptions& o) { o.client_file = "/nonexistent/socket.io.js"; })),
                  std::invalid_argument);
  CHECK_THROWS_AS(sio::Socket().on("disconnect", [](sio::Args) {}), std::invalid_argument);
  CHECK_THROWS_AS(Server(f.t, bad([](sio::ServerOptions& o) { o.sid_mark = '.'; })), std::invalid_argument);
}

TEST_CASE("sid_mark ends every connection id, the rest stays random") {
  Fixture f;
  auto o = f.options();
  o.sid_mark = 'Q';
  Server io(f.t, o);
  std::vector<std::string> sids;
  for (int i = 0; i < 3; ++i) {
    auto open = f.t.request("GET", "/socket.io/?EIO=4&transport=polling");
    sids.push_back(open->body.substr(open->body.find("\"sid\":\"") + 7, 20));
    CHECK(sids.back().back() == 'Q');
    CHECK(sids.back().find('"') == std::string::npos);
  }
  CHECK(sids[0] != sids[1]);
  CHECK(sids[1] != sids[2]);
  // A connection with a marked id works as any other.
  auto base = "/socket.io/?EIO=4&transport=polling&sid=" + sids[0];
  CHECK(f.t.request("POST", base, "40")->body == "ok");
  auto connected = f.t.request("GET", base);
  REQUIRE(connected->done);
  CHECK(connected->body.rfind("40{\"sid\":\"", 0) == 0);
}

TEST_CASE("a polling client takes part like a WebSocket one") {
  Fixture f;
  Server io(f.t, f.options());
  io.on("connection", [](sio::Socket s) {
    s.on("echo", [](sio::Args a, sio::Ack ack) { ack(a); });
  });
  auto open = f.t.request("GET", "/socket.io/?EIO=4&transport=polling");
  auto sid = open->body.substr(open->body.find("\"sid\":\"") + 7, 20);
  auto base = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
  CHECK(f.t.request("POST", base, "40")->body == "ok");
  auto connected = f.t.request("GET", base);
  REQUIRE(connected->done);
  CHECK(connected->body.rfind("40{\"sid\":\"", 0) == 0);
  // Two packets in one POST, the binary attachment base64-encoded; the answers come in one GET.
  CHECK(f.t.request("POST", base, "4211[\"echo\",1]\x1e" "451-12[\"echo\",{\"_placeholder\":true,\"num\":0}]\x1e" "bAQID")->body == "ok");
  auto answers = f.t.request("GET", base);
  REQUIRE(answers->done);
  CHECK(answers->body == "4311[1]\x1e" "461-12[{\"_placeholder\":true,\"num\":0}]\x1e" "bAQID");
}

TEST_CASE("after an upgrade to WebSocket, broadcasts go to the WebSocket, a closed socket gets none") {
  Fixture f;
  Server io(f.t, f.options());
  io.of("/other").on("connection", [](sio::Socket) {});
  auto open = f.t.request("GET", "/socket.io/?EIO=4&transport=polling");
  auto sid = open->body.substr(open->body.find("\"sid\":\"") + 7, 20);
  auto base = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
  CHECK(f.t.request("POST", base, "40")->body == "ok");
  CHECK(f.t.request("POST", base, "40/other,")->body == "ok");
  auto connected = f.t.request("GET", base);
  REQUIRE(connected->done);
  io.emit("polled");
  auto polled = f.t.request("GET", base);
  REQUIRE(polled->done);
  CHECK(polled->body == R"(42["polled"])");

  auto waiting = f.t.request("GET", base);
  auto ws = f.t.connect("/socket.io/?EIO=4&transport=websocket&sid=" + sid);
  REQUIRE(ws->accepted());
  ws->send_text("2probe");
  ws->send_text("5");
  REQUIRE(waiting->done);
  ws->received().clear();

  io.emit("direct");
  io.of("/other").emit("other");
  auto got = [&] {
    std::vector<std::string> out;
    for (auto& m : ws->received()) out.push_back(m.data);
    ws->received().clear();
    return out;
  };
  CHECK(got() == std::vector<std::string>{R"(42["direct"])", R"(42/other,["other"])"});

  // The client leaves one namespace; the connection and the other socket stay.
  ws->send_text("41/other,");
  io.of("/other").emit("gone");
  io.emit("still");
  CHECK(got() == std::vector<std::string>{R"(42["still"])"});
}

namespace {
// The memory transport, told to report calls as coming from another thread, so the path that
// copies an emit's arguments and runs it on the I/O thread can be checked deterministically.
struct ForeignThreadMemory : sio::transport::memory {
  using memory::memory;
  bool foreign = false;
  bool running_in_this_thread() const noexcept { return !foreign; }
};
}  // namespace

TEST_CASE("emits and replies from other threads run later on the I/O thread") {
  asio::io_context ioc;
  ForeignThreadMemory t(ioc);
  sio::Server<ForeignThreadMemory> io(t);
  sio::Socket sock;
  sio::Ack held;
  io.on("connection", [&](sio::Socket s) {
    sock = s;
    s.on("q", [&](sio::Args, sio::Ack ack) { held = ack; });
  });
  Client c(t);
  c.connect();
  c.send_text(R"(427["q"])");

  rapidjson::Document doc;
  doc.Parse(R"({"k":[1,2]})");
  std::string text = "view";
  t.foreign = true;
  CHECK(sock.emit("one", std::string_view(text), doc, sio::Binary("b")) == sio::SendStatus::queued);
  CHECK(io.emit("all", 1) == 0);
  CHECK(held("answer") == sio::SendStatus::queued);
  CHECK(held("twice") == sio::SendStatus::dropped);
  text = "changed";
  doc.SetNull();
  t.foreign = false;
  t.run_pending();
  CHECK(c.drain() == std::vector<std::string>{R"(451-["one","view",{"k":[1,2]},{"_placeholder":true,"num":0}])", "b",
                                              R"(42["all",1])", R"(437["answer"])"});
}

TEST_CASE("refused requests and bad Engine.IO input are logged") {
  Fixture f;
  Server io(f.t, f.options());
  auto r = f.t.request("GET", "/socket.io/?EIO=3&transport=polling");
  CHECK(r->status == 400);
  REQUIRE_FALSE(f.log.empty());
  CHECK(f.log.back().find("Unsupported protocol version") != std::string::npos);
  Client c(f.t);
  c.send_text("x");
  CHECK(c.closed());
  CHECK(f.log.back().find("on WebSocket; closing it") != std::string::npos);
}
