#include "sio/engineio/detail/server_session.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sio/transport/memory.hpp"

using namespace std::chrono_literals;
using sio::engineio::CloseReason;
using sio::engineio::Session;
using sio::engineio::TransportKind;
using sio::engineio::detail::ServerSession;
using sio::engineio::detail::SessionHost;

namespace {

struct Recorder final : sio::engineio::SessionHandler {
  std::vector<std::string> events;
  void on_open(Session& s) override { events.push_back("open " + s.id()); }
  void on_message(Session&, std::string_view data, bool) override { events.push_back("message " + std::string(data)); }
  void on_close(Session&, CloseReason reason) override { events.push_back("close " + std::string(to_string(reason))); }
};

// A host on the memory transport, driven by the test the way engineio::Server drives it.
struct Fixture {
  asio::io_context ioc;
  sio::transport::memory t{ioc};
  sio::engineio::ServerOptions options;
  sio::detail::TimerQueue timers{t};
  Recorder handler;
  SessionHost host{handler, options, timers, [this](std::function<void()> fn) { t.post(std::move(fn)); }};
};

sio::transport::HttpRequest handshake() {
  sio::transport::HttpRequest r;
  r.method = "GET";
  r.path = "/engine.io/";
  r.query = "EIO=4&transport=polling";
  r.body = "dropped";
  return r;
}

}  // namespace

TEST_CASE("session host: sessions are opened with fresh ids and found by them") {
  Fixture f;
  ServerSession& a = f.host.open(handshake(), TransportKind::polling);
  ServerSession& b = f.host.open(handshake(), TransportKind::polling);
  CHECK(a.id() != b.id());
  CHECK(a.id().size() == sio::detail::SidGenerator::id_length);
  CHECK(f.host.size() == 2);
  CHECK(f.host.lookup(a.id()) == &a);
  CHECK(f.host.lookup("nope") == nullptr);
  // The session keeps the handshake's query and headers, not its body.
  CHECK(a.request().query == "EIO=4&transport=polling");
  CHECK(a.request().body.empty());
  CHECK(a.transport() == TransportKind::polling);
}

TEST_CASE("session host: a finished session leaves the table at once and is destroyed later") {
  Fixture f;
  ServerSession& s = f.host.open(handshake(), TransportKind::polling);
  const std::string id = s.id();
  s.finish(CloseReason::transport_close);
  CHECK(f.handler.events == std::vector<std::string>{"close transport close"});
  CHECK(f.host.size() == 0);
  CHECK(f.host.lookup(id) == nullptr);
  // Still valid until the deferred task runs.
  CHECK(s.state() == ServerSession::State::closed);
  s.finish(CloseReason::forced_close);
  CHECK(f.handler.events.size() == 1);
  CHECK(f.t.run_pending() == 1);
}

TEST_CASE("session host: a session past its heartbeat deadline is not found") {
  Fixture f;
  f.options.ping_interval = 100ms;
  f.options.ping_timeout = 50ms;
  ServerSession& s = f.host.open(handshake(), TransportKind::polling);
  const std::string id = s.id();
  s.start_heartbeat();
  f.t.advance(100ms);  // the ping is queued
  CHECK(f.host.lookup(id) == &s);
  CHECK_FALSE(s.heartbeat_expired(f.t.now() + 49ms));
  CHECK(s.heartbeat_expired(f.t.now() + 50ms));
  f.t.advance(49ms);
  CHECK(f.host.lookup(id) == &s);
  f.t.advance(1ms);
  CHECK(f.host.lookup(id) == nullptr);
  CHECK(f.handler.events == std::vector<std::string>{"close ping timeout"});
}

TEST_CASE("session host: close_all ends every session with the reason given") {
  Fixture f;
  f.host.open(handshake(), TransportKind::polling);
  f.host.open(handshake(), TransportKind::polling);
  f.host.close_all(CloseReason::server_shutting_down);
  CHECK(f.host.size() == 0);
  CHECK(f.handler.events ==
        std::vector<std::string>{"close server shutting down", "close server shutting down"});
}

TEST_CASE("session: requests belong to it when they come from the client address of its handshake") {
  Fixture f;
  sio::transport::HttpRequest opening = handshake();
  opening.remote_address = "127.0.0.1";
  opening.headers = {{"X-Forwarded-For", "203.0.113.7"}};
  ServerSession& s = f.host.open(opening, TransportKind::polling);
  CHECK(s.client_address() == "127.0.0.1");
  sio::transport::HttpRequest later = handshake();
  later.remote_address = "127.0.0.1";
  CHECK(s.from_own_client(later));
  later.remote_address = "127.0.0.2";
  CHECK_FALSE(s.from_own_client(later));

  f.options.trusted_proxies = 1;
  ServerSession& proxied = f.host.open(opening, TransportKind::polling);
  CHECK(proxied.client_address() == "203.0.113.7");
  later.headers = {{"X-Forwarded-For", "203.0.113.7"}};
  CHECK(proxied.from_own_client(later));  // another connection of the proxy's
  later.headers = {{"X-Forwarded-For", "203.0.113.8"}};
  CHECK_FALSE(proxied.from_own_client(later));
}
