// Two sio servers joined through a real redis-server by sio::redis::Cluster in sharded mode
// (ClusterOptions::sharded): everything crosses between them in the wire format of
// @socket.io/redis-adapter 8.3's createShardedAdapter, and what a Node server publishes is read.
#include "sio/redis/adapter.hpp"

#include <asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "sio/redis/connection.hpp"
#include "sio/server.hpp"
#include "sio/transport/memory.hpp"
#include "support/redis_server.hpp"
#include "unit/redis/cluster_pair.hpp"
#include "unit/support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::redis::SubscriptionMode;
using sio::test::Client;
using sio::test::frames;
using sio::test::unhex;
using Pair = sio::test::ClusterPair;

namespace {

// What a Node server with createShardedAdapter publishes (JSON.stringify and notepack.encode of
// ClusterAdapter's messages, from a server whose uid is 0123456789abcdef):
// io.to("red").emit("chat", "hello", {n: 1}), on socket.io#/#red#.
const char* const node_room_broadcast =
    R"({"type":3,"data":{"packet":{"type":2,"data":["chat","hello",{"n":1}],"nsp":"/"},)"
    R"("opts":{"rooms":["red"],"except":[],"flags":{}}},"uid":"0123456789abcdef","nsp":"/"})";
// io.emit("file", Buffer.from([1, 2, 255]), "name"): binary, so msgpack.
const char* const node_binary_broadcast =
    "84a47479706503a46461746182a67061636b657483a47479706502a46461746193a466696c65c4030102ffa46e616d65a36e7370a12fa46f"
    "70747383a5726f6f6d7390a665786365707490a5666c61677380a3756964b030313233343536373839616263646566a36e7370a12f";

std::function<void(sio::redis::ClusterOptions&)> sharded(SubscriptionMode mode = SubscriptionMode::dynamic) {
  return [mode](sio::redis::ClusterOptions& o) {
    o.sharded = true;
    o.subscription_mode = mode;
  };
}

// A connection of the test's own, for commands.
struct Commands {
  explicit Commands(Pair& p) : p(p), c(p.ioc, p.cluster_a.options().redis) {
    c.start();
    REQUIRE(p.run_until([&] { return c.up(); }));
  }
  sio::redis::Reply run(std::vector<std::string> command) {
    sio::redis::Reply reply;
    bool done = false;
    c.command(std::move(command), [&](std::error_code ec, sio::redis::Reply r) {
      if (ec) FAIL("a command failed: " << ec.message());
      reply = std::move(r);
      done = true;
    });
    REQUIRE(p.run_until([&] { return done; }));
    return reply;
  }
  void spublish(const std::string& channel, const std::string& bytes) {
    CHECK(run({"SPUBLISH", channel, bytes}).type == sio::redis::Reply::Type::integer);
  }
  // PUBSUB SHARDNUMSUB of `channel`.
  long long subscribers(const std::string& channel) {
    const auto r = run({"PUBSUB", "SHARDNUMSUB", channel});
    return r.elements.size() == 2 ? r.elements[1].integer : -1;
  }
  // Asks until `channel` has `n` subscribers (for 10 s at most): subscriptions are confirmed to
  // their subscriber, not to the others.
  bool subscribers_become(const std::string& channel, long long n) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (subscribers(channel) != n)
      if (std::chrono::steady_clock::now() >= deadline) return false;
    return true;
  }
  Pair& p;
  sio::redis::Connection c;
};

// A connection that SSUBSCRIBEs to channels and keeps what comes.
struct Listener {
  Listener(Pair& p, const std::vector<std::string>& channels) : p(p), c(p.ioc, p.cluster_a.options().redis) {
    c.on_message([this](std::string_view channel, std::string_view, std::string_view payload) {
      got.emplace_back(channel, payload);
    });
    c.on_subscribed([this](std::string_view, std::string_view) { ++confirmed; });
    for (const auto& ch : channels) c.ssubscribe(ch);
    c.start();
    REQUIRE(p.run_until([&] { return confirmed == channels.size(); }));
  }
  // The next message (channel, payload).
  std::pair<std::string, std::string> next() {
    REQUIRE(p.run_until([&] { return !got.empty(); }));
    auto m = std::move(got.front());
    got.erase(got.begin());
    return m;
  }
  Pair& p;
  sio::redis::Connection c;
  std::vector<std::pair<std::string, std::string>> got;
  std::size_t confirmed = 0;
};

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document d;
  d.Parse(json.c_str(), json.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

// "42<id>[...]" answered with `text`.
void answer(Client& c, const std::string& frame, const std::string& text) {
  const std::string id = frame.substr(2, frame.find('[') - 2);
  c.send_text("43" + id + "[\"" + text + "\"]");
}

}  // namespace

TEST_CASE("redis::Cluster sharded: broadcasts reach both servers, rooms through their own channels") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis, sharded());
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
  Commands redis_cli(p);
  REQUIRE(redis_cli.subscribers_become("socket.io#/#red#", 2));

  p.a.emit("all", 1);
  for (auto* c : {&a1, &b1, &b2}) CHECK(frames(p, *c, 1) == std::vector<std::string>{R"(42["all",1])"});

  p.b.to("red").emit("room", "x");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["room","x"])"});
  CHECK(frames(p, b1, 1) == std::vector<std::string>{R"(42["room","x"])"});

  // Except a socket of the other server. One Redis and one publisher: what A publishes next
  // reaches B after it, so a marker that reaches b1 shows that "most" did not.
  p.a.to("red").except(b1_id).emit("most");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["most"])"});
  p.a.to(b1_id).emit("marker");
  CHECK(frames(p, b1, 1) == std::vector<std::string>{R"(42["marker"])"});
  CHECK(b2.drain().empty());

  // Several rooms, each socket once.
  p.a.to("red").to(b1_id).emit("once");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["once"])"});
  p.a.to(b1_id).emit("marker");
  CHECK(frames(p, b1, 2) == std::vector<std::string>{R"(42["once"])", R"(42["marker"])"});

  p.b.local().emit("home");
  CHECK(frames(p, b2, 1) == std::vector<std::string>{R"(42["home"])"});
  p.b.emit("after");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["after"])"});
}

TEST_CASE("redis::Cluster sharded: binary arguments cross as msgpack and arrive as attachments") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis, sharded());
  for (auto* io : {&p.a, &p.b}) io->on("connection", [](sio::Socket) {});
  Client b1(p.tb);
  b1.connect();
  p.ready();
  Listener listener(p, {"socket.io#/#"});

  p.a.emit("file", sio::Binary{std::string("\x01\x02\xff", 3)}, "name");
  const auto got = frames(p, b1, 2);
  REQUIRE(got.size() == 2);
  CHECK(got[0] == R"(451-["file",{"_placeholder":true,"num":0},"name"])");
  CHECK(got[1] == std::string("\x01\x02\xff", 3));
  // Node's message but for the order of the members and the uid: msgpack, as notepack writes.
  const auto [channel, bytes] = listener.next();
  CHECK(channel == "socket.io#/#");
  CHECK(bytes.front() == '\x84');  // a map of 4: uid, nsp, type, data
  CHECK(bytes.find(unhex("a46461746193a466696c65c4030102ffa46e616d65")) != std::string::npos);  // data: ["file", <bin>, "name"]
}

TEST_CASE("redis::Cluster sharded: each mode subscribes to the channels and publishes where Node's does") {
  const auto mode = GENERATE(SubscriptionMode::static_, SubscriptionMode::dynamic, SubscriptionMode::dynamic_private);
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis, sharded(mode));
  p.a.on("connection", [](sio::Socket s) { s.join("red"); });
  p.b.on("connection", [](sio::Socket) {});
  Client a1(p.ta);
  const std::string a1_id = a1.connect();
  p.ready();
  Commands redis_cli(p);
  CHECK(redis_cli.subscribers("socket.io#/#") == 2);

  const bool rooms = mode != SubscriptionMode::static_;
  const bool own_rooms = mode == SubscriptionMode::dynamic_private;
  REQUIRE(redis_cli.subscribers_become("socket.io#/#red#", rooms ? 1 : 0));
  REQUIRE(redis_cli.subscribers_become("socket.io#/#" + a1_id + "#", own_rooms ? 1 : 0));

  Listener listener(p, {"socket.io#/#", "socket.io#/#red#", "socket.io#/#" + a1_id + "#"});
  p.b.to("red").emit("chat", "hello", sio::object{{"n", 1}});
  auto [channel, json] = listener.next();
  CHECK(channel == (rooms ? "socket.io#/#red#" : "socket.io#/#"));
  // Node's message (its members in another order, and another uid).
  auto d = parse(json);
  REQUIRE(d.IsObject());
  REQUIRE(d.HasMember("uid"));
  REQUIRE(d["uid"].IsString());
  CHECK(d["uid"].GetStringLength() == 16);
  const std::string b_uid = d["uid"].GetString();
  auto node = parse(node_room_broadcast);
  node["uid"].SetString(b_uid.c_str(), static_cast<rapidjson::SizeType>(b_uid.size()), node.GetAllocator());
  CHECK(d == node);
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["chat","hello",{"n":1}])"});

  // To a socket's own room: the namespace's channel, but in dynamic-private mode.
  p.b.to(a1_id).emit("direct");
  std::tie(channel, json) = listener.next();
  CHECK(channel == (own_rooms ? "socket.io#/#" + a1_id + "#" : std::string("socket.io#/#")));
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["direct"])"});

  // A broadcast with acks to one room: the namespace's channel, whatever the mode.
  p.b.timeout(5s).to("red").emit("q", [](std::error_code, std::vector<sio::Args>) {});
  std::tie(channel, json) = listener.next();
  CHECK(channel == "socket.io#/#");
  CHECK(json.find(R"("requestId":")") != std::string::npos);

  // A room without members here: its channel goes (the listener's subscriptions first).
  listener.c.stop();
  p.a.in("red").sockets_leave(std::string("red"));
  CHECK(redis_cli.subscribers_become("socket.io#/#red#", 0));
  a1.send_text("41");  // leaves the namespace
  CHECK(redis_cli.subscribers_become("socket.io#/#" + a1_id + "#", 0));
}

TEST_CASE("redis::Cluster sharded: reads what a Node server publishes, and answers it where Node's would") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis, sharded());
  std::vector<std::string> heard;
  p.a.sockets().on("ping-servers", [&](sio::Args args, sio::Ack ack) {
    heard.push_back(args.get<std::string>(0));
    if (ack) ack("a");
  });
  p.a.on("connection", [](sio::Socket s) {
    s.join("red");
    s.set_shared_data(R"({"server":"a"})");
  });
  Client a1(p.ta);
  const std::string a1_id = a1.connect();
  p.ready();
  p.cluster_b.close();  // A alone answers
  Commands redis_cli(p);
  REQUIRE(redis_cli.subscribers_become("socket.io#/#", 1));
  REQUIRE(redis_cli.subscribers_become("socket.io#/#red#", 1));
  // The Node server's own channel, where answers to it go.
  Listener node(p, {"socket.io#/#0123456789abcdef#"});

  redis_cli.spublish("socket.io#/#red#", node_room_broadcast);
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["chat","hello",{"n":1}])"});

  redis_cli.spublish("socket.io#/#", unhex(node_binary_broadcast));
  auto got = frames(p, a1, 2);
  REQUIRE(got.size() == 2);
  CHECK(got[0] == R"(451-["file",{"_placeholder":true,"num":0},"name"])");
  CHECK(got[1] == std::string("\x01\x02\xff", 3));

  // fetchSockets from Node.
  redis_cli.spublish("socket.io#/#", R"({"type":7,"data":{"opts":{"rooms":["red"],"except":[],"flags":{}},)"
                                     R"("requestId":"f1"},"uid":"0123456789abcdef","nsp":"/"})");
  auto [channel, json] = node.next();
  auto d = parse(json);
  CHECK(d["type"] == 8);
  CHECK(d["nsp"] == "/");
  CHECK(d["data"]["requestId"] == "f1");
  REQUIRE(d["data"]["sockets"].Size() == 1);
  CHECK(d["data"]["sockets"][0]["id"] == a1_id.c_str());
  CHECK(d["data"]["sockets"][0]["data"]["server"] == "a");
  CHECK(d["data"]["sockets"][0]["rooms"].Size() == 2);

  // serverSideEmit with an acknowledgement from Node: the first argument of the reply.
  redis_cli.spublish("socket.io#/#", R"({"type":9,"data":{"requestId":"s1","packet":["ping-servers","who?"]},)"
                                     R"("uid":"0123456789abcdef","nsp":"/"})");
  std::tie(channel, json) = node.next();
  d = parse(json);
  CHECK(heard == std::vector<std::string>{"who?"});
  CHECK(d["type"] == 10);
  CHECK(d["data"]["requestId"] == "s1");
  CHECK(d["data"]["packet"] == "a");

  // A broadcast with acks from Node: the client count, then each client's reply.
  redis_cli.spublish("socket.io#/#", R"({"type":3,"data":{"packet":{"type":2,"data":["q"],"nsp":"/"},"requestId":"b1",)"
                                     R"("opts":{"rooms":[],"except":[],"flags":{"timeout":3000}}},)"
                                     R"("uid":"0123456789abcdef","nsp":"/"})");
  std::tie(channel, json) = node.next();
  d = parse(json);
  CHECK(d["type"] == 11);
  CHECK(d["data"]["requestId"] == "b1");
  CHECK(d["data"]["clientCount"] == 1);
  const auto q = frames(p, a1, 1);
  REQUIRE(q.size() == 1);
  answer(a1, q[0], "from a1");
  std::tie(channel, json) = node.next();
  d = parse(json);
  CHECK(d["type"] == 12);
  CHECK(d["data"]["requestId"] == "b1");
  CHECK(d["data"]["packet"] == "from a1");

  // Another namespace's message, and one of this server's own: ignored.
  redis_cli.spublish("socket.io#/#", R"({"type":3,"data":{"packet":{"type":2,"data":["x"],"nsp":"/chat"},)"
                                     R"("opts":{"rooms":[],"except":[],"flags":{}}},"uid":"0123456789abcdef","nsp":"/chat"})");
  p.a.to(a1_id).emit("marker");  // no message of its own reaches itself: this one neither
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["marker"])"});
}

TEST_CASE("redis::Cluster sharded: malformed messages are ignored with a log line") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis, sharded());
  p.a.on("connection", [](sio::Socket) {});
  Client a1(p.ta);
  a1.connect();
  p.ready();
  Commands redis_cli(p);

  redis_cli.spublish("socket.io#/#", "not json");
  CHECK(p.logged("redis: ignored a message of 8 bytes on socket.io#/#: not a JSON or msgpack object"));
  redis_cli.spublish("socket.io#/#", R"({"uid":"x","nsp":"/","type":3,"data":{"packet":{"type":2,"data":[]}}})");
  CHECK(p.logged("on socket.io#/#: a broadcast without an event"));
  redis_cli.spublish("socket.io#/#", R"({"uid":"x","nsp":"/","type":"3","data":{}})");
  CHECK(p.logged("on socket.io#/#: a message without a type"));
  redis_cli.spublish("socket.io#/#", R"({"uid":"x","nsp":"/","type":4,"data":{"opts":{"rooms":7},"rooms":["r"]}})");
  CHECK(p.logged("on socket.io#/#: not {opts, rooms}"));
  redis_cli.spublish("socket.io#/#", R"({"uid":"x","nsp":"/","type":7,"data":{"opts":{}}})");
  CHECK(p.logged("on socket.io#/#: not {opts, requestId} from a server"));
  redis_cli.spublish("socket.io#/#", R"({"uid":"x","nsp":"/","type":11,"data":{}})");
  CHECK(p.logged("on socket.io#/#: not a response"));
  redis_cli.spublish("socket.io#/#", unhex("c1"));  // a msgpack byte that is never used
  CHECK(p.logged("redis: ignored a message of 1 bytes on socket.io#/#"));

  p.b.emit("still");
  CHECK(frames(p, a1, 1) == std::vector<std::string>{R"(42["still"])"});
}

TEST_CASE("redis::Cluster sharded: server count, fetch_sockets, sockets_join / leave and disconnect_sockets span both servers") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis, sharded());
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
  auto fetch = [&](auto&& op) {
    fetched = false;
    op.fetch_sockets([&](std::error_code ec, std::vector<sio::RemoteSocket> s) {
      CHECK_FALSE(ec);
      found = std::move(s);
      fetched = true;
    });
    REQUIRE(p.run_until([&] { return fetched; }));
  };
  fetch(p.a.sockets().all());
  REQUIRE(found.size() == 2);
  std::sort(found.begin(), found.end(), [&](const auto& x, const auto&) { return x.id() == id_a; });
  CHECK(found[0].id() == id_a);
  const auto& remote = found[1].details();
  CHECK(remote.id == id_b);
  CHECK(remote.data == R"({"server":"b"})");
  CHECK(remote.rooms == std::vector<std::string>{id_b, "b-room"});
  CHECK(remote.handshake.auth == R"({"user":"bee"})");
  CHECK(remote.handshake.query.find("token=t1") != std::string::npos);

  fetch(p.a.in("b-room"));
  REQUIRE(found.size() == 1);
  CHECK(found[0].id() == id_b);
  found[0].emit("direct", 1);
  CHECK(frames(p, b1, 1) == std::vector<std::string>{R"(42["direct",1])"});

  p.b.sockets_join({"everyone"});
  REQUIRE(p.run_until([&] { return p.a.sockets().socket(id_a).rooms().size() == 2; }));
  CHECK(p.a.sockets().socket(id_a).rooms() == std::vector<std::string>{id_a, "everyone"});
  p.b.in("everyone").sockets_leave(std::string("everyone"));
  REQUIRE(p.run_until([&] { return p.a.sockets().socket(id_a).rooms().size() == 1; }));

  p.a.in("b-room").disconnect_sockets();
  CHECK(frames(p, b1, 1) == std::vector<std::string>{"41"});
  CHECK(a1.drain().empty());
}

TEST_CASE("redis::Cluster sharded: server_side_emit and broadcasts with acks collect the other server's replies") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis, sharded());
  std::vector<std::string> heard_a, heard_b;
  p.a.sockets().on("hello", [&](sio::Args args) { heard_a.push_back(args.get<std::string>(0)); });
  p.b.sockets().on("hello", [&](sio::Args args, sio::Ack ack) {
    heard_b.push_back(args.get<std::string>(0));
    if (ack) ack("hi from b");
  });
  for (auto* io : {&p.a, &p.b}) io->on("connection", [](sio::Socket s) { s.join("red"); });
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

  // To a room, with acks: each client answers, on either server.
  std::vector<std::string> answers;
  done = false;
  p.a.timeout(5s).to("red").emit("q", [&](std::error_code ec, std::vector<sio::Args> r) {
    CHECK_FALSE(ec);
    for (auto& a : r) answers.push_back(a.get<std::string>(0));
    done = true;
  });
  const auto qa = frames(p, a1, 1);
  const auto qb = frames(p, b1, 1);
  REQUIRE(qa.size() == 1);
  REQUIRE(qb.size() == 1);
  answer(a1, qa[0], "from a");
  answer(b1, qb[0], "from b");
  REQUIRE(p.run_until([&] { return done; }));
  std::sort(answers.begin(), answers.end());
  CHECK(answers == std::vector<std::string>{"from a", "from b"});

  // A binary reply crosses as msgpack.
  std::string bytes;
  done = false;
  p.b.timeout(5s).emit("file?", [&](std::error_code ec, std::vector<sio::Args> r) {
    CHECK_FALSE(ec);
    for (auto& a : r)
      if (a.is_binary(0)) bytes = a.binary(0);
    done = true;
  });
  const auto fa = frames(p, a1, 1);
  const auto fb = frames(p, b1, 1);
  REQUIRE(fa.size() == 1);
  REQUIRE(fb.size() == 1);
  const std::string id = fa[0].substr(2, fa[0].find('[') - 2);
  a1.send_text("461-" + id + R"([{"_placeholder":true,"num":0}])");
  a1.send_binary(std::string("\x00\x07", 2));
  answer(b1, fb[0], "text");
  REQUIRE(p.run_until([&] { return done; }));
  CHECK(bytes == std::string("\x00\x07", 2));
}

TEST_CASE("redis::Cluster sharded: a server that does not answer makes requests time out, with what came") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  Pair p(redis, [](sio::redis::ClusterOptions& o) {
    o.sharded = true;
    o.requests_timeout = 200ms;
  });
  p.a.on("connection", [](sio::Socket) {});
  Client a1(p.ta);
  const std::string id = a1.connect();
  p.ready();
  // B's cluster stops: its adapter stays subscribed in the count of no one. A mute server, on
  // the namespace's channel, is counted and never answers.
  p.cluster_b.close();
  Listener mute(p, {"socket.io#/#"});
  Commands redis_cli(p);
  REQUIRE(redis_cli.subscribers_become("socket.io#/#", 2));

  std::error_code ec;
  std::vector<sio::RemoteSocket> found;
  bool done = false;
  p.a.fetch_sockets([&](std::error_code e, std::vector<sio::RemoteSocket> s) {
    ec = e;
    found = std::move(s);
    done = true;
  });
  REQUIRE(p.run_until([&] { return done; }));
  CHECK(ec == sio::error::timeout);
  REQUIRE(found.size() == 1);  // this server's own
  CHECK(found[0].id() == id);
  CHECK(p.logged("redis: a request of /: 0 of 1 other servers answered in time"));

  done = false;
  p.a.server_side_emit("anyone", [&](std::error_code e, std::vector<sio::Args> r) {
    ec = e;
    CHECK(r.empty());
    done = true;
  });
  REQUIRE(p.run_until([&] { return done; }));
  CHECK(ec == sio::error::timeout);

  // A broadcast with acks: the local client answers, the mute server never counts its own.
  std::size_t replies = 0;
  done = false;
  p.a.timeout(300ms).emit("q", [&](std::error_code e, std::vector<sio::Args> r) {
    ec = e;
    replies = r.size();
    done = true;
  });
  const auto q = frames(p, a1, 1);
  REQUIRE(q.size() == 1);
  answer(a1, q[0], "here");
  p.ta.advance(300ms);  // the memory transport's clock times the broadcast out
  REQUIRE(p.run_until([&] { return done; }));
  CHECK(ec == sio::error::timeout);
  CHECK(replies == 1);

  // A request still waiting when the server closes (here: for the server count) completes,
  // with server_gone.
  done = false;
  p.a.server_side_emit("anyone", [&](std::error_code e, std::vector<sio::Args>) {
    ec = e;
    done = true;
  });
  p.a.close();
  REQUIRE(p.run_until([&] { return done; }));
  CHECK(ec == sio::error::server_gone);
}
