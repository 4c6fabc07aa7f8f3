#include "sio/detail/timer_queue.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using sio::detail::TimerQueue;
using sio::transport::TimePoint;

namespace {

// A transport reduced to what TimerQueue uses: a manual clock and one recording timer.
struct FakeTransport {
  struct FakeTimer final : sio::transport::Timer {
    FakeTransport& owner;
    explicit FakeTimer(FakeTransport& o) : owner(o) {}
    ~FakeTimer() override { owner.timer = nullptr; }
    void expires_at(TimePoint when) override {
      owner.armed = true;
      owner.deadline = when;
      ++owner.arm_count;
    }
    void cancel() override { owner.armed = false; }
  };

  TimePoint now() const { return clock; }
  std::unique_ptr<sio::transport::Timer> make_timer(std::function<void()> fn) {
    ++timers_made;
    on_expiry = std::move(fn);
    auto t = std::make_unique<FakeTimer>(*this);
    timer = t.get();
    return t;
  }
  // Moves the clock, firing the timer whenever it is due (as an event loop would).
  void advance(std::chrono::milliseconds d) {
    const TimePoint target = clock + d;
    while (armed && deadline <= target) {
      if (deadline > clock) clock = deadline;
      armed = false;
      on_expiry();
    }
    clock = target;
  }

  TimePoint clock{std::chrono::hours(1)};
  std::function<void()> on_expiry;
  FakeTimer* timer = nullptr;
  bool armed = false;
  TimePoint deadline{};
  int arm_count = 0;
  int timers_made = 0;
};

}  // namespace

TEST_CASE("TimerQueue uses one transport timer, armed for the earliest deadline") {
  FakeTransport t;
  TimerQueue q(t);
  CHECK(t.timers_made == 1);
  CHECK_FALSE(t.armed);
  CHECK(q.now() == t.clock);

  const auto start = t.clock;
  q.schedule_after(300ms, [] {});
  CHECK(t.armed);
  CHECK(t.deadline == start + 300ms);
  const int arms = t.arm_count;
  q.schedule_after(500ms, [] {});  // later: the timer stays as it is
  CHECK(t.arm_count == arms);
  CHECK(t.deadline == start + 300ms);
  q.schedule_after(100ms, [] {});  // earlier: re-armed
  CHECK(t.deadline == start + 100ms);
  CHECK(q.size() == 3);
}

TEST_CASE("TimerQueue runs due callbacks in deadline order, ties in scheduling order") {
  FakeTransport t;
  TimerQueue q(t);
  std::vector<std::string> log;
  q.schedule_after(30ms, [&] { log.push_back("c"); });
  q.schedule_after(10ms, [&] { log.push_back("a"); });
  q.schedule_after(20ms, [&] { log.push_back("b1"); });
  q.schedule_after(20ms, [&] { log.push_back("b2"); });
  q.schedule_after(40ms, [&] { log.push_back("d"); });
  t.advance(35ms);
  CHECK(log == std::vector<std::string>{"a", "b1", "b2", "c"});
  CHECK(q.size() == 1);
  // One expiry can cover several deadlines: jump straight past them.
  t.advance(100ms);
  CHECK(log.back() == "d");
  CHECK(q.size() == 0);
}

TEST_CASE("TimerQueue callbacks see the transport's time") {
  FakeTransport t;
  TimerQueue q(t);
  const auto start = t.clock;
  TimePoint seen{};
  q.schedule(start + 250ms, [&] { seen = q.now(); });
  t.advance(1s);
  CHECK(seen == start + 250ms);
}

TEST_CASE("TimerQueue cancel") {
  FakeTransport t;
  TimerQueue q(t);
  int fired = 0;
  const auto a = q.schedule_after(10ms, [&] { fired += 1; });
  const auto b = q.schedule_after(20ms, [&] { fired += 10; });
  CHECK(a != 0);
  CHECK(b != 0);
  CHECK(a != b);
  CHECK(q.cancel(a));
  CHECK_FALSE(q.cancel(a));  // already cancelled
  CHECK_FALSE(q.cancel(0));
  CHECK_FALSE(q.cancel(0xdeadbeef12345678ull));
  CHECK(q.size() == 1);
  t.advance(30ms);
  CHECK(fired == 10);
  CHECK_FALSE(q.cancel(b));  // already fired
  CHECK(q.size() == 0);
}

TEST_CASE("TimerQueue ids are not reused while a stale id could still refer to them") {
  FakeTransport t;
  TimerQueue q(t);
  const auto a = q.schedule_after(10ms, [] {});
  q.cancel(a);
  int fired = 0;
  const auto b = q.schedule_after(10ms, [&] { ++fired; });  // reuses the slot of a
  CHECK(a != b);
  CHECK_FALSE(q.cancel(a));  // the stale id does not cancel b
  t.advance(10ms);
  CHECK(fired == 1);
}

TEST_CASE("TimerQueue callbacks may schedule and cancel reentrantly") {
  FakeTransport t;
  TimerQueue q(t);
  std::vector<std::string> log;
  TimerQueue::Id victim = 0;
  q.schedule_after(10ms, [&] {
    log.push_back("first");
    CHECK(q.cancel(victim));  // due in the same expiry: cancelled before it runs
    q.schedule_after(5ms, [&] { log.push_back("child"); });
    q.schedule_after(0ms, [&] { log.push_back("immediate"); });
  });
  victim = q.schedule_after(10ms, [&] { log.push_back("victim"); });
  q.schedule_after(12ms, [&] { log.push_back("second"); });
  t.advance(12ms);
  // "immediate" was due during the expiry and ran at the next one, still before the later "second".
  CHECK(log == std::vector<std::string>{"first", "immediate", "second"});
  t.advance(10ms);
  CHECK(log == std::vector<std::string>{"first", "immediate", "second", "child"});
  CHECK(q.size() == 0);
}

TEST_CASE("TimerQueue: a callback rescheduling itself runs once per expiry") {
  FakeTransport t;
  TimerQueue q(t);
  int runs = 0;
  std::function<void()> tick = [&] {
    ++runs;
    q.schedule_after(100ms, tick);
  };
  q.schedule_after(100ms, tick);
  t.advance(1000ms);
  CHECK(runs == 10);
  CHECK(q.size() == 1);
}

TEST_CASE("TimerQueue: cancelling the earliest leaves a harmless early wake-up and re-arms") {
  FakeTransport t;
  TimerQueue q(t);
  const auto start = t.clock;
  int fired = 0;
  const auto a = q.schedule_after(10ms, [&] { ++fired; });
  q.schedule_after(50ms, [&] { ++fired; });
  q.cancel(a);
  t.advance(10ms);  // wakes up for nothing
  CHECK(fired == 0);
  CHECK(t.armed);
  CHECK(t.deadline == start + 50ms);
  t.advance(40ms);
  CHECK(fired == 1);
}

TEST_CASE("TimerQueue compacts stale entries and stays correct") {
  FakeTransport t;
  TimerQueue q(t);
  int fired = 0;
  std::vector<TimerQueue::Id> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(q.schedule_after(std::chrono::milliseconds(1000 + i), [&] { ++fired; }));
  for (int i = 0; i < 1000; ++i)
    if (i % 10 != 0) CHECK(q.cancel(ids[static_cast<std::size_t>(i)]));
  CHECK(q.size() == 100);
  t.advance(3000ms);
  CHECK(fired == 100);
  CHECK(q.size() == 0);
}

TEST_CASE("TimerQueue: a schedule in the past runs at the next expiry") {
  FakeTransport t;
  TimerQueue q(t);
  bool ran = false;
  q.schedule(t.clock - 1s, [&] { ran = true; });
  CHECK(t.armed);
  t.advance(0ms);
  CHECK(ran);
}

TEST_CASE("TimerQueue destroys its transport timer with itself") {
  FakeTransport t;
  {
    TimerQueue q(t);
    CHECK(t.timer != nullptr);
  }
  CHECK(t.timer == nullptr);
}

TEST_CASE("TimerQueue disarms its timer when the last pending callback is cancelled") {
  // An armed timer is work for the io_context: left armed, run() would not return until it fired.
  FakeTransport t;
  TimerQueue q(t);
  const auto a = q.schedule_after(10ms, [] {});
  const auto b = q.schedule_after(20ms, [] {});
  CHECK(t.armed);
  CHECK(q.cancel(a));
  CHECK(t.armed);
  CHECK(q.cancel(b));
  CHECK_FALSE(t.armed);
  int fired = 0;
  q.schedule_after(5ms, [&] { ++fired; });
  CHECK(t.armed);
  t.advance(5ms);
  CHECK(fired == 1);
}
