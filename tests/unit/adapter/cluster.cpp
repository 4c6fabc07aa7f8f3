// Two servers in one process, each with its own io_context and transport, joined by an adapter
// that fans every cluster operation out to the other one: the contract a Redis adapter meets.
// Each case runs with the test's own FanOutAdapter, which shows what the seam asks of any
// cluster adapter, and with sio::ThreadCluster (whose real threads are tests/unit/server_group.cpp's).
#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/adapter/thread_cluster.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "sio/args.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/server.hpp"
#include "sio/transport/memory.hpp"
#include "unit/support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;

namespace {

class FanOutAdapter;

// The wire between the servers: each server's adapters by namespace, and its transport, whose
// post() is how work reaches that server's I/O thread.
struct Bus {
  struct Member {
    sio::transport::memory* transport;
    std::map<std::string, FanOutAdapter*, std::less<>> adapters;
  };
  std::vector<Member> members;
};

class FanOutAdapter final : public sio::InMemoryAdapter {
 public:
  FanOutAdapter(sio::AdapterHost& host, Bus& bus, std::size_t self) : InMemoryAdapter(host), bus_(bus), self_(self) {
    bus_.members[self_].adapters[std::string(host.name())] = this;
  }
  ~FanOutAdapter() override { bus_.members[self_].adapters.erase(std::string(host().name())); }
  void server_count(std::function<void(std::size_t)> done) override { done(bus_.members.size()); }

 protected:
  void forward_broadcast(const sio::protocol::OutgoingPacket& p, const sio::BroadcastOptions& o) override {
    each_other([p = p.clone(), o](FanOutAdapter& peer) { peer.local_broadcast(p, o); });
  }
  void forward_broadcast_with_ack(const sio::protocol::OutgoingPacket& p, const sio::BroadcastOptions& o,
                                  const CountHandler& on_count, const ReplyHandler& on_reply) override {
    auto* home = bus_.members[self_].transport;
    each_other([p = p.clone(), o, on_count, on_reply, home](FanOutAdapter& peer) {
      const std::size_t n = peer.local_broadcast_with_ack(p, o, [home, on_reply](std::error_code ec, const sio::Args& a) {
        home->post([on_reply, ec, a] { on_reply(ec, a); });
      });
      home->post([on_count, n] { on_count(n); });
    });
  }
  void forward_fetch_sockets(const sio::BroadcastOptions& o, FetchHandler done) override {
    auto* home = bus_.members[self_].transport;
    each_other([o, done, home](FanOutAdapter& peer) {
      auto found = peer.local_fetch_sockets(o);
      home->post([done, found] { done({}, found); });
    });
  }
  void forward_add_sockets(const sio::BroadcastOptions& o, const std::vector<sio::Room>& rooms) override {
    each_other([o, rooms](FanOutAdapter& peer) { peer.local_add_sockets(o, rooms); });
  }
  void forward_del_sockets(const sio::BroadcastOptions& o, const std::vector<sio::Room>& rooms) override {
    each_other([o, rooms](FanOutAdapter& peer) { peer.local_del_sockets(o, rooms); });
  }
  void forward_disconnect_sockets(const sio::BroadcastOptions& o, bool close) override {
    each_other([o, close](FanOutAdapter& peer) { peer.local_disconnect_sockets(o, close); });
  }
  void forward_server_side_emit(const sio::protocol::OutgoingPacket& p, RepliesHandler replies,
                                std::optional<std::chrono::milliseconds>) override {
    auto* home = bus_.members[self_].transport;
    each_other([p = p.clone(), replies, home](FanOutAdapter& peer) {
      std::function<void(const sio::Args&)> reply;
      if (replies)
        reply = [home, replies](const sio::Args& a) { home->post([replies, a] { replies({}, {a}); }); };
      peer.host().on_server_side_emit(p, reply);
    });
  }

 private:
  // Runs fn(peer adapter of this namespace) on every other server's I/O thread.
  template <class F>
  void each_other(F fn) {
    for (std::size_t i = 0; i < bus_.members.size(); ++i) {
      if (i == self_) continue;
      bus_.members[i].transport->post([&bus = bus_, i, nsp = std::string(host().name()), fn]() mutable {
        auto it = bus.members[i].adapters.find(nsp);
        if (it != bus.members[i].adapters.end()) fn(*it->second);
      });
    }
  }
  Bus& bus_;
  std::size_t self_;
};

// The two ways the servers are joined.
struct FanOut {};
struct Threads {};

// Two servers, A and B, joined by the adapter of `Kind`.
template <class Kind>
struct Cluster {
  asio::io_context ioc_a, ioc_b;
  sio::transport::memory ta{ioc_a}, tb{ioc_b};
  Bus bus{{{&ta, {}}, {&tb, {}}}};
  sio::ThreadCluster threads;
  sio::ServerOptions options(std::size_t index) {
    sio::ServerOptions o;
    if constexpr (std::is_same_v<Kind, Threads>)
      o.adapter = threads.adapter(index == 0 ? ioc_a : ioc_b);
    else
      o.adapter = [this, index](sio::AdapterHost& host) { return std::make_unique<FanOutAdapter>(host, bus, index); };
    return o;
  }
  sio::Server<sio::transport::memory> a{ta, options(0)};
  sio::Server<sio::transport::memory> b{tb, options(1)};
  // Runs both servers until neither has anything left to do: what the transports post, and what
  // a ThreadCluster posts to their io_contexts.
  void settle() {
    for (;;) {
      std::size_t ran = ta.run_pending() + tb.run_pending();
      for (auto* ioc : {&ioc_a, &ioc_b}) {
        ioc->restart();
        ran += ioc->poll();
      }
      if (ran == 0) return;
    }
  }
};

}  // namespace

TEMPLATE_TEST_CASE("cluster: a room broadcast reaches the room's members on both servers, and local stays home", "", FanOut, Threads) {
  Cluster<TestType> k;
  for (auto* io : {&k.a, &k.b}) io->on("connection", [](sio::Socket s) { s.join("room"); });
  Client ca(k.ta), cb(k.tb), outsider(k.tb);
  ca.connect();
  cb.connect();
  k.b.on("connection", [](sio::Socket s) { s.leave("room"); });
  outsider.connect();
  k.settle();

  k.a.to("room").emit("news", "hi");
  k.settle();
  CHECK(ca.drain() == std::vector<std::string>{R"(42["news","hi"])"});
  CHECK(cb.drain() == std::vector<std::string>{R"(42["news","hi"])"});
  CHECK(outsider.drain().empty());

  k.a.local().emit("home");
  k.settle();
  CHECK(ca.drain() == std::vector<std::string>{R"(42["home"])"});
  CHECK(cb.drain().empty());
}

TEMPLATE_TEST_CASE("cluster: a broadcast with acks waits for the clients of both servers", "", FanOut, Threads) {
  Cluster<TestType> k;
  for (auto* io : {&k.a, &k.b}) io->on("connection", [](sio::Socket) {});
  Client ca(k.ta), cb(k.tb);
  ca.connect();
  cb.connect();
  k.settle();

  std::vector<std::string> got;
  bool done = false;
  std::error_code err;
  k.a.timeout(5s).emit("q", [&](std::error_code ec, std::vector<sio::Args> replies) {
    done = true;
    err = ec;
    for (auto& r : replies) got.push_back(r.get<std::string>(0));
  });
  k.settle();
  CHECK(ca.next() == std::string(R"(420["q"])"));
  CHECK(cb.next() == std::string(R"(420["q"])"));
  ca.send_text(R"(430["from a"])");
  k.settle();
  CHECK_FALSE(done);  // B's client has not answered yet
  cb.send_text(R"(430["from b"])");
  k.settle();
  CHECK(done);
  CHECK_FALSE(err);
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<std::string>{"from a", "from b"});
}

TEMPLATE_TEST_CASE("cluster: fetch_sockets finds both servers' sockets, which can be acted on from either", "", FanOut, Threads) {
  Cluster<TestType> k;
  k.a.on("connection", [](sio::Socket s) { s.set_shared_data(R"({"server":"a"})"); });
  k.b.on("connection", [](sio::Socket s) { s.set_shared_data(R"({"server":"b"})"); });
  Client ca(k.ta), cb(k.tb);
  std::string id_a = ca.connect();
  std::string id_b = cb.connect();
  k.settle();

  std::vector<sio::RemoteSocket> found;
  k.a.fetch_sockets([&](std::error_code ec, std::vector<sio::RemoteSocket> s) {
    CHECK_FALSE(ec);
    found = std::move(s);
  });
  k.settle();
  REQUIRE(found.size() == 2);
  CHECK(found[0].id() == id_a);
  CHECK(found[1].id() == id_b);
  CHECK(found[1].data() == R"({"server":"b"})");
  CHECK(found[1].rooms() == std::vector<std::string>{id_b});

  // From server A, on the socket of server B.
  found[1].emit("direct", 1);
  found[1].join("vip");
  k.settle();
  CHECK(cb.drain() == std::vector<std::string>{R"(42["direct",1])"});
  CHECK(k.b.sockets().socket(id_b).rooms() == std::vector<std::string>{id_b, "vip"});
  found[1].disconnect();
  k.settle();
  CHECK(cb.drain() == std::vector<std::string>{"41"});
  CHECK_FALSE(k.b.sockets().socket(id_b));
}

TEMPLATE_TEST_CASE("cluster: sockets_join and disconnect_sockets act on both servers", "", FanOut, Threads) {
  Cluster<TestType> k;
  for (auto* io : {&k.a, &k.b}) io->on("connection", [](sio::Socket) {});
  Client ca(k.ta), cb(k.tb);
  std::string id_a = ca.connect();
  std::string id_b = cb.connect();
  k.settle();

  k.b.sockets_join({"everyone"});
  k.settle();
  CHECK(k.a.sockets().socket(id_a).rooms() == std::vector<std::string>{id_a, "everyone"});
  CHECK(k.b.sockets().socket(id_b).rooms() == std::vector<std::string>{id_b, "everyone"});

  k.a.in("everyone").disconnect_sockets();
  k.settle();
  CHECK(ca.drain() == std::vector<std::string>{"41"});
  CHECK(cb.drain() == std::vector<std::string>{"41"});
  CHECK(k.a.sockets().size() == 0);
  CHECK(k.b.sockets().size() == 0);
}

TEMPLATE_TEST_CASE("cluster: server_side_emit reaches the other server's handlers, whose replies come back", "", FanOut, Threads) {
  Cluster<TestType> k;
  std::vector<std::string> heard_a, heard_b;
  k.a.sockets().on("hello", [&](sio::Args args) { heard_a.push_back(args.get<std::string>(0)); });
  k.b.sockets().on("hello", [&](sio::Args args, sio::Ack ack) {
    heard_b.push_back(args.get<std::string>(0));
    if (ack) ack("hi from b", sio::Binary("\x01\x02"));
  });

  k.a.server_side_emit("hello", "no reply wanted");
  k.settle();
  CHECK(heard_a.empty());
  CHECK(heard_b == std::vector<std::string>{"no reply wanted"});

  std::vector<std::string> replies;
  std::string bytes;
  k.a.server_side_emit("hello", "reply please", [&](std::error_code ec, std::vector<sio::Args> r) {
    CHECK_FALSE(ec);
    for (auto& a : r) {
      replies.push_back(a.get<std::string>(0));
      bytes = std::string(a.binary(1));
    }
  });
  k.settle();
  CHECK(heard_b.back() == "reply please");
  CHECK(replies == std::vector<std::string>{"hi from b"});
  CHECK(bytes == "\x01\x02");
}

TEST_CASE("ThreadCluster: a request another thread does not answer ends with timeout, or server_gone on close") {
  asio::io_context ioc_a, ioc_b;  // B's is never run: it never answers
  sio::transport::memory ta{ioc_a}, tb{ioc_b};
  sio::ThreadClusterOptions cluster_options;
  cluster_options.requests_timeout = 50ms;
  std::vector<std::string> logged;
  cluster_options.logger = [&](sio::LogLevel, std::string_view line) { logged.emplace_back(line); };
  sio::ThreadCluster cluster(cluster_options);
  sio::ServerOptions oa, ob;
  oa.adapter = cluster.adapter(ioc_a);
  ob.adapter = cluster.adapter(ioc_b);
  sio::Server<sio::transport::memory> a{ta, oa}, b{tb, ob};
  CHECK(cluster.size() == 2);

  std::optional<std::error_code> fetched, replied;
  a.fetch_sockets([&](std::error_code ec, std::vector<sio::RemoteSocket>) { fetched = ec; });
  a.server_side_emit("hello", [&](std::error_code ec, std::vector<sio::Args>) { replied = ec; });
  // Events, not time: the timers of the requests are the only work of A's io_context.
  while (!(fetched && replied) && (ta.run_pending() > 0 || ioc_a.run_one_for(5s) > 0)) {
  }
  CHECK(fetched == std::optional<std::error_code>(sio::error::timeout));
  INFO("server_side_emit: " << (replied ? replied->message() : std::string("no answer")));
  CHECK(replied == std::optional<std::error_code>(sio::error::timeout));
  REQUIRE(logged.size() == 2);
  CHECK(logged[0].find("0 of 1 other threads answered in time") != std::string::npos);

  fetched.reset();
  a.fetch_sockets([&](std::error_code ec, std::vector<sio::RemoteSocket>) { fetched = ec; });
  a.close();
  ta.run_pending();
  ioc_a.restart();
  while (!fetched && (ta.run_pending() > 0 || ioc_a.run_one_for(5s) > 0)) {
  }
  CHECK(fetched == std::optional<std::error_code>(sio::error::server_gone));
}
