#include "sio/socketio/broadcast.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "sio/args.hpp"
#include "sio/error.hpp"
#include "sio/options.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/socketio/server_core.hpp"
#include "sio/socketio/server_link.hpp"
#include "sio/transport/memory.hpp"

using namespace std::chrono_literals;
using sio::detail::ReplyCollector;

namespace {

// A collector as a server makes one: a live server behind its link, the transport's timers, and
// a callback that records how it finished.
struct Fixture {
  asio::io_context ioc;
  sio::transport::memory t{ioc};
  sio::detail::TimerQueue timers{t};
  sio::detail::ServerCore core{sio::ServerOptions{}};
  std::shared_ptr<sio::detail::ServerLink> link =
      std::make_shared<sio::detail::ServerLink>(&core, [](std::function<void()>) {}, nullptr);
  int calls = 0;
  std::error_code ec;
  std::vector<std::string> got;
  std::shared_ptr<ReplyCollector> c = std::make_shared<ReplyCollector>(link, timers, [this](std::error_code e, std::vector<sio::Args>& r) {
    ++calls;
    ec = e;
    got.clear();
    for (auto& a : r) got.push_back(a.get<std::string>(0));
  });
};

// The reply `text` from one client: an ack packet whose first argument is `text`.
sio::Args reply(const std::string& text) {
  sio::protocol::Decoder decoder;
  REQUIRE_FALSE(decoder.feed_text("30[\"" + text + "\"]"));
  return sio::Args(decoder.take_shared(), 0);
}

const std::error_code none;

}  // namespace

TEST_CASE("a broadcast's replies are complete once every server counted and every reply came") {
  Fixture f;
  f.c->start_timer(std::nullopt);
  f.c->on_count(2);  // this server reached two clients
  f.c->sent();
  f.c->on_reply(none, reply("a"));
  f.c->on_reply(none, reply("b"));
  // How many servers there are is not known yet: another may still have clients.
  CHECK_FALSE(f.c->complete());
  CHECK(f.calls == 0);
  f.c->on_server_count(2);
  CHECK_FALSE(f.c->complete());
  CHECK(f.calls == 0);
  f.c->on_count(1);  // the other server reached one
  CHECK(f.c->expected() == 3);
  CHECK(f.calls == 0);
  f.c->on_reply(none, reply("c"));
  CHECK(f.c->done());
  CHECK(f.calls == 1);
  CHECK_FALSE(f.ec);
  CHECK(f.got == std::vector<std::string>{"a", "b", "c"});
  // Later news changes nothing.
  f.c->on_reply(none, reply("late"));
  f.c->on_count(4);
  CHECK(f.calls == 1);
}

TEST_CASE("a receiver that will never answer is no longer waited for") {
  Fixture f;
  f.c->on_server_count(1);
  f.c->on_count(3);
  f.c->sent();
  f.c->on_reply(none, reply("a"));
  f.c->on_reply(sio::make_error_code(sio::error::socket_gone), sio::Args());
  CHECK(f.c->expected() == 3);  // reached, but one of them is gone
  CHECK(f.calls == 0);
  f.c->on_reply(none, reply("b"));
  CHECK(f.calls == 1);
  CHECK_FALSE(f.ec);
  CHECK(f.got == std::vector<std::string>{"a", "b"});
}

TEST_CASE("a receiver lost before its server's count came is still not waited for") {
  Fixture f;
  f.c->on_server_count(2);
  f.c->on_count(1);
  f.c->sent();
  // The other server's receiver disconnects before that server says it reached one client.
  f.c->on_reply(sio::make_error_code(sio::error::socket_gone), sio::Args());
  f.c->on_reply(none, reply("a"));
  CHECK(f.calls == 0);
  f.c->on_count(1);
  CHECK(f.calls == 1);
  CHECK_FALSE(f.ec);
  CHECK(f.got == std::vector<std::string>{"a"});
}

TEST_CASE("the timeout finishes the collection with the replies that came") {
  Fixture f;
  f.c->start_timer(100ms);
  f.c->on_server_count(1);
  f.c->on_count(2);
  f.c->sent();
  f.c->on_reply(none, reply("a"));
  f.t.advance(99ms);
  CHECK(f.calls == 0);
  f.t.advance(1ms);
  CHECK(f.calls == 1);
  CHECK(f.ec == sio::error::timeout);
  CHECK(f.got == std::vector<std::string>{"a"});
  f.c->on_reply(none, reply("b"));
  CHECK(f.calls == 1);
}

TEST_CASE("a collection that completes in time cancels its timeout") {
  Fixture f;
  f.c->start_timer(100ms);
  // The pending timeout keeps the collector alive.
  CHECK(f.c.use_count() == 2);
  f.c->on_server_count(1);
  f.c->on_count(1);
  f.c->sent();
  f.c->on_reply(none, reply("a"));
  CHECK(f.calls == 1);
  CHECK(f.c.use_count() == 1);
  f.t.advance(1000ms);
  CHECK(f.calls == 1);
  CHECK_FALSE(f.ec);
}

TEST_CASE("server_gone finishes the collection with what came") {
  Fixture f;
  f.c->start_timer(100ms);
  f.c->on_server_count(1);
  f.c->on_count(2);
  f.c->sent();
  f.c->on_reply(none, reply("a"));
  // The server is destroyed: its timers are not to be touched any more.
  f.link->close();
  f.c->on_reply(sio::make_error_code(sio::error::server_gone), sio::Args());
  CHECK(f.calls == 1);
  CHECK(f.ec == sio::error::server_gone);
  CHECK(f.got == std::vector<std::string>{"a"});
  f.c->on_reply(sio::make_error_code(sio::error::server_gone), sio::Args());
  f.t.advance(100ms);
  CHECK(f.calls == 1);
}

TEST_CASE("a collection never finishes before the broadcast was sent") {
  Fixture f;
  f.c->on_server_count(1);
  f.c->on_count(1);
  f.c->on_reply(none, reply("a"));
  // Complete, but still inside the emit: the callback must not run there.
  CHECK(f.c->complete());
  CHECK(f.calls == 0);
  f.c->sent();
  // The emitter finishes a collection that was complete when sent (later, outside the emit).
  CHECK_FALSE(f.c->done());
  f.c->finish({});
  CHECK(f.calls == 1);
  CHECK(f.got == std::vector<std::string>{"a"});
  f.c->finish(sio::make_error_code(sio::error::timeout));
  CHECK(f.calls == 1);
  CHECK_FALSE(f.ec);
}

TEST_CASE("no receiver anywhere is complete at once") {
  Fixture f;
  f.c->on_server_count(2);
  f.c->on_count(0);
  f.c->on_count(0);
  f.c->sent();
  CHECK(f.c->complete());
  CHECK(f.c->expected() == 0);
}
