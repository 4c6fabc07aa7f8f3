// sio::ServerGroup on real threads and real sockets: every request of a polling session reaches
// the thread that holds it, whichever thread the kernel gave its connection to, and the threads'
// servers form one cluster. `scripts/test --tsan` runs it under ThreadSanitizer. The whole
// cluster contract, with the official client, is test_cluster_threads (tests/cluster/).
#include "sio/server_group.hpp"

#include <catch2/catch.hpp>

#include <asio.hpp>
#include <chrono>
#include <future>
#include <string>
#include <vector>

using namespace std::chrono_literals;

namespace {

// One HTTP request on a connection of its own (the transport closes it after the response), as
// a polling client sends them; returns the body, or "HTTP <status>" for anything but 200.
std::string http(std::uint16_t port, const std::string& method, const std::string& target, const std::string& body = {}) {
  asio::io_context ioc;
  asio::ip::tcp::socket socket(ioc);
  socket.connect({asio::ip::make_address("127.0.0.1"), port});
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (method == "POST") request += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  request += "\r\n" + body;
  asio::write(socket, asio::buffer(request));
  std::string response;
  std::error_code ec;
  char buf[4096];
  for (;;) {
    const std::size_t n = socket.read_some(asio::buffer(buf), ec);
    response.append(buf, n);
    if (ec) break;
  }
  const auto status = response.substr(9, 3);
  if (status != "200") return "HTTP " + status;
  const auto start = response.find("\r\n\r\n");
  return start == std::string::npos ? std::string() : response.substr(start + 4);
}

// A polling session of the official protocol, driven by hand.
struct PollingClient {
  PollingClient(std::uint16_t p) : port(p) {
    const std::string open = http(port, "GET", "/socket.io/?EIO=4&transport=polling");
    REQUIRE(open.rfind("0{", 0) == 0);
    sid = open.substr(open.find("\"sid\":\"") + 7, 20);
    base = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
  }
  std::string post(const std::string& packets) { return http(port, "POST", base, packets); }
  std::string get() { return http(port, "GET", base); }
  std::uint16_t port;
  std::string sid;
  std::string base;
};

// A group whose servers answer "where" with their index, "count" with the server count, "fetch"
// with the number of sockets fetch_sockets finds, and "sse" with the replies of the others;
// "shout" broadcasts to the room "all", which every socket joins.
struct Group {
  explicit Group(std::size_t threads) : group(threads) {
    std::size_t index = 0;
    group.each([&index](sio::ServerGroup::server_type& io) {
      const std::size_t me = index++;
      io.sockets().on("ping-servers", [me](sio::Args, sio::Ack ack) {
        if (ack) ack(me);
      });
      io.on("connection", [&io, me](sio::Socket socket) {
        socket.join("all");
        socket.on("where", [me](sio::Args, sio::Ack ack) { ack(me); });
        socket.on("count", [&io](sio::Args, sio::Ack ack) {
          io.sockets().adapter().server_count([ack](std::size_t n) mutable { ack(n); });
        });
        socket.on("fetch", [&io](sio::Args, sio::Ack ack) {
          io.in("all").fetch_sockets([ack](std::error_code ec, std::vector<sio::RemoteSocket> s) mutable {
            ack(ec ? -1 : static_cast<int>(s.size()));
          });
        });
        socket.on("sse", [&io](sio::Args, sio::Ack ack) {
          io.server_side_emit("ping-servers", [ack](std::error_code ec, std::vector<sio::Args> r) mutable {
            ack(ec ? -1 : static_cast<int>(r.size()));
          });
        });
        socket.on("shout", [&io, me](sio::Args) { io.to("all").emit("heard", me); });
      });
    });
    REQUIRE_FALSE(group.listen(0, "127.0.0.1"));
    port = group.local_port();
    group.start();
  }
  ~Group() {
    group.close();
    group.join();
  }
  sio::ServerGroup group;
  std::uint16_t port = 0;
};

}  // namespace

TEST_CASE("sid_owner reads the owner from the mark that ends the sid") {
  using sio::detail::sid_owner;
  CHECK(sid_owner("GET /socket.io/?EIO=4&transport=polling&sid=abcdefghijklmnopqrsB HTTP/1.1", 4) == 1u);
  CHECK(sid_owner("POST /socket.io/?sid=abcdefghijklmnopqrsA&EIO=4 HTTP/1.1", 4) == 0u);
  CHECK(sid_owner("GET /socket.io/?EIO=4&transport=websocket&sid=xxD HTTP/1.1", 4) == 3u);
  CHECK_FALSE(sid_owner("GET /socket.io/?EIO=4&transport=websocket&sid=xxE HTTP/1.1", 4));  // no such server
  CHECK_FALSE(sid_owner("GET /socket.io/?EIO=4&transport=polling HTTP/1.1", 4));
  CHECK_FALSE(sid_owner("GET /socket.io/?EIO=4&sid= HTTP/1.1", 4));
  CHECK_FALSE(sid_owner("GET /index.html HTTP/1.1", 4));
  CHECK_FALSE(sid_owner("garbage", 4));
  CHECK_FALSE(sid_owner("", 4));
}

TEST_CASE("ServerGroup: every request of a polling session reaches the thread that holds it") {
  Group g(2);
  std::vector<std::size_t> owners;
  for (int c = 0; c < 6; ++c) {
    PollingClient client(g.port);
    const std::size_t mark = sio::detail::group_marks.find(client.sid.back());
    REQUIRE(mark < 2);
    owners.push_back(mark);
    // Each request on a new connection, which the kernel gives to either thread.
    REQUIRE(client.post("40") == "ok");
    REQUIRE(client.get().rfind("40{\"sid\":", 0) == 0);
    for (int i = 0; i < 10; ++i) {
      REQUIRE(client.post("42" + std::to_string(i) + "[\"where\"]") == "ok");
      CHECK(client.get() == "43" + std::to_string(i) + "[" + std::to_string(mark) + "]");
    }
  }
  // New sessions are dealt round-robin.
  CHECK(owners == std::vector<std::size_t>{0, 1, 0, 1, 0, 1});
}

TEST_CASE("ServerGroup: rooms, broadcasts, server count, fetch_sockets and server_side_emit span the threads") {
  Group g(2);
  PollingClient a(g.port), b(g.port);
  REQUIRE(a.sid.back() != b.sid.back());
  for (auto* c : {&a, &b}) {
    REQUIRE(c->post("40") == "ok");
    REQUIRE(c->get().rfind("40{", 0) == 0);
  }
  // Both are in "all" once connected; a's server broadcasts to the room.
  REQUIRE(a.post("42[\"shout\"]") == "ok");
  const std::string from_a = "42[\"heard\"," + std::to_string(sio::detail::group_marks.find(a.sid.back())) + "]";
  CHECK(a.get() == from_a);
  CHECK(b.get() == from_a);

  REQUIRE(b.post("421[\"count\"]\x1e" "422[\"fetch\"]\x1e" "423[\"sse\"]") == "ok");
  std::string answers;
  while (answers.size() < std::string("431[2]\x1e" "432[2]\x1e" "433[1]").size()) {
    if (!answers.empty()) answers += '\x1e';
    answers += b.get();
  }
  CHECK(answers == "431[2]\x1e" "432[2]\x1e" "433[1]");
}

TEST_CASE("ServerGroup: close() from a handler ends every thread") {
  sio::ServerGroup group(2);
  group.each([&group](sio::ServerGroup::server_type& io) {
    io.on("connection", [&group](sio::Socket socket) {
      socket.on("bye", [&group](sio::Args) { group.close(); });
    });
  });
  REQUIRE_FALSE(group.listen(0, "127.0.0.1"));
  auto done = std::async(std::launch::async, [&group] { group.run(); });
  PollingClient c(group.local_port());
  REQUIRE(c.post("40") == "ok");
  REQUIRE(c.post("42[\"bye\"]") == "ok");
  REQUIRE(done.wait_for(10s) == std::future_status::ready);
  done.get();
}

TEST_CASE("ServerGroup: at most 64 threads") {
  CHECK_THROWS_AS(sio::ServerGroup(65), std::invalid_argument);
}
