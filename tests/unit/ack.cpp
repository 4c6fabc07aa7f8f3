#include "sio/ack.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sio/server.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

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
