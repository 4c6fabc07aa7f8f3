// Closing a Server: at once with close(), or gracefully with close(grace, token).
#include "sio/server.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "sio/transport/memory.hpp"
#include "sio/transport/websocketpp.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

namespace {

// The completion of a graceful close, as a test sees it.
struct Completion {
  std::optional<std::error_code> ec;
  int calls = 0;
  auto handler() {
    return [this](std::error_code e) {
      ec = e;
      ++calls;
    };
  }
};

// A polling session opened by hand: its sid and the base URL of its requests.
struct PollingClient {
  sio::transport::memory& t;
  std::string base;
  explicit PollingClient(sio::transport::memory& transport) : t(transport) {
    auto open = t.request("GET", "/socket.io/?EIO=4&transport=polling");
    REQUIRE(open->status == 200);
    auto sid = open->body.substr(open->body.find("\"sid\":\"") + 7, 20);
    base = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
  }
  std::shared_ptr<const sio::transport::memory::HttpResult> get() { return t.request("GET", base); }
  std::shared_ptr<const sio::transport::memory::HttpResult> post(std::string body) {
    return t.request("POST", base, std::move(body));
  }
  void connect() {
    REQUIRE(post("40")->body == "ok");
    auto connected = get();
    REQUIRE(connected->done);
    REQUIRE(connected->body.rfind("40{\"sid\":\"", 0) == 0);
  }
};

}  // namespace

TEST_CASE("close(grace) completes once the clients have what was queued for them") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<std::string> reasons;
  io.on("connection", [&](sio::Socket s) { s.on("disconnect", [&](std::string_view r) { reasons.emplace_back(r); }); });
  Client c(f.t);
  c.connect();
  // The client reads nothing for now: the emits wait in its connection.
  c.ws().set_write_delay(true);
  io.emit("one");
  io.emit("two");

  Completion done;
  io.close(5s, done.handler());
  // The sockets learn at once; the completion waits for the client.
  CHECK(reasons == std::vector<std::string>{"server shutting down"});
  f.t.run_pending();
  CHECK(done.calls == 0);
  f.t.advance(4s);
  CHECK(done.calls == 0);

  c.ws().set_write_delay(false);
  f.t.run_pending();
  CHECK(c.drain() == std::vector<std::string>{R"(42["one"])", R"(42["two"])"});
  CHECK(c.closed());
  CHECK(c.ws().close_code() == 1001);  // going away
  REQUIRE(done.calls == 1);
  CHECK_FALSE(*done.ec);
  f.t.advance(10s);
  CHECK(done.calls == 1);
}

TEST_CASE("close(grace) gives a client that reads nothing until the deadline, then completes with timeout") {
  Fixture f;
  Server io(f.t, f.options());
  Client slow(f.t), quick(f.t);
  slow.connect();
  quick.connect();
  slow.ws().set_write_delay(true);
  io.emit("last");

  Completion done;
  io.close(2s, done.handler());
  f.t.run_pending();
  CHECK(quick.drain() == std::vector<std::string>{R"(42["last"])"});
  CHECK(quick.closed());
  CHECK(done.calls == 0);
  f.t.advance(1999ms);
  CHECK(done.calls == 0);
  f.t.advance(1ms);
  REQUIRE(done.calls == 1);
  CHECK(*done.ec == sio::error::timeout);
}

TEST_CASE("close(grace) answers a polling client's next GETs with its queue, then the close packet") {
  Fixture f;
  Server io(f.t, f.options());
  std::vector<std::string> reasons;
  io.on("connection", [&](sio::Socket s) { s.on("disconnect", [&](std::string_view r) { reasons.emplace_back(r); }); });
  PollingClient p(f.t);
  p.connect();
  io.emit("queued");

  Completion done;
  io.close(5s, done.handler());
  CHECK(reasons == std::vector<std::string>{"server shutting down"});
  f.t.run_pending();
  CHECK(done.calls == 0);
  // What the client sends now reaches no one.
  CHECK(p.post(R"(42["late"])")->status == 200);
  auto queued = p.get();
  REQUIRE(queued->done);
  CHECK(queued->body == R"(42["queued"])");
  f.t.run_pending();
  CHECK(done.calls == 0);
  // The close packet comes alone: the official client would drop packets sharing its payload.
  auto last = p.get();
  REQUIRE(last->done);
  CHECK(last->body == "1");
  f.t.run_pending();
  REQUIRE(done.calls == 1);
  CHECK_FALSE(*done.ec);
}

TEST_CASE("close(grace) answers a waiting GET at once") {
  Fixture f;
  Server io(f.t, f.options());
  PollingClient p(f.t);
  p.connect();
  auto waiting = p.get();
  REQUIRE_FALSE(waiting->done);
  Completion done;
  SECTION("with nothing queued: the close packet") {
    io.close(5s, done.handler());
    f.t.run_pending();
    REQUIRE(waiting->done);
    CHECK(waiting->body == "1");
  }
  SECTION("with something queued: the queue, then the close packet") {
    io.emit("queued");
    io.close(5s, done.handler());
    REQUIRE(waiting->done);
    CHECK(waiting->body == R"(42["queued"])");
    f.t.run_pending();
    CHECK(done.calls == 0);
    CHECK(p.get()->body == "1");
    f.t.run_pending();
  }
  REQUIRE(done.calls == 1);
  CHECK_FALSE(*done.ec);
}

TEST_CASE("close(grace) cuts off a polling client that never polls again at the deadline") {
  Fixture f;
  Server io(f.t, f.options());
  PollingClient p(f.t);
  p.connect();
  io.emit("lost");
  Completion done;
  io.close(3s, done.handler());
  f.t.advance(3s);
  REQUIRE(done.calls == 1);
  CHECK(*done.ec == sio::error::timeout);
  // The session is gone: a late GET finds nothing.
  CHECK(p.get()->status == 400);
}

TEST_CASE("no handler runs after close(grace), and none for what clients send while it waits") {
  Fixture f;
  Server io(f.t, f.options());
  int events = 0, connections = 0;
  io.on("connection", [&](sio::Socket s) {
    ++connections;
    s.on("event", [&] { ++events; });
  });
  io.of("/other").on("connection", [&](sio::Socket) { ++connections; });
  Client c(f.t);
  c.connect();
  PollingClient p(f.t);
  c.ws().set_write_delay(true);
  io.emit("held");

  Completion done;
  io.close(5s, done.handler());
  c.send_text(R"(42["event"])");
  CHECK(p.post("40/other,")->status == 200);
  CHECK(f.t.request("GET", "/socket.io/?EIO=4&transport=polling")->status == 400);
  CHECK(events == 0);
  CHECK(connections == 1);
  f.t.advance(5s);
  REQUIRE(done.calls == 1);
  c.ws().set_write_delay(false);
  f.t.advance(60s);
  CHECK(events == 0);
  CHECK(connections == 1);
}

TEST_CASE("close(grace) never completes inside the call") {
  Fixture f;
  Server io(f.t, f.options());
  Completion done;
  io.close(1s, done.handler());
  CHECK(done.calls == 0);
  f.t.run_pending();
  REQUIRE(done.calls == 1);
  CHECK_FALSE(*done.ec);

  SECTION("a second call completes too") {
    Completion again;
    io.close(1s, again.handler());
    CHECK(again.calls == 0);
    f.t.run_pending();
    CHECK(again.calls == 1);
  }
}

TEST_CASE("close(grace) after close() completes at once, and two waiting calls complete together") {
  Fixture f;
  Server io(f.t, f.options());
  Client c(f.t);
  c.connect();
  SECTION("after close()") {
    io.close();
    Completion done;
    io.close(1s, done.handler());
    f.t.run_pending();
    REQUIRE(done.calls == 1);
    CHECK_FALSE(*done.ec);
  }
  SECTION("two waiting") {
    c.ws().set_write_delay(true);
    io.emit("held");
    Completion first, second;
    io.close(1s, first.handler());
    io.close(10s, second.handler());
    f.t.advance(1s);
    CHECK(first.calls == 1);
    CHECK(second.calls == 1);
    CHECK(*first.ec == sio::error::timeout);
  }
}

TEST_CASE("a server destroyed while close(grace) waits completes it with server_gone") {
  Fixture f;
  Completion done;
  {
    Server io(f.t, f.options());
    Client c(f.t);
    c.connect();
    c.ws().set_write_delay(true);
    io.emit("held");
    io.close(5s, done.handler());
    f.t.run_pending();
    CHECK(done.calls == 0);
  }
  REQUIRE(done.calls == 1);
  CHECK(*done.ec == sio::error::server_gone);
  f.t.advance(10s);
  CHECK(done.calls == 1);
}

TEST_CASE("a server destroyed after close(grace) finished, before its completion ran, completes it with server_gone") {
  Fixture f;
  Completion done;
  {
    Server io(f.t, f.options());
    io.close(1s, done.handler());  // nothing to wait for: the completion is posted at once
    CHECK(done.calls == 0);
  }
  f.t.run_pending();
  REQUIRE(done.calls == 1);
  CHECK(*done.ec == sio::error::server_gone);
}

TEST_CASE("close() releases the port of a server with a transport of its own") {
  asio::io_context ioc;
  sio::Server<sio::transport::websocketpp> io(ioc);
  REQUIRE_FALSE(io.listen(0, "127.0.0.1"));
  const std::uint16_t port = io.transport().local_port();
  REQUIRE(port != 0);
  {
    sio::transport::websocketpp other(ioc);
    CHECK(other.listen(port, "127.0.0.1"));  // in use
  }
  io.close();
  sio::transport::websocketpp after(ioc);
  CHECK_FALSE(after.listen(port, "127.0.0.1"));
}

TEST_CASE("close(grace) completes on the io_context and then releases the port") {
  asio::io_context ioc;
  sio::Server<sio::transport::websocketpp> io(ioc);
  REQUIRE_FALSE(io.listen(0, "127.0.0.1"));
  const std::uint16_t port = io.transport().local_port();
  Completion done;
  std::optional<std::error_code> listen_after;
  io.close(1s, [&](std::error_code ec) {
    done.handler()(ec);
    sio::transport::websocketpp after(ioc);
    listen_after = after.listen(port, "127.0.0.1");
  });
  ioc.run_for(5s);
  REQUIRE(done.calls == 1);
  CHECK_FALSE(*done.ec);
  REQUIRE(listen_after);
  CHECK_FALSE(*listen_after);
}

TEST_CASE("close() leaves a shared transport listening for its other servers") {
  asio::io_context ioc;
  sio::transport::websocketpp shared(ioc);
  REQUIRE_FALSE(shared.listen(0, "127.0.0.1"));
  sio::Server<sio::transport::websocketpp> io(shared);
  io.close();
  sio::transport::websocketpp other(ioc);
  CHECK(other.listen(shared.local_port(), "127.0.0.1"));
}
