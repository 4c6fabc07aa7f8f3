#include "sio/adapter/adapter.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/args.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/server.hpp"
#include "sio/transport/memory.hpp"
#include "unit/support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;

namespace {

// What a multi-server adapter is asked to forward, with the options it gets.
struct Forwarded {
  std::string op;
  sio::BroadcastOptions opts;
  std::string payload;  // the packet's JSON payload, when there is one
  std::vector<std::string> rooms;
  bool close = false;
};

// A custom adapter (not the in-memory one's behaviour: it forwards): it records every operation
// that reaches the seam's hooks, answers like one other server would, and keeps this server's
// part to InMemoryAdapter.
struct RecordingAdapter final : sio::InMemoryAdapter {
  RecordingAdapter(sio::AdapterHost& host, std::vector<Forwarded>& log) : InMemoryAdapter(host), log_(log) {}
  void init() override { log_.push_back({"init " + std::string(host().name()), {}, {}, {}, false}); }
  void close() override { log_.push_back({"close " + std::string(host().name()), {}, {}, {}, false}); }
  void server_count(std::function<void(std::size_t)> done) override { done(2); }

 protected:
  void forward_broadcast(const sio::protocol::OutgoingPacket& p, const sio::BroadcastOptions& o) override {
    log_.push_back({"broadcast", o, std::string(p.payload()), {}, false});
  }
  void forward_broadcast_with_ack(const sio::protocol::OutgoingPacket& p, const sio::BroadcastOptions& o,
                                  const CountHandler& on_count, const ReplyHandler& on_reply) override {
    log_.push_back({"broadcast_with_ack", o, std::string(p.payload()), {}, false});
    // The other server reached one client, which answered "remote".
    on_count(1);
    sio::protocol::OutgoingPacket reply(sio::protocol::PacketType::ack, "/", p.id(), R"(["remote"])");
    sio::Args a(reply.decoded(), 0);
    on_reply({}, a);
  }
  void forward_fetch_sockets(const sio::BroadcastOptions& o, FetchHandler done) override {
    log_.push_back({"fetch_sockets", o, {}, {}, false});
    sio::SocketDetails remote;
    remote.id = "remote-socket-id-0000";
    remote.rooms = {remote.id, "r1"};
    remote.data = R"({"from":"elsewhere"})";
    done({}, {remote});
  }
  void forward_add_sockets(const sio::BroadcastOptions& o, const std::vector<sio::Room>& rooms) override {
    log_.push_back({"add_sockets", o, {}, rooms, false});
  }
  void forward_del_sockets(const sio::BroadcastOptions& o, const std::vector<sio::Room>& rooms) override {
    log_.push_back({"del_sockets", o, {}, rooms, false});
  }
  void forward_disconnect_sockets(const sio::BroadcastOptions& o, bool close) override {
    log_.push_back({"disconnect_sockets", o, {}, {}, close});
  }
  void forward_server_side_emit(const sio::protocol::OutgoingPacket& p, RepliesHandler replies,
                                std::optional<std::chrono::milliseconds>) override {
    log_.push_back({replies ? "server_side_emit_with_ack" : "server_side_emit", {}, std::string(p.payload()), {}, false});
    if (!replies) return;
    sio::protocol::OutgoingPacket reply(sio::protocol::PacketType::ack, "/", std::nullopt, R"(["pong"])");
    replies({}, {sio::Args(reply.decoded(), 0)});
  }

 private:
  std::vector<Forwarded>& log_;
};

struct Fixture {
  asio::io_context ioc;
  sio::transport::memory t{ioc};
  std::vector<Forwarded> log;
  sio::ServerOptions options() {
    sio::ServerOptions o;
    o.adapter = [this](sio::AdapterHost& host) { return std::make_unique<RecordingAdapter>(host, log); };
    return o;
  }
  std::vector<std::string> ops() {
    std::vector<std::string> out;
    for (auto& f : log) out.push_back(f.op);
    return out;
  }
};

}  // namespace

TEST_CASE("a custom adapter is initialised per namespace and closed with the server") {
  Fixture f;
  {
    sio::Server<sio::transport::memory> io(f.t, f.options());
    io.of("/news");
    CHECK(f.ops() == std::vector<std::string>{"init /", "init /news"});
    io.close();
    CHECK(f.ops() == std::vector<std::string>{"init /", "init /news", "close /", "close /news"});
  }
  // The server's end closes nothing twice.
  CHECK(f.log.size() == 4);
}

TEST_CASE("broadcasts reach the adapter's hooks with their rooms, exclusions and flags, local ones do not") {
  Fixture f;
  sio::Server<sio::transport::memory> io(f.t, f.options());
  sio::Socket sock;
  io.on("connection", [&](sio::Socket s) { sock = s; });
  Client c(f.t);
  c.connect();
  f.log.clear();

  CHECK(io.to("r1").except("r2").volatile_().compress(false).emit("news", 1) == 0);
  REQUIRE(f.log.size() == 1);
  CHECK(f.log[0].op == "broadcast");
  CHECK(f.log[0].payload == R"(["news",1])");
  CHECK(f.log[0].opts.rooms == std::vector<std::string>{"r1"});
  CHECK(f.log[0].opts.except == std::vector<std::string>{"r2"});
  CHECK(f.log[0].opts.volatile_);
  CHECK_FALSE(f.log[0].opts.compress);
  CHECK_FALSE(f.log[0].opts.local);

  // socket.broadcast leaves the sender out by its own room.
  sock.broadcast().emit("hi");
  CHECK(f.log.back().opts.except == std::vector<std::string>{sock.id()});

  // `local` stays on this server: the seam does not call the hook.
  f.log.clear();
  CHECK(io.local().emit("here") == 1);
  io.local().sockets_join("x");
  io.local().sockets_leave("x");
  io.local().fetch_sockets([](std::error_code, std::vector<sio::RemoteSocket>) {});
  io.local().disconnect_sockets();
  CHECK(f.log.empty());
}

TEST_CASE("a broadcast with acks counts and collects the replies the adapter forwards") {
  Fixture f;
  sio::Server<sio::transport::memory> io(f.t, f.options());
  io.on("connection", [](sio::Socket) {});
  Client c(f.t);
  c.connect();
  f.log.clear();

  std::vector<std::string> got;
  std::error_code err = sio::error::invalid_payload;
  auto receivers = io.timeout(1s).emit("q", 7, [&](std::error_code ec, std::vector<sio::Args> replies) {
    err = ec;
    for (auto& r : replies) got.push_back(r.get<std::string>(0));
  });
  CHECK(receivers == 2);  // one here, one counted by the other server
  REQUIRE(f.log.size() == 1);
  CHECK(f.log[0].op == "broadcast_with_ack");
  REQUIRE(f.log[0].opts.timeout);
  CHECK(*f.log[0].opts.timeout == 1s);
  CHECK(c.next() == std::string(R"(420["q",7])"));
  CHECK(got.empty());  // the local client has not answered yet
  c.send_text(R"(430["local"])");
  CHECK_FALSE(err);
  CHECK(got == std::vector<std::string>{"remote", "local"});
}

TEST_CASE("fetch_sockets merges this server's sockets with the ones the adapter finds elsewhere") {
  Fixture f;
  sio::Server<sio::transport::memory> io(f.t, f.options());
  io.on("connection", [](sio::Socket s) {
    s.join("r1");
    s.set_shared_data(R"({"from":"here"})");
  });
  Client c(f.t, "/socket.io/", {{"X-Who", "tester"}}, "&k=v");
  std::string id = c.connect("/", R"({"token":"t"})");
  f.log.clear();

  std::vector<sio::RemoteSocket> found;
  io.in("r1").fetch_sockets([&](std::error_code ec, std::vector<sio::RemoteSocket> s) {
    CHECK_FALSE(ec);
    found = std::move(s);
  });
  f.t.run_pending();
  REQUIRE(f.log.size() == 1);
  CHECK(f.log[0].op == "fetch_sockets");
  CHECK(f.log[0].opts.rooms == std::vector<std::string>{"r1"});
  REQUIRE(found.size() == 2);
  CHECK(found[0].id() == id);
  CHECK(found[0].rooms() == std::vector<std::string>{id, "r1"});
  CHECK(found[0].data() == R"({"from":"here"})");
  CHECK(found[0].handshake().auth == R"({"token":"t"})");
  CHECK(found[0].handshake().query.find("k=v") != std::string::npos);
  CHECK(found[1].id() == "remote-socket-id-0000");
  CHECK(found[1].data() == R"({"from":"elsewhere"})");

  // Acting on a fetched socket goes through the adapter, as an operation on the room of its id.
  f.log.clear();
  found[1].emit("hello", 1);
  found[1].join("r9");
  found[1].leave("r9");
  found[1].disconnect(true);
  CHECK(f.ops() == std::vector<std::string>{"broadcast", "add_sockets", "del_sockets", "disconnect_sockets"});
  for (auto& fw : f.log) CHECK(fw.opts.rooms == std::vector<std::string>{"remote-socket-id-0000"});
  CHECK(f.log[1].rooms == std::vector<std::string>{"r9"});
  CHECK(f.log[3].close);
  // The local one is reached here.
  found[0].emit("hello", 2);
  CHECK(c.next() == std::string(R"(42["hello",2])"));
}

TEST_CASE("sockets_join, sockets_leave and disconnect_sockets go through the adapter") {
  Fixture f;
  sio::Server<sio::transport::memory> io(f.t, f.options());
  io.on("connection", [](sio::Socket) {});
  Client c(f.t);
  c.connect();
  f.log.clear();
  io.in("a").except("b").sockets_join("j");
  io.sockets_leave({"l1", "l2"});
  io.to("z").disconnect_sockets(true);
  REQUIRE(f.ops() == std::vector<std::string>{"add_sockets", "del_sockets", "disconnect_sockets"});
  CHECK(f.log[0].opts.rooms == std::vector<std::string>{"a"});
  CHECK(f.log[0].opts.except == std::vector<std::string>{"b"});
  CHECK(f.log[0].rooms == std::vector<std::string>{"j"});
  CHECK(f.log[1].rooms == std::vector<std::string>{"l1", "l2"});
  CHECK(f.log[2].opts.rooms == std::vector<std::string>{"z"});
  CHECK(f.log[2].close);
  CHECK_FALSE(c.closed());
}

TEST_CASE("server_side_emit reaches the adapter, with and without replies") {
  Fixture f;
  sio::Server<sio::transport::memory> io(f.t, f.options());
  bool local_heard = false;
  io.sockets().on("ping", [&](sio::Args) { local_heard = true; });
  f.log.clear();
  io.server_side_emit("ping", 1, "two");
  REQUIRE(f.log.size() == 1);
  CHECK(f.log[0].op == "server_side_emit");
  CHECK(f.log[0].payload == R"(["ping",1,"two"])");
  CHECK_FALSE(local_heard);  // as in Node: the other servers hear it, not this one

  std::vector<std::string> replies;
  io.server_side_emit("ping", [&](std::error_code ec, std::vector<sio::Args> r) {
    CHECK_FALSE(ec);
    for (auto& a : r) replies.push_back(a.get<std::string>(0));
  });
  CHECK(f.log.back().op == "server_side_emit_with_ack");
  CHECK(replies.empty());  // never inside the call
  f.t.run_pending();
  CHECK(replies == std::vector<std::string>{"pong"});
}

TEST_CASE("the in-memory adapter alone: one server, no other to reach") {
  asio::io_context ioc;
  sio::transport::memory t(ioc);
  sio::Server<sio::transport::memory> io(t);
  std::size_t servers = 0;
  io.sockets().adapter().server_count([&](std::size_t n) { servers = n; });
  CHECK(servers == 1);
  bool called = false;
  io.server_side_emit("x", [&](std::error_code ec, std::vector<sio::Args> r) {
    called = true;
    CHECK_FALSE(ec);
    CHECK(r.empty());
  });
  t.run_pending();
  CHECK(called);
}
