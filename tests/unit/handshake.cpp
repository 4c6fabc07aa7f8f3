#include "sio/handshake.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "sio/server.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

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
