#include "sio/args.hpp"

#include <catch2/catch.hpp>

#include <string>

#include "sio/server.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

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
