#include "sio/disconnect_reason.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "sio/server.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

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
