#include "sio/socketio/replies.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <system_error>
#include <vector>

#include "sio/args.hpp"
#include "sio/error.hpp"
#include "sio/transport/memory.hpp"

using namespace std::chrono_literals;
using sio::detail::Replies;
using sio::detail::TimerQueue;

namespace {

struct Fixture {
  asio::io_context ioc;
  sio::transport::memory t{ioc};
  TimerQueue timers{t};
  Replies replies;
  std::vector<std::string> calls;

  // A callback that records `name` and the error it got.
  Replies::Callback record(std::string name) {
    return [this, name](std::error_code ec, sio::Args&) { calls.push_back(name + (ec ? ":" + ec.message() : "")); };
  }
  // A timeout that records `name` when it fires.
  TimerQueue::Id timeout(std::string name) {
    return timers.schedule_after(100ms, [this, name] { calls.push_back("timeout " + name); });
  }
};

void call(const Replies::Callback& fn, std::error_code ec = {}) {
  REQUIRE(fn);
  sio::Args none;
  fn(ec, none);
}

}  // namespace

TEST_CASE("a reply is taken once, by its id") {
  Fixture f;
  CHECK(f.replies.empty());
  f.replies.add(1, f.record("one"), 0);
  f.replies.add(2, f.record("two"), 0);
  CHECK_FALSE(f.replies.empty());
  CHECK_FALSE(f.replies.take(3, &f.timers));
  call(f.replies.take(2, &f.timers));
  CHECK_FALSE(f.replies.take(2, &f.timers));  // a second reply with the same id finds nothing
  call(f.replies.take(1, nullptr));
  CHECK(f.replies.empty());
  CHECK(f.calls == std::vector<std::string>{"two", "one"});
}

TEST_CASE("taking a reply cancels its timeout, and only its own") {
  Fixture f;
  f.replies.add(1, f.record("one"), f.timeout("one"));
  f.replies.add(2, f.record("two"), f.timeout("two"));
  call(f.replies.take(1, &f.timers));
  f.t.advance(100ms);
  CHECK(f.calls == std::vector<std::string>{"one", "timeout two"});
}

TEST_CASE("take_all hands over every pending reply in order and cancels their timeouts") {
  Fixture f;
  f.replies.add(7, f.record("a"), f.timeout("a"));
  f.replies.add(3, f.record("b"), 0);
  f.replies.add(5, f.record("c"), f.timeout("c"));
  auto all = f.replies.take_all(&f.timers);
  CHECK(f.replies.empty());
  REQUIRE(all.size() == 3);
  for (auto& fn : all) call(fn, sio::make_error_code(sio::error::socket_gone));
  f.t.advance(1000ms);
  const std::string gone = ":" + sio::make_error_code(sio::error::socket_gone).message();
  CHECK(f.calls == std::vector<std::string>{"a" + gone, "b" + gone, "c" + gone});
  CHECK(f.replies.take_all(&f.timers).empty());
}

TEST_CASE("without a timer queue, taking leaves the timers alone") {
  // A server that is being destroyed takes its replies without the queue, which may be gone.
  Fixture f;
  f.replies.add(1, f.record("one"), f.timeout("one"));
  f.replies.add(2, f.record("two"), f.timeout("two"));
  call(f.replies.take(1, nullptr));
  CHECK(f.replies.take_all(nullptr).size() == 1);
  f.t.advance(100ms);
  CHECK(f.calls == std::vector<std::string>{"one", "timeout one", "timeout two"});
}

TEST_CASE("clear forgets the pending replies without calling them") {
  Fixture f;
  f.replies.add(1, f.record("one"), 0);
  f.replies.clear();
  CHECK(f.replies.empty());
  CHECK_FALSE(f.replies.take(1, &f.timers));
  CHECK(f.calls.empty());
}
