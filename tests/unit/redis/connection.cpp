#include "sio/redis/connection.hpp"

#include <algorithm>
#include <asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "sio/error.hpp"
#include "support/run_until.hpp"
#include "support/redis_server.hpp"

using namespace std::chrono_literals;
using sio::redis::Connection;
using sio::redis::ConnectionOptions;
using sio::redis::Reply;

namespace {

// The Redis tests wait longer than the transport's: a reconnection takes a few retries.
template <class Pred>
bool run_until(asio::io_context& ioc, Pred done, std::chrono::milliseconds timeout = 10s) {
  return sio::test::run_until(ioc, done, timeout);
}

ConnectionOptions options_for(const sio::test::RedisServer& redis) {
  ConnectionOptions o;
  o.port = redis.port();
  // Quick retries: the tests wait for reconnections.
  o.reconnect_delay = 10ms;
  o.max_reconnect_delay = 100ms;
  return o;
}

// Log lines, kept.
struct Log {
  std::vector<std::string> lines;
  sio::Logger logger() {
    return [this](sio::LogLevel level, std::string_view m) { lines.push_back(std::string(to_string(level)) + " " + std::string(m)); };
  }
  bool has(const std::string& text) const {
    for (const auto& l : lines)
      if (l.find(text) != std::string::npos) return true;
    return false;
  }
};

// The reply of one command, or an error.
struct Result {
  bool done = false;
  std::error_code ec;
  Reply reply;
  Connection::ReplyHandler handler() {
    return [this](std::error_code e, Reply r) {
      done = true;
      ec = e;
      reply = std::move(r);
    };
  }
};

Result run_command(asio::io_context& ioc, Connection& c, std::vector<std::string> args) {
  Result r;
  c.command(std::move(args), r.handler());
  REQUIRE(run_until(ioc, [&] { return r.done; }));
  return r;
}

// A connection that has come up.
void start_up(asio::io_context& ioc, Connection& c) {
  c.start();
  REQUIRE(run_until(ioc, [&] { return c.up(); }));
}

}  // namespace

TEST_CASE("redis::parse_url reads host, port and credentials") {
  ConnectionOptions o;
  REQUIRE(sio::redis::parse_url("redis://example.org:6380", o));
  CHECK(o.host == "example.org");
  CHECK(o.port == 6380);
  CHECK(o.username.empty());
  CHECK(o.password.empty());

  ConnectionOptions p;
  REQUIRE(sio::redis::parse_url("redis://alice:s3cr%t@10.0.0.1:7000/2", p));
  CHECK(p.host == "10.0.0.1");
  CHECK(p.port == 7000);
  CHECK(p.username == "alice");
  CHECK(p.password == "s3cr%t");

  ConnectionOptions q;
  REQUIRE(sio::redis::parse_url("redis://:pw@localhost", q));
  CHECK(q.host == "localhost");
  CHECK(q.port == 6379);
  CHECK(q.username.empty());
  CHECK(q.password == "pw");

  ConnectionOptions v6;
  REQUIRE(sio::redis::parse_url("redis://[::1]:6390", v6));
  CHECK(v6.host == "::1");
  CHECK(v6.port == 6390);

  ConnectionOptions untouched;
  untouched.host = "kept";
  for (const char* bad : {"http://h:1", "redis://", "redis://h:", "redis://h:0", "redis://h:65536", "redis://h:12x",
                          "redis://h/db", "redis://[::1", "redis://:pw@"}) {
    INFO(bad);
    CHECK_FALSE(sio::redis::parse_url(bad, untouched));
    CHECK(untouched.host == "kept");
  }
}

TEST_CASE("redis::Connection: commands are answered in order, binary-safe") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  asio::io_context ioc;
  Connection c(ioc, options_for(redis));
  start_up(ioc, c);

  const std::string value("a\0b\r\nc", 6);
  CHECK(run_command(ioc, c, {"SET", "key", value}).reply.str == "OK");
  auto got = run_command(ioc, c, {"GET", "key"});
  CHECK_FALSE(got.ec);
  CHECK(got.reply.type == Reply::Type::string);
  CHECK(got.reply.str == value);
  CHECK(run_command(ioc, c, {"GET", "absent"}).reply.type == Reply::Type::nil);

  // An error reply is a reply, not a failure of the connection.
  auto bad = run_command(ioc, c, {"NOSUCHCOMMAND"});
  CHECK_FALSE(bad.ec);
  CHECK(bad.reply.is_error());
  CHECK(c.up());

  // Pipelined: all sent before any answer, answered in order.
  std::vector<long long> answers;
  for (int i = 0; i < 200; ++i)
    c.command({"INCR", "counter"}, [&](std::error_code ec, Reply r) {
      CHECK_FALSE(ec);
      answers.push_back(r.integer);
    });
  REQUIRE(run_until(ioc, [&] { return answers.size() == 200; }));
  for (int i = 0; i < 200; ++i) CHECK(answers[static_cast<std::size_t>(i)] == i + 1);

  auto array = run_command(ioc, c, {"MGET", "key", "absent", "counter"});
  REQUIRE(array.reply.type == Reply::Type::array);
  REQUIRE(array.reply.elements.size() == 3);
  CHECK(array.reply.elements[0].str == value);
  CHECK(array.reply.elements[1].type == Reply::Type::nil);
  CHECK(array.reply.elements[2].str == "200");
}

TEST_CASE("redis::Connection: subscriptions receive messages, patterns and shards alike") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  asio::io_context ioc;
  Connection pub(ioc, options_for(redis));
  Connection sub(ioc, options_for(redis));
  struct Message {
    std::string channel, pattern, payload;
  };
  std::vector<Message> got;
  sub.on_message([&](std::string_view ch, std::string_view pattern, std::string_view payload) {
    got.push_back({std::string(ch), std::string(pattern), std::string(payload)});
  });
  int confirmed = 0;
  std::vector<std::string> kinds;
  sub.on_subscribed([&](std::string_view kind, std::string_view name) {
    ++confirmed;
    kinds.push_back(std::string(kind) + " " + std::string(name));
  });
  // Subscriptions made before the connection is up are made once it is.
  sub.subscribe("plain");
  sub.psubscribe("room#*");
  sub.ssubscribe("shard");
  start_up(ioc, pub);
  start_up(ioc, sub);
  REQUIRE(run_until(ioc, [&] { return confirmed == 3; }));

  const std::string payload("\x92\xa1x\0\xff", 5);
  run_command(ioc, pub, {"PUBLISH", "plain", payload});
  run_command(ioc, pub, {"PUBLISH", "room#a#", "two"});
  run_command(ioc, pub, {"SPUBLISH", "shard", "three"});
  run_command(ioc, pub, {"PUBLISH", "elsewhere", "not for us"});
  REQUIRE(run_until(ioc, [&] { return got.size() == 3; }));
  CHECK(got[0].channel == "plain");
  CHECK(got[0].pattern.empty());
  CHECK(got[0].payload == payload);
  CHECK(got[1].channel == "room#a#");
  CHECK(got[1].pattern == "room#*");
  CHECK(got[1].payload == "two");
  CHECK(got[2].channel == "shard");
  CHECK(got[2].payload == "three");

  // Unsubscribed: no more messages from there.
  sub.unsubscribe("plain");
  REQUIRE(run_until(ioc, [&] { return confirmed == 4; }));
  CHECK(run_command(ioc, pub, {"PUBLISH", "plain", "gone"}).reply.integer == 0);
  sub.sunsubscribe("shard");
  REQUIRE(run_until(ioc, [&] { return confirmed == 5; }));
  CHECK(run_command(ioc, pub, {"SPUBLISH", "shard", "gone"}).reply.integer == 0);
  std::sort(kinds.begin(), kinds.begin() + 3);  // the first three in any order
  CHECK(kinds == std::vector<std::string>{"psubscribe room#*", "ssubscribe shard", "subscribe plain", "unsubscribe plain",
                                          "sunsubscribe shard"});
}

TEST_CASE("redis::Connection: while Redis is away commands fail at once, and it comes back by itself") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  asio::io_context ioc;
  Log log;
  Connection pub(ioc, options_for(redis), log.logger(), "redis pub");
  Connection sub(ioc, options_for(redis), log.logger(), "redis sub");
  std::vector<bool> states;
  sub.on_state([&](bool up) { states.push_back(up); });
  std::vector<std::string> got;
  sub.on_message([&](std::string_view, std::string_view, std::string_view payload) { got.emplace_back(payload); });
  int confirmed = 0;
  sub.on_subscribed([&](std::string_view, std::string_view) { ++confirmed; });
  sub.subscribe("ch");
  start_up(ioc, pub);
  start_up(ioc, sub);
  REQUIRE(run_until(ioc, [&] { return confirmed == 1; }));

  redis.stop();
  REQUIRE(run_until(ioc, [&] { return !pub.up() && !sub.up(); }));
  CHECK(states == std::vector<bool>{true, false});
  CHECK(log.has("redis sub: lost the connection to 127.0.0.1:"));

  // Down: a command fails, posted rather than inside the call.
  Result r;
  pub.command({"PING"}, r.handler());
  CHECK_FALSE(r.done);
  REQUIRE(run_until(ioc, [&] { return r.done; }));
  CHECK(r.ec == sio::error::cluster_unavailable);

  // Back: both reconnect, and the subscription is made again.
  REQUIRE(redis.start(error));
  REQUIRE(run_until(ioc, [&] { return pub.up() && sub.up() && confirmed == 2; }));
  CHECK(states == std::vector<bool>{true, false, true});
  CHECK(run_command(ioc, pub, {"PUBLISH", "ch", "again"}).reply.integer == 1);
  REQUIRE(run_until(ioc, [&] { return got.size() == 1; }));
  CHECK(got[0] == "again");
}

TEST_CASE("redis::Connection: commands in flight fail when the connection is lost or stopped") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  asio::io_context ioc;
  Connection c(ioc, options_for(redis));
  start_up(ioc, c);

  // BLPOP holds its reply until the connection ends.
  Result blocked;
  c.command({"BLPOP", "nothing", "0"}, blocked.handler());
  c.stop();
  CHECK_FALSE(c.up());
  CHECK_FALSE(blocked.done);
  REQUIRE(run_until(ioc, [&] { return blocked.done; }));
  CHECK(blocked.ec == sio::error::cluster_unavailable);

  // Started again, it serves again.
  start_up(ioc, c);
  Result lost;
  c.command({"BLPOP", "nothing", "0"}, lost.handler());
  redis.stop();
  REQUIRE(run_until(ioc, [&] { return lost.done; }));
  CHECK(lost.ec == sio::error::cluster_unavailable);
}

TEST_CASE("redis::Connection: no handler runs once it is destroyed") {
  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  asio::io_context ioc;
  bool called = false;
  {
    Connection c(ioc, options_for(redis));
    start_up(ioc, c);
    c.on_state([&](bool) { called = true; });
    c.command({"BLPOP", "nothing", "0"}, [&](std::error_code, Reply) { called = true; });
  }
  ioc.restart();
  ioc.run_for(50ms);
  CHECK_FALSE(called);
}

TEST_CASE("redis::Connection: AUTH with a password, or an ACL user and password") {
  sio::test::RedisServer redis({"--requirepass", "secret", "--user", "alice", "on", ">alicepw", "~*", "&*", "+@all"});
  std::string error;
  REQUIRE(redis.start(error));
  asio::io_context ioc;

  auto options = options_for(redis);
  options.password = "secret";
  Connection by_password(ioc, options);
  start_up(ioc, by_password);
  CHECK(run_command(ioc, by_password, {"PING"}).reply.str == "PONG");

  options.username = "alice";
  options.password = "alicepw";
  Connection by_user(ioc, options);
  start_up(ioc, by_user);
  CHECK(run_command(ioc, by_user, {"ACL", "WHOAMI"}).reply.str == "alice");

  // A wrong password: never up, and said so in the log (it keeps retrying).
  Log log;
  options.password = "wrong";
  Connection refused(ioc, options, log.logger());
  refused.start();
  REQUIRE(run_until(ioc, [&] { return log.has("Redis refused AUTH"); }));
  CHECK_FALSE(refused.up());

  // Without a password: the connection is up, but Redis refuses commands.
  Connection anonymous(ioc, options_for(redis));
  start_up(ioc, anonymous);
  CHECK(run_command(ioc, anonymous, {"PING"}).reply.is_error());
}

TEST_CASE("redis::Connection: a server that cannot be reached is retried, and reported") {
  asio::io_context ioc;
  Log log;
  ConnectionOptions options;
  options.port = sio::test::free_loopback_port();  // nothing listens there
  options.reconnect_delay = 10ms;
  options.max_reconnect_delay = 20ms;
  Connection c(ioc, options, log.logger());
  c.start();
  REQUIRE(run_until(ioc, [&] {
    int attempts = 0;
    for (const auto& l : log.lines) attempts += l.find("cannot connect to 127.0.0.1:") != std::string::npos;
    return attempts >= 3;
  }));
  CHECK_FALSE(c.up());
}
