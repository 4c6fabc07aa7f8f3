#include "sio/remote_socket.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "sio/server.hpp"
#include "sio/transport/memory.hpp"
#include "unit/support/sio_client.hpp"

using sio::test::Client;

TEST_CASE("a RemoteSocket describes its socket as fetched, and acts on it by the room of its id") {
  asio::io_context ioc;
  sio::transport::memory t(ioc);
  sio::Server<sio::transport::memory> io(t);
  io.on("connection", [](sio::Socket s) { s.set_shared_data(R"({"n":1})"); });
  Client a(t), b(t);
  std::string id_a = a.connect();
  b.connect();

  std::vector<sio::RemoteSocket> found;
  io.fetch_sockets([&](std::error_code ec, std::vector<sio::RemoteSocket> s) {
    CHECK_FALSE(ec);
    found = std::move(s);
  });
  t.run_pending();
  REQUIRE(found.size() == 2);
  auto it = std::find_if(found.begin(), found.end(), [&](const auto& s) { return s.id() == id_a; });
  REQUIRE(it != found.end());
  const sio::RemoteSocket& ra = *it;
  CHECK(ra.rooms() == std::vector<std::string>{id_a});
  CHECK(ra.data() == R"({"n":1})");
  CHECK(ra.details().id == id_a);
  CHECK(ra.handshake().address == "127.0.0.1");

  // Only a hears what is sent to it; its rooms change; the description does not.
  CHECK(ra.emit("only", "a") == 1);
  CHECK(a.next() == std::string(R"(42["only","a"])"));
  CHECK_FALSE(b.has_next());
  ra.join(std::vector<std::string>{"x", "y"});
  ra.leave("x");
  CHECK(io.sockets().socket(id_a).rooms() == std::vector<std::string>{id_a, "y"});
  CHECK(ra.rooms() == std::vector<std::string>{id_a});

  std::vector<std::string> replies;
  ra.timeout(std::chrono::seconds(1)).emit("q", [&](std::error_code, std::vector<sio::Args> r) {
    for (auto& x : r) replies.push_back(x.get<std::string>(0));
  });
  CHECK(a.next() == std::string(R"(420["q"])"));
  a.send_text(R"(430["yes"])");
  CHECK(replies == std::vector<std::string>{"yes"});

  ra.disconnect();
  CHECK(a.next() == std::string("41"));
  CHECK_FALSE(io.sockets().socket(id_a));
  CHECK(io.sockets().size() == 1);
}
