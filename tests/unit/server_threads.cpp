#include "sio/server.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "sio/transport/memory.hpp"
#include "support/sio_client.hpp"

// Work handed to the I/O thread from real threads, as applications do: emits, broadcasts, acks
// and Server::post from workers, with the test thread running the memory transport's loop. Run
// under scripts/test --tsan, these are the tests that show the hand-off is free of data races.
// Workers make no Catch2 assertion (Catch2 is not thread-safe): they record, the test thread checks.

using namespace std::chrono_literals;
using sio::test::Client;
using Server = sio::Server<sio::transport::memory>;

namespace {

constexpr int workers = 4;
constexpr int per_worker = 100;

// Runs `fn(w)` on `workers` threads at once and joins them when destroyed.
class Workers {
 public:
  template <class Fn>
  explicit Workers(Fn fn) {
    for (int w = 0; w < workers; ++w) threads_.emplace_back([fn, w] { fn(w); });
  }
  ~Workers() {
    for (auto& t : threads_) t.join();
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

 private:
  std::vector<std::thread> threads_;
};

// Waits, bounded, until `c` has received `n` frames, and returns them.
std::vector<std::string> wait_frames(sio::transport::memory& t, Client& c, std::size_t n) {
  REQUIRE(t.run_for(20s, [&] { return c.ws().received().size() >= n; }));
  return c.drain();
}

// Checks that the frames `42["n",w,i]` of each worker arrived in the order that worker sent them.
void check_per_worker_order(const std::vector<std::string>& frames, const std::string& event) {
  std::vector<int> next(workers, 0);
  for (const std::string& f : frames) {
    const std::string prefix = "42[\"" + event + "\",";
    REQUIRE(f.substr(0, prefix.size()) == prefix);
    const std::size_t comma = f.find(',', prefix.size());
    const int w = std::stoi(f.substr(prefix.size(), comma - prefix.size()));
    const int i = std::stoi(f.substr(comma + 1));
    REQUIRE(w >= 0);
    REQUIRE(w < workers);
    CHECK(i == next[w]);
    next[w] = i + 1;
  }
  for (int w = 0; w < workers; ++w) CHECK(next[w] == per_worker);
}

}  // namespace

TEST_CASE("threads: emits on a socket from several workers all arrive, each worker's in order") {
  asio::io_context ioc;
  sio::transport::memory t(ioc);
  Server io(t);
  sio::Socket sock;
  io.on("connection", [&](sio::Socket s) { sock = s; });
  Client c(t);
  c.connect();
  REQUIRE(sock);
  std::vector<int> queued(workers, 0);
  {
    Workers run([sock, &queued](int w) {
      for (int i = 0; i < per_worker; ++i) queued[w] += sock.emit("n", w, i) == sio::SendStatus::queued;
    });
    check_per_worker_order(wait_frames(t, c, std::size_t{workers} * per_worker), "n");
  }
  CHECK(queued == std::vector<int>(workers, per_worker));
}

TEST_CASE("threads: broadcasts and Server::post from workers reach every client") {
  asio::io_context ioc;
  sio::transport::memory t(ioc);
  Server io(t);
  Client a(t), b(t);
  a.connect();
  b.connect();
  int posted = 0;
  {
    Workers run([&io, &posted](int w) {
      for (int i = 0; i < per_worker; ++i) io.emit("all", w, i);
      io.post([&posted] { ++posted; });
    });
    const std::size_t n = std::size_t{workers} * per_worker;
    check_per_worker_order(wait_frames(t, a, n), "all");
    check_per_worker_order(wait_frames(t, b, n), "all");
    REQUIRE(t.run_for(20s, [&] { return posted == workers; }));
  }
}

TEST_CASE("threads: an ack answered on a worker goes out once, on the I/O thread") {
  asio::io_context ioc;
  sio::transport::memory t(ioc);
  Server io(t);
  std::vector<sio::Ack> acks;
  io.on("connection", [&](sio::Socket s) {
    s.on("q", [&](sio::Args, sio::Ack ack) { acks.push_back(ack); });
  });
  Client c(t);
  c.connect();
  for (int id = 0; id < workers; ++id) c.send_text("42" + std::to_string(id) + "[\"q\"]");
  REQUIRE(acks.size() == std::size_t{workers});
  std::vector<sio::SendStatus> first(workers), second(workers);
  {
    Workers run([&](int w) {
      first[w] = acks[w]("from", w);
      second[w] = acks[w]("again", w);
    });
  }
  std::vector<std::string> frames = wait_frames(t, c, workers);
  std::sort(frames.begin(), frames.end());
  std::vector<std::string> expected;
  for (int w = 0; w < workers; ++w) {
    CHECK(first[w] == sio::SendStatus::queued);
    CHECK(second[w] == sio::SendStatus::dropped);
    expected.push_back("43" + std::to_string(w) + "[\"from\"," + std::to_string(w) + "]");
  }
  CHECK(frames == expected);
  CHECK_FALSE(c.has_next());
}

TEST_CASE("threads: emits racing a disconnect are safe, and the last handle may go on the worker") {
  asio::io_context ioc;
  sio::transport::memory t(ioc);
  Server io(t);
  for (int round = 0; round < 5; ++round) {
    sio::Socket sock;
    io.on("connection", [&](sio::Socket s) { sock = s; });
    Client c(t);
    c.connect();
    REQUIRE(sock);
    std::atomic<bool> closed{false}, finished{false};
    int emitted = 0, queued = 0;
    // The worker goes on emitting until the client is gone, so that some emits surely run after
    // the disconnect (a cap keeps a stalled loop from filling memory).
    std::thread worker([s = std::move(sock), &closed, &finished, &emitted, &queued]() mutable {
      for (; emitted < 200000 && !(closed.load() && emitted > 0); ++emitted)
        queued += s.emit("n", emitted) == sio::SendStatus::queued;
      for (int i = 0; i < 100; ++i, ++emitted) queued += s.emit("n", emitted) == sio::SendStatus::queued;
      s = sio::Socket();  // the last reference to the socket goes here, off the I/O thread
      finished = true;
    });
    // Some emits arrive, then the client leaves while the worker still emits.
    REQUIRE(t.run_for(20s, [&] { return !c.ws().received().empty(); }));
    c.ws().close();
    closed = true;
    REQUIRE(t.run_for(20s, [&] { return finished.load(); }));
    worker.join();
    t.run_pending();
    CHECK(queued == emitted);
    const std::vector<std::string> frames = c.drain();
    for (std::size_t i = 0; i < frames.size(); ++i) CHECK(frames[i] == "42[\"n\"," + std::to_string(i) + "]");
    CHECK(frames.size() < static_cast<std::size_t>(emitted));
  }
}
