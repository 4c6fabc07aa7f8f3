#include "sio/server.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>

#include <asio/use_future.hpp>

#include <unistd.h>
#include <map>
#include <string>
#include <vector>

#include "sio/transport/memory.hpp"
#include "support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;
using Server = sio::Server<sio::transport::memory>;

namespace {

struct Fixture {
  asio::io_context ioc;
  sio::transport::memory t{ioc};
  std::vector<std::string> log;
  sio::ServerOptions options() {
    sio::ServerOptions o;
    o.logger = [this](sio::LogLevel level, std::string_view msg) {
      if (level >= sio::LogLevel::info) log.emplace_back(msg);
    };
    return o;
  }
};

}  // namespace

TEST_CASE("a client connects the main namespace and gets its socket id") {
  Fixture f;
  Server io(f.t, f.options());
  sio::Socket seen;
  io.on("connection", [&](sio::Socket s) { seen = s; });
  Client c(f.t);
  auto sid = c.connect();
  REQUIRE(seen);
  CHECK(seen.id() == sid);
  CHECK(seen.nsp() == "/");
  CHECK(seen.connected());
  CHECK(seen.conn_id() == c.engine_id());
  CHECK(seen.rooms() == std::vector<std::string>{sid});
  CHECK(io.sockets().size() == 1);
}

TEST_CASE("the handshake carries auth, query, headers and address") {
  Fixture f;
  Server io(f.t, f.options());
  sio::Socket seen;
  io.on("connection", [&](sio::Socket s) { seen = s; });
  Client c(f.t, "/socket.io/", {{"X-Token", "abc"}}, "&room=a%20b&flag");
  c.connect("/", R"({"token":"123","n":[1,2]})");
  REQUIRE(seen);
  auto hs = seen.handshake();
  CHECK(hs.auth()["token"].GetString() == std::string("123"));
  CHECK(hs.header("x-token") == "abc");
  CHECK(hs.query("room") == std::string("a b"));
  CHECK(hs.query("flag") == std::string());
  CHECK_FALSE(hs.query("missing"));
  CHECK(hs.address() == "127.0.0.1");
  CHECK(hs.url().rfind("/socket.io/?EIO=4", 0) == 0);
}

TEST_CASE("without auth the handshake's auth is an empty object") {
  Fixture f;
  Server io(f.t, f.options());
  io.on("connection", [](sio::Socket s) { s.emit("auth", s.handshake().auth()); });
  Client c(f.t);
  c.connect();
  CHECK(c.next() == std::string(R"(42["auth",{}])"));
}

TEST_CASE("an unknown namespace gets the exact connect error and the connection stays") {
  Fixture f;
  Server io(f.t, f.options());
  Client c(f.t);
  c.send_text("40/random,");
  CHECK(c.next() == std::string(R"(44/random,{"message":"Invalid namespace"})"));
  CHECK_FALSE(c.closed());
  c.send_text("40/random");
  CHECK(c.next() == std::string(R"(44/random,{"message":"Invalid namespace"})"));
  c.connect();
}

TEST_CASE("namespaces are multiplexed on one connection") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<std::string> got;
  io.on("connection", [&](sio::Socket s) { s.on("e", [&](sio::Args a) { got.push_back("/:" + a.get<std::string>(0)); }); });
  io.of("/news").on("connection", [&](sio::Socket s) {
    s.on("e", [&](sio::Args a) { got.push_back("news:" + a.get<std::string>(0)); });
    s.send("welcome");
  });
  Client c(f.t);
  auto a = c.connect();
  auto b = c.connect("/news");
  CHECK(a != b);
  CHECK(c.next() == std::string(R"(42/news,["message","welcome"])"));
  c.send_text(R"(42["e","x"])");
  c.send_text(R"(42/news,["e","y"])");
  CHECK(got == std::vector<std::string>{"/:x", "news:y"});
  // Leaving one namespace keeps the other and the connection.
  c.send_text("41/news,");
  c.send_text(R"(42/news,["e","ignored"])");
  c.send_text(R"(42["e","z"])");
  CHECK(got == std::vector<std::string>{"/:x", "news:y", "/:z"});
  CHECK(io.of("/news").size() == 0);
  CHECK_FALSE(c.closed());
}

TEST_CASE("middleware: next() lets in, next(error) refuses with message and data") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<std::string> order;
  auto admin = io.of("/admin");
  admin.use([&](sio::Socket&, sio::Next next) {
    order.push_back("first");
    next();
  });
  admin.use([&](sio::Socket& s, sio::Next next) {
    order.push_back("second");
    const auto& auth = s.handshake().auth();
    if (auth.HasMember("token") && auth["token"] == "secret") return next();
    next(sio::ConnectError("not authorized", sio::object{{"code", 42}}));
  });
  int connections = 0;
  admin.on("connection", [&](sio::Socket) { ++connections; });

  Client c(f.t);
  c.send_text("40/admin,");
  CHECK(c.next() == std::string(R"(44/admin,{"message":"not authorized","data":{"code":42}})"));
  CHECK(connections == 0);
  CHECK(order == std::vector<std::string>{"first", "second"});
  c.connect("/admin", R"({"token":"secret"})");
  CHECK(connections == 1);
}

TEST_CASE("middleware may answer later") {
  Fixture f;
  Server io(f.t, f.options());
  std::optional<sio::Next> held;
  io.use([&](sio::Socket&, sio::Next next) { held = next; });
  int connections = 0;
  io.on("connection", [&](sio::Socket) { ++connections; });
  Client c(f.t);
  c.send_text("40");
  CHECK_FALSE(c.has_next());
  REQUIRE(held);
  (*held)();
  (*held)();  // only the first call counts
  auto answer = c.next();
  REQUIRE(answer);
  CHECK(answer->rfind("40{\"sid\":\"", 0) == 0);
  CHECK_FALSE(c.has_next());
  CHECK(connections == 1);
}

TEST_CASE("a middleware that throws refuses the connection and is logged") {
  Fixture f;
  Server io(f.t, f.options());
  io.use([](sio::Socket&, sio::Next) { throw std::runtime_error("boom"); });
  Client c(f.t);
  c.send_text("40");
  CHECK(c.next() == std::string(R"(44{"message":"Internal server error"})"));
  REQUIRE_FALSE(f.log.empty());
  CHECK(f.log.back().find("boom") != std::string::npos);
}

TEST_CASE("events reach handlers with their arguments, and acks answer once") {
  Fixture f;
  Server io(f.t, f.options());
  io.on("connection", [](sio::Socket s) {
    s.on("sum", [](sio::Args a, sio::Ack ack) {
      REQUIRE(ack);
      ack(a.get<int>(0) + a.get<int>(1));
      CHECK_FALSE(ack);
      ack("again");  // ignored
    });
    s.on("echo", [](sio::Socket s2, sio::Args a) { s2.emit("echo-back", a); });
  });
  Client c(f.t);
  c.connect();
  c.send_text(R"(4212["sum",40,2])");
  CHECK(c.next() == std::string("4312[42]"));
  CHECK_FALSE(c.has_next());
  c.send_text(R"(42["echo",1,"2",{"3":[true]},null,1.5,"é😀"])");
  CHECK(c.next() == std::string(R"(42["echo-back",1,"2",{"3":[true]},null,1.5,"é😀"])"));
}

TEST_CASE("emit writes every kind of value") {
  Fixture f;
  Server io(f.t, f.options());
  rapidjson::Document doc;
  doc.Parse(R"({"k":[1,2.5,"s"]})");
  io.on("connection", [&](sio::Socket s) {
    s.emit("v", nullptr, true, false, -3, 4u, 2.5, 3.0, "str", std::string("s2"), std::string_view("s3"),
           sio::array{1, "x", sio::object{{"a", nullptr}}}, doc, sio::Value(sio::object{{"q\"", "\n"}}));
  });
  Client c(f.t);
  c.connect();
  CHECK(c.next() == std::string(R"(42["v",null,true,false,-3,4,2.5,3,"str","s2","s3",[1,"x",{"a":null}],{"k":[1,2.5,"s"]},{"q\"":"\n"}])"));
}

TEST_CASE("binary: nested attachments both ways") {
  Fixture f;
  Server io(f.t, f.options());
  std::string got0, got1, nested;
  io.on("connection", [&](sio::Socket s) {
    s.on("upload", [&](sio::Socket s2, sio::Args a, sio::Ack ack) {
      got0 = std::string(a.binary(0));
      nested = std::string(a.attachment(a[1]["deep"][0]));
      CHECK_FALSE(a.is_binary(2));
      ack(a);
      s2.emit("down", sio::Binary("xyz"), sio::object{{"b", sio::Binary(std::string("\x00\x01", 2))}});
    });
  });
  Client c(f.t);
  c.connect();
  c.send_text(R"(452-9["upload",{"_placeholder":true,"num":1},{"deep":[{"_placeholder":true,"num":0}]},3])");
  CHECK_FALSE(c.has_next());
  c.send_binary("first");
  c.send_binary("second");
  CHECK(got0 == "second");
  CHECK(nested == "first");
  // The ack carries the same arguments; attachments are renumbered in the order they are written.
  CHECK(c.next() == std::string(R"(462-9[{"_placeholder":true,"num":0},{"deep":[{"_placeholder":true,"num":1}]},3])"));
  CHECK(c.next() == std::string("second"));
  CHECK(c.next() == std::string("first"));
  CHECK(c.next() == std::string(R"(452-["down",{"_placeholder":true,"num":0},{"b":{"_placeholder":true,"num":1}}])"));
  CHECK(c.next() == std::string("xyz"));
  CHECK(c.next() == std::string("\x00\x01", 2));
}

TEST_CASE("Args::get reports type mismatches clearly and the handler's throw is logged") {
  Fixture f;
  Server io(f.t, f.options());
  io.on("connection", [](sio::Socket s) { s.on("n", [](sio::Args a) { (void)a.get<int>(0); }); });
  Client c(f.t);
  c.connect();
  c.send_text(R"(42["n","not a number"])");
  REQUIRE_FALSE(f.log.empty());
  CHECK(f.log.back().find("argument 0: expected integer in range, got string") != std::string::npos);
  CHECK_FALSE(c.closed());
}

TEST_CASE("server emit with a reply callback, and with a timeout") {
  Fixture f;
  Server io(f.t, f.options());
  sio::Socket sock;
  io.on("connection", [&](sio::Socket s) { sock = s; });
  Client c(f.t);
  c.connect();
  std::vector<std::string> replies;
  sock.emit("q", "ok?", [&](sio::Args a) { replies.push_back(a.get<std::string>(0)); });
  CHECK(c.next() == std::string(R"(420["q","ok?"])"));
  c.send_text(R"(430["yes"])");
  CHECK(replies == std::vector<std::string>{"yes"});
  c.send_text(R"(430["twice"])");  // unknown id now: ignored
  CHECK(replies.size() == 1);

  std::error_code ec;
  int calls = 0;
  sock.timeout(100ms).emit("q2", [&](std::error_code e, sio::Args) { ec = e; ++calls; });
  CHECK(c.next() == std::string(R"(421["q2"])"));
  f.t.advance(99ms);
  CHECK(calls == 0);
  f.t.advance(1ms);
  CHECK(calls == 1);
  CHECK(ec == sio::error::timeout);
  c.send_text(R"(431["late"])");
  CHECK(calls == 1);

  // A reply in time cancels the timeout.
  sock.timeout(100ms).emit("q3", [&](std::error_code e, sio::Args a) {
    ec = e;
    ++calls;
    CHECK(a.get<int>(0) == 7);
  });
  c.send_text(R"(432[7])");
  f.t.advance(200ms);
  CHECK(calls == 2);
  CHECK_FALSE(ec);
}

TEST_CASE("pending replies learn that their socket is gone") {
  Fixture f;
  Server io(f.t, f.options());
  sio::Socket sock;
  io.on("connection", [&](sio::Socket s) { sock = s; });
  Client c(f.t);
  c.connect();
  std::error_code ec;
  sock.emit("q", [&](std::error_code e, sio::Args) { ec = e; });
  c.send_text("41");
  CHECK(ec == sio::error::socket_gone);
  // A handle that outlives its socket reports it.
  CHECK(sock.emit("x") == sio::SendStatus::disconnected);
  CHECK_FALSE(sock.connected());
}

namespace {
struct Three {
  Fixture f;
  Server io{f.t, f.options()};
  std::map<std::string, sio::Socket> by_name;
  std::unique_ptr<Client> a, b, c;
  Three() {
    io.on("connection", [this](sio::Socket s) { by_name[s.handshake().query("name").value_or("?")] = s; });
    a = std::make_unique<Client>(f.t, "/socket.io/", sio::transport::Headers{}, "&name=a");
    b = std::make_unique<Client>(f.t, "/socket.io/", sio::transport::Headers{}, "&name=b");
    c = std::make_unique<Client>(f.t, "/socket.io/", sio::transport::Headers{}, "&name=c");
    a->connect();
    b->connect();
    c->connect();
    by_name["a"].join("r1");
    by_name["b"].join("r1");
    by_name["c"].join("r2");
  }
  // Which clients received exactly one frame `expected` (and nothing else).
  std::string receivers(const std::string& expected) {
    std::string out;
    for (auto [name, cl] : {std::pair{"a", a.get()}, {"b", b.get()}, {"c", c.get()}}) {
      auto frames = cl->drain();
      if (frames.empty()) continue;
      CHECK(frames == std::vector<std::string>{expected});
      out += name;
    }
    return out;
  }
};
}  // namespace

TEST_CASE("rooms and broadcast reach exactly their receivers, each once") {
  Three t;
  const std::string m = R"(42["m",1])";
  CHECK(t.by_name["a"].to("r1").emit("m", 1) == 1);
  CHECK(t.receivers(m) == "b");
  CHECK(t.io.in("r1").emit("m", 1) == 2);
  CHECK(t.receivers(m) == "ab");
  CHECK(t.io.except("r1").emit("m", 1) == 1);
  CHECK(t.receivers(m) == "c");
  t.by_name["a"].broadcast().emit("m", 1);
  CHECK(t.receivers(m) == "bc");
  t.io.emit("m", 1);
  CHECK(t.receivers(m) == "abc");
  t.by_name["c"].join("r1");
  t.by_name["c"].to("r1").to("r2").emit("m", 1);
  CHECK(t.receivers(m) == "ab");
  t.io.to("r1").to("r2").emit("m", 1);
  CHECK(t.receivers(m) == "abc");
  t.by_name["c"].leave("r1");
  t.io.to("r1").emit("m", 1);
  CHECK(t.receivers(m) == "ab");
  t.by_name["a"].except("r2").emit("m", 1);
  CHECK(t.receivers(m) == "b");
  // A socket's own id is a room.
  t.io.to(t.by_name["c"].id()).emit("m", 1);
  CHECK(t.receivers(m) == "c");
}

TEST_CASE("operators: fetch_sockets, sockets_join, sockets_leave, disconnect_sockets") {
  Three t;
  CHECK(t.io.in("r1").fetch_sockets().size() == 2);
  t.io.in("r1").sockets_join("r3");
  CHECK(t.io.in("r3").fetch_sockets().size() == 2);
  t.io.in("r3").sockets_leave("r1");
  CHECK(t.io.in("r1").fetch_sockets().empty());
  t.io.in("r2").disconnect_sockets();
  CHECK(t.c->next() == std::string("41"));
  CHECK(t.io.fetch_sockets().size() == 2);
}

TEST_CASE("a socket leaves its rooms when it disconnects") {
  Three t;
  t.a->send_text("41");
  CHECK(t.io.in("r1").fetch_sockets().size() == 1);
  CHECK(t.io.in("r1").emit("m") == 1);
}

TEST_CASE("broadcast with replies collects one per receiver, or times out") {
  Three t;
  std::vector<std::string> got;
  std::error_code ec;
  int calls = 0;
  t.io.timeout(1000ms).emit("q", [&](std::error_code e, std::vector<sio::Args>& replies) {
    ec = e;
    ++calls;
    for (auto& r : replies) got.push_back(r.get<std::string>(0));
  });
  for (auto* cl : {t.a.get(), t.b.get(), t.c.get()}) CHECK(cl->next() == std::string(R"(420["q"])"));
  t.a->send_text(R"(430["a"])");
  t.c->send_text(R"(430["c"])");
  CHECK(calls == 0);
  t.b->send_text(R"(430["b"])");
  CHECK(calls == 1);
  CHECK_FALSE(ec);
  CHECK(got == std::vector<std::string>{"a", "c", "b"});

  got.clear();
  t.io.to("r1").timeout(500ms).emit("q", [&](std::error_code e, std::vector<sio::Args>& replies) {
    ec = e;
    ++calls;
    for (auto& r : replies) got.push_back(r.get<std::string>(0));
  });
  t.a->send_text(R"(431["a"])");
  t.f.t.advance(500ms);
  CHECK(calls == 2);
  CHECK(ec == sio::error::timeout);
  CHECK(got == std::vector<std::string>{"a"});

  // No receiver: the callback runs at once with no replies.
  t.io.to("nobody").timeout(500ms).emit("q", [&](std::error_code e, std::vector<sio::Args>& replies) {
    ec = e;
    ++calls;
    CHECK(replies.empty());
  });
  t.f.t.run_pending();
  CHECK(calls == 3);
  CHECK_FALSE(ec);
}

TEST_CASE("disconnect reasons") {
  Fixture f;
  sio::ServerOptions o = f.options();
  o.ping_interval = 1000ms;
  o.ping_timeout = 500ms;
  Server io(f.t, o);
  std::vector<std::string> reasons;
  std::vector<std::string> disconnecting_rooms;
  io.on("connection", [&](sio::Socket s) {
    s.join("room");
    s.on("disconnecting", [&](sio::Socket s2, std::string_view) { disconnecting_rooms.push_back(std::to_string(s2.rooms().size())); });
    s.on("disconnect", [&](sio::Socket s2, std::string_view r) {
      reasons.emplace_back(r);
      CHECK(s2.rooms().empty());
    });
    s.on("bye", [](sio::Socket s2) { s2.disconnect(); });
  });

  SECTION("client namespace disconnect") {
    Client c(f.t);
    c.connect();
    c.send_text("41");
    CHECK(reasons == std::vector<std::string>{"client namespace disconnect"});
    CHECK(disconnecting_rooms == std::vector<std::string>{"2"});
    CHECK_FALSE(c.closed());
  }
  SECTION("server namespace disconnect") {
    Client c(f.t);
    c.connect();
    c.send_text(R"(42["bye"])");
    CHECK(c.next() == std::string("41"));
    CHECK(reasons == std::vector<std::string>{"server namespace disconnect"});
    CHECK_FALSE(c.closed());
  }
  SECTION("transport close") {
    Client c(f.t);
    c.connect();
    c.ws().close();
    f.t.run_pending();
    CHECK(reasons == std::vector<std::string>{"transport close"});
  }
  SECTION("transport error") {
    Client c(f.t);
    c.connect();
    c.ws().abort();
    f.t.run_pending();
    CHECK(reasons == std::vector<std::string>{"transport error"});
  }
  SECTION("ping timeout") {
    Client c(f.t);
    c.connect();
    f.t.advance(1000ms);
    CHECK(c.next() == std::string("2"));
    f.t.advance(499ms);
    CHECK(reasons.empty());
    f.t.advance(1ms);
    CHECK(reasons == std::vector<std::string>{"ping timeout"});
  }
  SECTION("parse error") {
    Client c(f.t);
    c.connect();
    c.send_text("4abc");
    CHECK(reasons == std::vector<std::string>{"parse error"});
    CHECK(c.closed());
  }
  SECTION("server shutting down") {
    Client c(f.t);
    c.connect();
    io.close();
    f.t.run_pending();
    CHECK(reasons == std::vector<std::string>{"server shutting down"});
    CHECK(c.closed());
  }
  SECTION("disconnect(true) closes every namespace and the connection") {
    io.of("/news").on("connection", [&](sio::Socket s) {
      s.on("disconnect", [&](std::string_view r) { reasons.push_back("news:" + std::string(r)); });
    });
    Client c(f.t);
    c.connect();
    c.connect("/news");
    io.fetch_sockets().front().disconnect(true);
    CHECK(reasons == std::vector<std::string>{"server namespace disconnect", "news:server namespace disconnect"});
    auto frames = c.drain();
    CHECK(frames == std::vector<std::string>{"41", "41/news,"});
    CHECK(c.closed());
  }
}

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

TEST_CASE("socket.use middleware sees each packet and can stop it with an error") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<std::string> seen, errors;
  io.on("connection", [&](sio::Socket s) {
    s.use([&](sio::Event& ev, sio::Next next) {
      seen.emplace_back(ev.name);
      if (ev.name == "forbidden") return next(sio::ConnectError("not allowed"));
      next();
    });
    s.on("ok", [&] { seen.push_back("handler"); });
    s.on("forbidden", [&] { seen.push_back("must not run"); });
    s.on("error", [&](const sio::ConnectError& e) { errors.emplace_back(e.what()); });
  });
  Client c(f.t);
  c.connect();
  c.send_text(R"(42["ok"])");
  c.send_text(R"(42["forbidden"])");
  CHECK(seen == std::vector<std::string>{"ok", "handler", "forbidden"});
  CHECK(errors == std::vector<std::string>{"not allowed"});
}

TEST_CASE("once, off and on_any") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<std::string> seen;
  io.on("connection", [&](sio::Socket s) {
    s.once("e", [&] { seen.push_back("once"); });
    s.on("e", [&] { seen.push_back("on"); });
    s.on_any([&](sio::Socket&, std::string_view name, sio::Args&) { seen.push_back("any:" + std::string(name)); });
    s.on("off", [&](sio::Socket s2) { s2.off("e"); });
  });
  Client c(f.t);
  c.connect();
  c.send_text(R"(42["e"])");
  c.send_text(R"(42["e"])");
  c.send_text(R"(42["off"])");
  c.send_text(R"(42["e"])");
  c.send_text(R"(42[7])");
  CHECK(seen == std::vector<std::string>{"any:e", "once", "on", "any:e", "on", "any:off", "any:e", "any:7"});
}

TEST_CASE("volatile emits are dropped when the client is not ready") {
  Fixture f;
  Server io(f.t, f.options());
  io.on("connection", [](sio::Socket) {});
  // Over polling, nothing is writable until a GET waits.
  auto open = f.t.request("GET", "/socket.io/?EIO=4&transport=polling");
  REQUIRE(open->done);
  auto sid = open->body.substr(open->body.find("\"sid\":\"") + 7, 20);
  auto base = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
  f.t.request("POST", base, "40");
  auto get = f.t.request("GET", base);
  REQUIRE(get->done);
  auto socket = io.fetch_sockets().front();
  CHECK(socket.volatile_().emit("v") == sio::SendStatus::dropped);
  CHECK(socket.emit("kept") == sio::SendStatus::queued);
  auto get2 = f.t.request("GET", base);
  REQUIRE(get2->done);
  CHECK(get2->body == R"(42["kept"])");
  auto get3 = f.t.request("GET", base);
  CHECK_FALSE(get3->done);
  CHECK(socket.volatile_().emit("v2") == sio::SendStatus::sent);
  f.t.run_pending();
  REQUIRE(get3->done);
  CHECK(get3->body == R"(42["v2"])");
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

TEST_CASE("after an upgrade to WebSocket, broadcasts go to the WebSocket; a closed socket gets none") {
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

TEST_CASE("a kept reply can answer later, once, from any copy") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<sio::Ack> kept;
  io.on("connection", [&](sio::Socket s) {
    s.on("ignore", [] {});
    s.on("keep", [&](sio::Args, sio::Ack ack) { kept.push_back(ack); });
  });
  Client c(f.t);
  c.connect();
  for (int i = 0; i < 100; ++i) c.send_text("42" + std::to_string(i) + R"(["ignore"])");
  CHECK_FALSE(c.has_next());
  c.send_text(R"(42500["keep"])");
  REQUIRE(kept.size() == 1);
  sio::Ack copy = kept.front();
  REQUIRE(copy);
  CHECK(copy("later") == sio::SendStatus::sent);
  CHECK(c.next() == std::string(R"(43500["later"])"));
  CHECK_FALSE(copy);
  CHECK_FALSE(kept.front());
  CHECK(kept.front()("again") == sio::SendStatus::dropped);
  CHECK_FALSE(c.has_next());
}

TEST_CASE("emit_with_ack takes Asio completion tokens") {
  Fixture f;
  Server io(f.t, f.options());
  sio::Socket sock;
  io.on("connection", [&](sio::Socket s) { sock = s; });
  Client c(f.t);
  c.connect();

  // A plain callback as the token.
  std::string got;
  sock.emit_with_ack("q", 1, [&](std::error_code ec, sio::Args reply) {
    CHECK_FALSE(ec);
    got = reply.get<std::string>(0);
  });
  CHECK(c.next() == std::string(R"(420["q",1])"));
  c.send_text(R"(430["a"])");
  CHECK(got == "a");

  // asio::use_future: the future is ready once the reply (here, the timeout) came.
  auto fut = sock.timeout(50ms).emit_with_ack("q", asio::use_future);
  f.t.advance(50ms);
  REQUIRE(fut.wait_for(0s) == std::future_status::ready);
  CHECK_THROWS(fut.get());

  // Broadcast form.
  std::size_t replies = 99;
  io.timeout(50ms).emit_with_ack("all", [&](std::error_code ec, std::vector<sio::Args> r) {
    CHECK_FALSE(ec);
    replies = r.size();
  });
  c.drain();
  c.send_text(R"(432["x"])");
  CHECK(replies == 1);
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

TEST_CASE("disconnect handlers may take the typed reason") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<sio::DisconnectReason> typed;
  std::vector<std::string> named;
  io.on("connection", [&](sio::Socket s) {
    s.on("disconnect", [&](sio::Socket, sio::DisconnectReason r) { typed.push_back(r); });
    s.on("disconnecting", [&](sio::DisconnectReason r) { named.emplace_back(sio::to_string(r)); });
  });
  Client c(f.t);
  c.connect();
  c.send_text("41");
  CHECK(typed == std::vector<sio::DisconnectReason>{sio::DisconnectReason::client_namespace_disconnect});
  CHECK(named == std::vector<std::string>{"client namespace disconnect"});
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

TEST_CASE("socket middleware may finish later, also for numeric event names") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<sio::Next> held;
  std::vector<std::string> seen;
  io.on("connection", [&](sio::Socket s) {
    s.use([&](sio::Event&, sio::Next next) { held.push_back(next); });
    s.on_any([&](sio::Socket&, std::string_view name, sio::Args& a) { seen.push_back(std::string(name) + ":" + std::to_string(a.size())); });
  });
  Client c(f.t);
  c.connect();
  c.send_text(R"(42[42,"x"])");
  c.send_text(R"(42["named"])");
  CHECK(seen.empty());
  for (auto& n : held) n();
  CHECK(seen == std::vector<std::string>{"42:1", "named:0"});
}
