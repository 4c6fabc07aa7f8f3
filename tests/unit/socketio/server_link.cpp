#include "sio/socketio/server_link.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "sio/options.hpp"
#include "sio/socketio/server_core.hpp"

using namespace std::chrono_literals;
using sio::detail::ServerLink;

namespace {

// The I/O thread of a transport, played by the test's main thread: post() queues from any thread
// and wakes it; drain() runs what was posted there.
struct IoThread {
  std::thread::id id = std::this_thread::get_id();
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::function<void()>> posted;
  std::size_t posts = 0;

  void post(std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      posted.push_back(std::move(fn));
      ++posts;
    }
    cv.notify_one();
  }
  bool in_thread() const { return std::this_thread::get_id() == id; }
  // Runs what was posted; waits (at most `wait`) for something to be posted first.
  std::size_t drain(std::chrono::milliseconds wait = 0ms) {
    std::vector<std::function<void()>> batch;
    {
      std::unique_lock<std::mutex> lock(mutex);
      cv.wait_for(lock, wait, [&] { return !posted.empty(); });
      batch.swap(posted);
    }
    for (auto& fn : batch) fn();
    return batch.size();
  }
  std::shared_ptr<ServerLink> link(sio::detail::ServerCore* core) {
    return std::make_shared<ServerLink>(
        core, [this](std::function<void()> fn) { post(std::move(fn)); }, [this] { return in_thread(); });
  }
};

struct Fixture {
  IoThread io;
  sio::detail::ServerCore core{sio::ServerOptions{}};
  std::shared_ptr<ServerLink> link = io.link(&core);
};

}  // namespace

TEST_CASE("posted functions run on the I/O thread, in order, one transport post per burst") {
  Fixture f;
  CHECK(f.link->on_io_thread());
  CHECK(f.link->core() == &f.core);
  std::vector<int> ran;
  for (int i = 0; i < 3; ++i) {
    std::function<void()> fn = [&ran, i] { ran.push_back(i); };
    CHECK(f.link->post(fn));
    CHECK_FALSE(fn);  // taken
  }
  CHECK(ran.empty());
  CHECK(f.io.posts == 1);
  CHECK(f.io.drain() == 1);
  CHECK(ran == std::vector<int>{0, 1, 2});
  // The next burst is posted again.
  std::function<void()> more = [&ran] { ran.push_back(3); };
  CHECK(f.link->post(more));
  CHECK(f.io.posts == 2);
  f.io.drain();
  CHECK(ran == std::vector<int>{0, 1, 2, 3});
}

TEST_CASE("on_io_thread asks the transport, and is true without a way to ask") {
  Fixture f;
  bool other_thread = false;
  std::thread([&] { other_thread = f.link->on_io_thread(); }).join();
  CHECK_FALSE(other_thread);
  ServerLink no_check(&f.core, [](std::function<void()>) {}, nullptr);
  CHECK(no_check.on_io_thread());
}

TEST_CASE("close runs what is queued, then refuses posts and lets every thread act") {
  Fixture f;
  std::vector<std::string> ran;
  std::function<void()> queued = [&] { ran.push_back(f.link->core() ? "with server" : "server gone"); };
  CHECK(f.link->post(queued));
  f.link->close();
  CHECK(ran == std::vector<std::string>{"server gone"});
  CHECK_FALSE(f.link->core());
  std::function<void()> late = [&] { ran.push_back("late"); };
  CHECK_FALSE(f.link->post(late));
  REQUIRE(late);  // left to the caller, who runs it at once
  CHECK(ran.size() == 1);
  bool other_thread = false;
  std::thread([&] { other_thread = f.link->on_io_thread(); }).join();
  CHECK(other_thread);
  // The task posted before the close finds nothing left to run.
  f.io.drain();
  CHECK(ran.size() == 1);
}

TEST_CASE("functions posted from several threads each run once, in each thread's order") {
  Fixture f;
  constexpr int threads = 4, per_thread = 500;
  std::vector<std::vector<int>> ran(threads);  // touched on the I/O thread only
  std::atomic<int> wrong_thread{0}, refused{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        std::function<void()> fn = [&, t, i] {
          if (!f.io.in_thread()) ++wrong_thread;
          ran[t].push_back(i);
        };
        if (!f.link->post(fn)) ++refused;  // Catch's assertions are for the main thread
      }
    });
  }
  auto total = [&] {
    std::size_t n = 0;
    for (auto& r : ran) n += r.size();
    return n;
  };
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (total() < std::size_t{threads * per_thread} && std::chrono::steady_clock::now() < deadline) f.io.drain(100ms);
  for (auto& p : posters) p.join();
  f.io.drain();
  CHECK(wrong_thread == 0);
  CHECK(refused == 0);
  for (int t = 0; t < threads; ++t) {
    INFO("thread " << t);
    REQUIRE(ran[t].size() == std::size_t{per_thread});
    for (int i = 0; i < per_thread; ++i) REQUIRE(ran[t][static_cast<std::size_t>(i)] == i);
  }
}

TEST_CASE("a close racing with posting threads loses no function and runs none twice") {
  Fixture f;
  constexpr int threads = 3, per_thread = 2000;
  std::atomic<int> runs{0}, refused{0}, started{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t) {
    posters.emplace_back([&] {
      ++started;
      for (int i = 0; i < per_thread; ++i) {
        std::function<void()> fn = [&] { ++runs; };
        if (!f.link->post(fn)) {
          // Refused: the caller runs it itself, as the handles do.
          ++refused;
          fn();
        }
      }
    });
  }
  // Let some work through before the server goes, while the threads still post.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (runs == 0 && std::chrono::steady_clock::now() < deadline) f.io.drain(100ms);
  f.link->close();
  for (auto& p : posters) p.join();
  f.io.drain();
  CHECK(started == threads);
  CHECK(runs == threads * per_thread);
  INFO("refused after close: " << refused.load());
  std::function<void()> after = [] {};
  CHECK_FALSE(f.link->post(after));
}
