#include "sio/socket.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <string>
#include <vector>

#include <asio/use_future.hpp>

#include "sio/server.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;
using sio::test::Fixture;
using sio::test::Three;
using Server = sio::test::MemoryServer;

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

TEST_CASE("numeric event names are the number's text, as JavaScript writes it") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<std::string> seen;
  io.on("connection", [&](sio::Socket s) {
    s.on_any([&](sio::Socket&, std::string_view name, sio::Args& a) { seen.push_back(std::string(name) + ":" + std::to_string(a.size())); });
  });
  Client c(f.t);
  c.connect();
  // Numbers too large for a double are infinite, as JSON.parse reads them; their name is not
  // "null" (what JSON.stringify would write) but what String() gives in Node.
  c.send_text(R"(42[42,"x"])");
  c.send_text(R"(42[1e400])");
  c.send_text(R"(42[-1e400,1])");
  c.send_text(R"(42[1e21])");
  c.send_text(R"(42[0.5])");
  CHECK(seen == std::vector<std::string>{"42:1", "Infinity:0", "-Infinity:1", "1e+21:0", "0.5:0"});
  CHECK_FALSE(c.closed());
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

TEST_CASE("a socket leaves its rooms when it disconnects") {
  Three t;
  t.a->send_text("41");
  CHECK(t.io.in("r1").fetch_sockets().size() == 1);
  CHECK(t.io.in("r1").emit("m") == 1);
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

// A 100-byte frame: 42["m","<93 - 9 characters>"].
const std::string hundred_bytes = std::string(100 - 10, 'x');

}  // namespace

TEST_CASE("a client that reads nothing is closed when what waits for it would pass the budget") {
  Fixture f;
  auto o = f.options();
  o.max_buffered_bytes = 1000;
  Server io(f.t, o);
  std::map<std::string, sio::Socket> sockets;
  std::vector<std::string> reasons;
  io.on("connection", [&](sio::Socket s) {
    const std::string name(s.handshake().query("name").value_or("?"));
    sockets[name] = s;
    s.on("disconnect", [&reasons, name](sio::DisconnectReason r) { reasons.push_back(name + ": " + std::string(to_string(r))); });
  });
  Client slow(f.t, "/socket.io/", {}, "&name=slow");
  slow.connect();
  Client good(f.t, "/socket.io/", {}, "&name=good");
  good.connect();
  slow.ws().set_write_delay(true);

  // Ten frames of 100 bytes fit; the eleventh would not.
  for (int i = 0; i < 10; ++i) {
    INFO(i);
    CHECK(sockets["slow"].emit("m", hundred_bytes) == sio::SendStatus::sent);
  }
  CHECK(sockets["slow"].buffered_amount() == 1000);
  CHECK(sockets["good"].buffered_amount() == 0);
  CHECK(sockets["slow"].emit("m", hundred_bytes) == sio::SendStatus::queue_full);
  f.t.run_pending();
  CHECK(reasons == std::vector<std::string>{"slow: send buffer full"});
  CHECK(std::any_of(f.log.begin(), f.log.end(),
                    [](const std::string& l) { return l.find("would pass max_buffered_bytes (1000)") != std::string::npos; }));
  // What was queued before still goes out ahead of the close; the well-behaved client is untouched.
  slow.ws().set_write_delay(false);
  CHECK(slow.drain().size() == 10);
  CHECK(slow.closed());
  CHECK(sockets["good"].emit("m", "still here") == sio::SendStatus::sent);
  CHECK(good.next() == std::string(R"(42["m","still here"])"));
  CHECK_FALSE(good.closed());
}

TEST_CASE("a broadcast passes over a slow client without holding back the others") {
  Fixture f;
  auto o = f.options();
  o.max_buffered_bytes = 1000;
  Server io(f.t, o);
  io.on("connection", [](sio::Socket) {});
  Client slow(f.t);
  slow.connect();
  Client a(f.t), b(f.t);
  a.connect();
  b.connect();
  slow.ws().set_write_delay(true);
  for (int i = 0; i < 50; ++i) {
    io.emit("m", hundred_bytes);
    CHECK(a.drain().size() == 1);
    CHECK(b.drain().size() == 1);
  }
  CHECK(io.sockets().size() == 2);
  CHECK_FALSE(a.closed());
  CHECK_FALSE(b.closed());
  slow.ws().set_write_delay(false);
  CHECK(slow.closed());
}

TEST_CASE("with OverflowPolicy::drop, packets over the budget are refused and on_drain says when to resume") {
  Fixture f;
  auto o = f.options();
  o.max_buffered_bytes = 250;
  o.overflow = sio::OverflowPolicy::drop;
  Server io(f.t, o);
  sio::Socket sock;
  int drains = 0;
  io.on("connection", [&](sio::Socket s) {
    sock = s;
    s.on_drain([&](sio::Socket& me) {
      ++drains;
      CHECK(me.buffered_amount() == 0);
    });
  });
  Client c(f.t);
  c.connect();
  c.ws().set_write_delay(true);
  CHECK(sock.emit("m", hundred_bytes) == sio::SendStatus::sent);
  CHECK(sock.emit("m", hundred_bytes) == sio::SendStatus::sent);
  CHECK(sock.emit("m", hundred_bytes) == sio::SendStatus::queue_full);
  // A reply awaited from a refused packet fails at once (after the emit returns).
  std::error_code ec;
  CHECK(sock.emit("q", hundred_bytes, [&](std::error_code e, sio::Args) { ec = e; }) == sio::SendStatus::queue_full);
  f.t.run_pending();
  CHECK(ec == sio::error::queue_full);
  CHECK(sock.buffered_amount() == 200);
  CHECK(drains == 0);

  c.ws().set_write_delay(false);
  CHECK(drains == 1);
  CHECK(c.drain().size() == 2);
  CHECK_FALSE(c.closed());
  CHECK(sock.emit("m", hundred_bytes) == sio::SendStatus::sent);
  CHECK(c.drain().size() == 1);
}

TEST_CASE("the budget holds over long-polling too") {
  Fixture f;
  auto o = f.options();
  o.max_buffered_bytes = 250;
  Server io(f.t, o);
  std::vector<std::string> reasons;
  io.on("connection", [&](sio::Socket s) {
    s.on("disconnect", [&](sio::DisconnectReason r) { reasons.emplace_back(to_string(r)); });
  });
  auto open = f.t.request("GET", "/socket.io/?EIO=4&transport=polling");
  REQUIRE(open->done);
  auto sid = open->body.substr(open->body.find("\"sid\":\"") + 7, 20);
  auto base = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
  f.t.request("POST", base, "40");
  auto get = f.t.request("GET", base);
  REQUIRE(get->done);
  // No GET waits now: packets queue.
  auto socket = io.fetch_sockets().front();
  CHECK(socket.emit("m", hundred_bytes) == sio::SendStatus::queued);
  CHECK(socket.emit("m", hundred_bytes) == sio::SendStatus::queued);
  CHECK(socket.emit("m", hundred_bytes) == sio::SendStatus::queue_full);
  f.t.run_pending();
  CHECK(reasons == std::vector<std::string>{"send buffer full"});
}

TEST_CASE("no budget when max_buffered_bytes is 0") {
  Fixture f;
  auto o = f.options();
  o.max_buffered_bytes = 0;
  Server io(f.t, o);
  sio::Socket sock;
  io.on("connection", [&](sio::Socket s) { sock = s; });
  Client c(f.t);
  c.connect();
  c.ws().set_write_delay(true);
  for (int i = 0; i < 100; ++i) REQUIRE(sock.emit("m", hundred_bytes) == sio::SendStatus::sent);
  CHECK(sock.buffered_amount() == 10000);
  c.ws().set_write_delay(false);
  CHECK(c.drain().size() == 100);
}
