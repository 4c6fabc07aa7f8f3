#include "sio/namespace.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sio/server.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

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

TEST_CASE("a namespace name a client sent reaches the log escaped") {
  Fixture f;
  Server io(f.t, f.options());
  Client c(f.t);
  c.send_text("40/x\x1b[2J\nforged line,");
  CHECK(c.next() == std::string("44/x\x1b[2J\nforged line,{\"message\":\"Invalid namespace\"}"));
  REQUIRE_FALSE(f.log.empty());
  CHECK(f.log.back().find("unknown namespace /x\\x1b[2J\\x0aforged line") != std::string::npos);
  for (const auto& line : f.log) CHECK(line.find_first_of("\n\x1b") == std::string::npos);
}

TEST_CASE("a client connects at most max_namespaces_per_client namespaces at once") {
  Fixture f;
  auto o = f.options();
  o.max_namespaces_per_client = 2;
  Server io(f.t, o);
  io.of("/a");
  io.of("/b");
  Client c(f.t);
  c.connect();
  c.connect("/a");
  c.send_text("40/b,");
  CHECK(c.next() == std::string(R"(44/b,{"message":"Too many namespaces"})"));
  CHECK_FALSE(c.closed());
  CHECK(f.log.back().find("past max_namespaces_per_client (2)") != std::string::npos);
  // Leaving one makes room again; another connection has a count of its own.
  c.send_text("41/a,");
  c.connect("/b");
  Client d(f.t);
  d.connect("/a");
  d.connect("/b");
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
