#include "sio/middleware.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sio/server.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

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
