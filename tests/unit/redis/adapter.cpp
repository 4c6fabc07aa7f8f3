// Two sio servers joined through a real redis-server by sio::redis::Cluster: broadcasts cross
// between them in the wire format of @socket.io/redis-adapter 8.
#include "sio/redis/adapter.hpp"

#include <asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "sio/protocol/msgpack.hpp"
#include "sio/redis/connection.hpp"
#include "sio/server.hpp"
#include "sio/transport/memory.hpp"
#include "support/redis_server.hpp"
#include "unit/redis/cluster_pair.hpp"
#include "unit/support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;
using sio::test::cluster_options;
using sio::test::frames;
using sio::test::unhex;
using Pair = sio::test::ClusterPair;

namespace {

// notepack.encode(["abc123", {type: 2, data: ["chat", "hello", {n: 1}], nsp: "/"},
//                  {rooms: ["r1"], except: [], flags: {}}]): what a Node server with
// @socket.io/redis-adapter 8.3 publishes for io.to("r1").emit("chat", "hello", {n: 1}).
const char* const node_room_broadcast =
    "93a661626331323383a47479706502a46461746193a463686174a568656c6c6f81a16e01a36e7370a12f83a5726f6f6d7391a27231a665"
    "786365707490a5666c61677380";
// What @socket.io/redis-emitter 5 publishes for io.of("/chat").emit("e", Buffer.from([7])).
const char* const emitter_binary_broadcast =
    "93a7656d697474657283a47479706502a46461746192a165c40107a36e7370a52f6368617483a5726f6f6d7390a5666c61677380a66578"
    "6365707490";

}  // namespace

TEST_CASE("redis::Cluster: broadcasts reach the clients of both servers, rooms and except included") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis);
  for (auto* io : {&p.a, &p.b}) io->on("connection", [](sio::Socket s) {
    s.on("join", [s](sio::Args args) mutable { s.join(args.get<std::string>(0)); });
  });
  Client a1(p.ta), b1(p.tb), b2(p.tb);
  a1.connect();
  const std::string b1_id = b1.connect();
  b2.connect();
  a1.send_text(R"(42["join","red"])");
  b1.send_text(R"(42["join","red"])");
  p.ready();

  // To everyone, from A.
  p.a.emit("all", 1);
  for (auto* c : {&a1, &b1, &b2}) CHECK(frames(p, *c, 1) == std::vector<std::string>{R"(42["all",1])"});

  // To one room, from B: A's member gets it through the room's own channel.
  p.b.to("red").emit("room", "x");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["room","x"])"});
  CHECK(frames(p, b1, 1) == std::vector<std::string>{R"(42["room","x"])"});

  // Except a socket of the other server.
  p.a.to("red").except(b1_id).emit("most");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["most"])"});
  // Everything B sends from now on is ordered after the broadcast above (one Redis connection):
  // a marker that reaches b1 shows that "most" did not.
  p.a.to(b1_id).emit("marker");
  CHECK(frames(p, b1, 1) == std::vector<std::string>{R"(42["marker"])"});
  CHECK(b2.drain().empty());

  // local: this server only.
  p.b.local().emit("home");
  CHECK(frames(p, b2, 1) == std::vector<std::string>{R"(42["home"])"});
  p.b.emit("after");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["after"])"});
}

TEST_CASE("redis::Cluster: binary arguments cross as msgpack bin and arrive as attachments") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis);
  for (auto* io : {&p.a, &p.b}) io->on("connection", [](sio::Socket) {});
  Client b1(p.tb);
  b1.connect();
  p.ready();

  p.a.emit("file", sio::Binary{std::string("\x00\x01\xff", 3)}, "name");
  const auto got = frames(p, b1, 2);
  REQUIRE(got.size() == 2);
  CHECK(got[0] == R"(451-["file",{"_placeholder":true,"num":0},"name"])");
  CHECK(got[1] == std::string("\x00\x01\xff", 3));
}

TEST_CASE("redis::Cluster: reads what @socket.io/redis-adapter and redis-emitter publish") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis);
  p.a.on("connection", [](sio::Socket s) { s.join("r1"); });
  p.a.of("/chat").on("connection", [](sio::Socket) {});
  Client a1(p.ta), a2(p.ta);
  a1.connect();
  a2.connect("/chat");
  p.ready();
  sio::redis::Connection node(p.ioc, p.cluster_a.options().redis);
  node.start();
  REQUIRE(p.run_until([&] { return node.up(); }));
  auto publish = [&](const std::string& channel, const std::string& bytes) {
    bool done = false;
    node.command({"PUBLISH", channel, bytes}, [&](std::error_code, sio::redis::Reply) { done = true; });
    REQUIRE(p.run_until([&] { return done; }));
  };

  // A Node server's io.to("r1").emit(...), on the room's channel.
  publish("socket.io#/#r1#", unhex(node_room_broadcast));
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["chat","hello",{"n":1}])"});

  // redis-emitter's io.of("/chat").emit("e", <Buffer 07>): binary, on /chat.
  publish("socket.io#/chat#",
          unhex(emitter_binary_broadcast));
  const auto got = frames(p, a2, 2);
  REQUIRE(got.size() == 2);
  CHECK(got[0] == R"(451-/chat,["e",{"_placeholder":true,"num":0}])");
  CHECK(got[1] == std::string("\x07"));

  // Unreadable messages are dropped with a log line; the server goes on.
  publish("socket.io#/#", "not msgpack");
  REQUIRE(p.run_until([&] {
    for (const auto& l : p.log)
      if (l.find("redis: ignored a message of 11 bytes on socket.io#/#") != std::string::npos) return true;
    return false;
  }));
  p.a.emit("still");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["still"])"});
}

TEST_CASE("redis::Cluster: what sio publishes is what @socket.io/redis-adapter publishes") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis);
  sio::redis::Connection listener(p.ioc, p.cluster_a.options().redis);
  std::vector<std::pair<std::string, std::string>> got;
  listener.on_message([&](std::string_view channel, std::string_view, std::string_view payload) {
    got.emplace_back(channel, payload);
  });
  bool subscribed = false;
  listener.on_subscribed([&](std::string_view, std::string_view) { subscribed = true; });
  listener.psubscribe("socket.io#*");
  listener.start();
  p.a.on("connection", [](sio::Socket) {});
  p.ready();
  REQUIRE(p.run_until([&] { return subscribed; }));

  p.a.to("r1").emit("chat", "hello", sio::object{{"n", 1}});
  REQUIRE(p.run_until([&] { return got.size() == 1; }));
  CHECK(got[0].first == "socket.io#/#r1#");
  // The same message as Node's, but for the uid (6 characters of its own).
  const std::string node_bytes = unhex(node_room_broadcast);
  REQUIRE(got[0].second.size() == node_bytes.size());
  CHECK(got[0].second.substr(0, 2) == node_bytes.substr(0, 2));
  CHECK(got[0].second.substr(8) == node_bytes.substr(8));
}

TEST_CASE("redis::Cluster: while Redis is away each server serves its own clients, and crosses again after") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis);
  for (auto* io : {&p.a, &p.b}) io->on("connection", [](sio::Socket) {});
  Client a1(p.ta), b1(p.tb);
  a1.connect();
  b1.connect();
  p.ready();

  redis.stop();
  REQUIRE(p.run_until([&] { return !p.cluster_a.up() && !p.cluster_b.up(); }));
  p.a.emit("alone");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["alone"])"});
  REQUIRE(p.run_until([&] {
    for (const auto& l : p.log)
      if (l.find("a broadcast of / did not reach the other servers: cluster unavailable") != std::string::npos)
        return true;
    return false;
  }));
  CHECK(b1.drain().empty());

  REQUIRE(redis.start(error));
  p.ready();
  p.a.emit("together");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["together"])"});
  CHECK(frames(p, b1, 1) == std::vector<std::string>{R"(42["together"])"});
}

TEST_CASE("redis::Cluster: on_state tells when it is up and down, and close() ends it") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis);
  std::vector<bool> states;
  p.cluster_a.on_state([&](bool up) { states.push_back(up); });
  p.ready();
  CHECK(states == std::vector<bool>{true});
  // Told at once when it is already up.
  std::vector<bool> late;
  p.cluster_a.on_state([&](bool up) { late.push_back(up); });
  CHECK(late == std::vector<bool>{true});

  redis.stop();
  REQUIRE(p.run_until([&] { return late.size() == 2; }));
  CHECK(late == std::vector<bool>{true, false});
  REQUIRE(redis.start(error));
  REQUIRE(p.run_until([&] { return late.size() == 3; }));
  CHECK(late.back());

  // Closed: down for good, even with Redis there.
  p.cluster_a.close();
  REQUIRE(p.run_until([&] { return late.size() == 4; }));
  CHECK_FALSE(late.back());
  CHECK_FALSE(p.cluster_a.up());
  CHECK(p.run_until([&] { return p.cluster_b.up(); }));  // the other one is back on its own
}

TEST_CASE("redis::Cluster: server count, fetch_sockets, sockets_join and disconnect_sockets span both servers") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis);
  p.a.on("connection", [](sio::Socket s) { s.set_shared_data(R"({"server":"a"})"); });
  p.b.on("connection", [](sio::Socket s) {
    s.set_shared_data(R"({"server":"b"})");
    s.join("b-room");
  });
  Client a1(p.ta), b1(p.tb, "/socket.io/", {}, "&token=t1");
  const std::string id_a = a1.connect();
  const std::string id_b = b1.connect("/", R"({"user":"bee"})");
  p.ready();

  std::size_t count = 0;
  p.a.sockets().adapter().server_count([&](std::size_t n) { count = n; });
  REQUIRE(p.run_until([&] { return count != 0; }));
  CHECK(count == 2);

  std::vector<sio::RemoteSocket> found;
  bool fetched = false;
  p.a.fetch_sockets([&](std::error_code ec, std::vector<sio::RemoteSocket> s) {
    CHECK_FALSE(ec);
    found = std::move(s);
    fetched = true;
  });
  REQUIRE(p.run_until([&] { return fetched; }));
  REQUIRE(found.size() == 2);
  std::sort(found.begin(), found.end(), [&](const auto& x, const auto&) { return x.id() == id_a; });
  CHECK(found[0].id() == id_a);
  CHECK(found[0].data() == R"({"server":"a"})");
  const auto& remote = found[1].details();
  CHECK(remote.id == id_b);
  CHECK(remote.data == R"({"server":"b"})");
  CHECK(remote.rooms == std::vector<std::string>{id_b, "b-room"});
  CHECK(remote.handshake.auth == R"({"user":"bee"})");
  CHECK(remote.handshake.query.find("token=t1") != std::string::npos);
  CHECK(remote.handshake.url.rfind("/socket.io/?", 0) == 0);

  // A room of the other server only.
  fetched = false;
  p.a.in("b-room").fetch_sockets([&](std::error_code ec, std::vector<sio::RemoteSocket> s) {
    CHECK_FALSE(ec);
    found = std::move(s);
    fetched = true;
  });
  REQUIRE(p.run_until([&] { return fetched; }));
  REQUIRE(found.size() == 1);
  CHECK(found[0].id() == id_b);

  // From A, on B's socket.
  found[0].emit("direct", 1);
  CHECK(frames(p, b1, 1) == std::vector<std::string>{R"(42["direct",1])"});

  p.b.sockets_join({"everyone"});
  REQUIRE(p.run_until([&] { return p.a.sockets().socket(id_a) && p.a.sockets().socket(id_a).rooms().size() == 2; }));
  CHECK(p.a.sockets().socket(id_a).rooms() == std::vector<std::string>{id_a, "everyone"});
  p.b.in("everyone").sockets_leave(std::string("everyone"));
  REQUIRE(p.run_until([&] { return p.a.sockets().socket(id_a).rooms().size() == 1; }));

  p.a.in("b-room").disconnect_sockets();
  CHECK(frames(p, b1, 1) == std::vector<std::string>{"41"});
  CHECK(a1.drain().empty());
}

TEST_CASE("redis::Cluster: server_side_emit and broadcasts with acks collect the other server's replies") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis);
  std::vector<std::string> heard_a, heard_b;
  p.a.sockets().on("hello", [&](sio::Args args) { heard_a.push_back(args.get<std::string>(0)); });
  p.b.sockets().on("hello", [&](sio::Args args, sio::Ack ack) {
    heard_b.push_back(args.get<std::string>(0));
    if (ack) ack("hi from b");
  });
  for (auto* io : {&p.a, &p.b}) io->on("connection", [](sio::Socket) {});
  Client a1(p.ta), b1(p.tb);
  a1.connect();
  b1.connect();
  p.ready();

  p.a.server_side_emit("hello", "no reply wanted");
  REQUIRE(p.run_until([&] { return heard_b.size() == 1; }));
  CHECK(heard_b[0] == "no reply wanted");
  CHECK(heard_a.empty());  // not to itself

  std::vector<std::string> replies;
  bool done = false;
  p.a.server_side_emit("hello", "reply please", [&](std::error_code ec, std::vector<sio::Args> r) {
    CHECK_FALSE(ec);
    for (auto& a : r) replies.push_back(a.get<std::string>(0));
    done = true;
  });
  REQUIRE(p.run_until([&] { return done; }));
  CHECK(replies == std::vector<std::string>{"hi from b"});

  // A broadcast with acks: each client answers, on either server.
  std::vector<std::string> answers;
  done = false;
  p.a.timeout(5s).emit("q", [&](std::error_code ec, std::vector<sio::Args> r) {
    CHECK_FALSE(ec);
    for (auto& a : r) answers.push_back(a.get<std::string>(0));
    done = true;
  });
  const auto qa = frames(p, a1, 1);
  const auto qb = frames(p, b1, 1);
  REQUIRE(qa.size() == 1);
  REQUIRE(qb.size() == 1);
  // "42<id>["q"]": answer each with its own id.
  auto answer = [](Client& c, const std::string& frame, const std::string& text) {
    const std::string id = frame.substr(2, frame.find('[') - 2);
    c.send_text("43" + id + "[\"" + text + "\"]");
  };
  answer(a1, qa[0], "from a");
  answer(b1, qb[0], "from b");
  REQUIRE(p.run_until([&] { return done; }));
  std::sort(answers.begin(), answers.end());
  CHECK(answers == std::vector<std::string>{"from a", "from b"});
}

TEST_CASE("redis::Cluster: a server that does not answer makes requests time out, with what came") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  asio::io_context ioc;
  auto options = cluster_options(redis);
  options.requests_timeout = 200ms;
  sio::redis::Cluster cluster(ioc, options);
  sio::transport::memory t(ioc);
  sio::ServerOptions so;
  so.adapter = cluster.adapter();
  sio::Server<sio::transport::memory> io(t, so);
  io.on("connection", [](sio::Socket) {});
  Client c(t);
  const std::string id = c.connect();
  // A mute server: subscribed to the requests of "/", it never answers.
  sio::redis::Connection mute(ioc, options.redis);
  bool subscribed = false;
  mute.on_subscribed([&](std::string_view, std::string_view) { subscribed = true; });
  mute.subscribe("socket.io-request#/#");
  mute.start();
  auto run_until = [&](auto done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done() && std::chrono::steady_clock::now() < deadline) {
      t.run_pending();
      if (ioc.stopped()) ioc.restart();
      ioc.run_one_for(5ms);
    }
    return done();
  };
  REQUIRE(run_until([&] { return subscribed && cluster.up(); }));

  std::error_code ec;
  std::vector<sio::RemoteSocket> found;
  bool done = false;
  io.fetch_sockets([&](std::error_code e, std::vector<sio::RemoteSocket> s) {
    ec = e;
    found = std::move(s);
    done = true;
  });
  REQUIRE(run_until([&] { return done; }));
  CHECK(ec == sio::error::timeout);
  REQUIRE(found.size() == 1);  // this server's own
  CHECK(found[0].id() == id);

  done = false;
  io.server_side_emit("anyone", [&](std::error_code e, std::vector<sio::Args> r) {
    ec = e;
    CHECK(r.empty());
    done = true;
  });
  REQUIRE(run_until([&] { return done; }));
  CHECK(ec == sio::error::timeout);

  // A request still waiting for the other servers when the server closes completes, with
  // server_gone (the sharded test closes while the servers are counted).
  bool asked = false;
  mute.on_message([&](std::string_view, std::string_view, std::string_view) { asked = true; });
  done = false;
  io.fetch_sockets([&](std::error_code e, std::vector<sio::RemoteSocket>) {
    ec = e;
    done = true;
  });
  REQUIRE(run_until([&] { return asked; }));
  CHECK_FALSE(done);
  io.close();
  REQUIRE(run_until([&] { return done; }));
  CHECK(ec == sio::error::server_gone);
}

TEST_CASE("redis::Cluster: publish_on_specific_response_channel answers on the asker's own channel") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis, [](sio::redis::ClusterOptions& o) { o.publish_on_specific_response_channel = true; });
  p.b.sockets().on("ping", [](sio::Args, sio::Ack ack) {
    if (ack) ack("pong");
  });
  p.b.on("connection", [](sio::Socket) {});
  Client b1(p.tb);
  const std::string id_b = b1.connect();
  p.ready();
  // Every answer, on whichever response channel.
  sio::redis::Connection listener(p.ioc, p.cluster_a.options().redis);
  std::vector<std::string> channels;
  bool listening = false;
  listener.on_message([&](std::string_view channel, std::string_view, std::string_view) { channels.emplace_back(channel); });
  listener.on_subscribed([&](std::string_view, std::string_view) { listening = true; });
  listener.psubscribe("socket.io-response#/#*");
  listener.start();
  REQUIRE(p.run_until([&] { return listening; }));

  std::vector<sio::RemoteSocket> found;
  bool fetched = false;
  p.a.fetch_sockets([&](std::error_code ec, std::vector<sio::RemoteSocket> s) {
    CHECK_FALSE(ec);
    found = std::move(s);
    fetched = true;
  });
  REQUIRE(p.run_until([&] { return fetched; }));
  REQUIRE(found.size() == 1);
  CHECK(found[0].id() == id_b);

  std::vector<std::string> replies;
  bool replied = false;
  p.a.server_side_emit("ping", [&](std::error_code ec, std::vector<sio::Args> r) {
    CHECK_FALSE(ec);
    for (auto& a : r) replies.push_back(a.get<std::string>(0));
    replied = true;
  });
  REQUIRE(p.run_until([&] { return replied && channels.size() >= 2; }));
  CHECK(replies == std::vector<std::string>{"pong"});
  // Both answers went to A's own channel, none to the shared one.
  REQUIRE(channels.size() == 2);
  for (const auto& c : channels) {
    CHECK(c.rfind("socket.io-response#/#", 0) == 0);
    CHECK(c.size() > std::string("socket.io-response#/#").size());
    CHECK(c.back() == '#');
  }
  CHECK(channels[0] == channels[1]);
}
