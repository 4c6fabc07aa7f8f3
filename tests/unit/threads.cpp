// Calls documented as safe from any thread, made from real threads while the I/O thread runs the
// server: the ThreadSanitizer build (scripts/test --tsan) checks that they race with nothing.
#include "sio/server.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <asio/use_future.hpp>

#include "sio/transport/memory.hpp"
#include "unit/support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;

namespace {

constexpr auto bound = 20s;  // a generous bound: the waits end as soon as the work is done

struct Fixture {
  asio::io_context ioc;
  sio::transport::memory t{ioc};  // constructed here: this thread is the I/O thread
  sio::Server<sio::transport::memory> io{t};
  sio::Socket sock;
  Client* client = nullptr;
  std::vector<std::string> frames;

  Fixture() {
    io.on("connection", [this](sio::Socket s) { sock = s; });
  }
  // Runs the server until `n` frames reached the client (or the bound passed).
  bool receive(std::size_t n) {
    return t.run_for(bound, [&] {
      for (auto& f : client->drain()) frames.push_back(std::move(f));
      return frames.size() >= n;
    });
  }
};

}  // namespace

TEST_CASE("threads: emits from several threads all arrive, each thread's in order") {
  Fixture f;
  Client c(f.t);
  f.client = &c;
  c.connect();
  constexpr int threads = 4, each = 50;
  // Catch2's assertions are for the test's own thread: workers count, the test checks.
  std::atomic<int> not_queued{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w)
    workers.emplace_back([&, w] {
      for (int i = 0; i < each; ++i) {
        if (f.sock.emit("n", w, i) != sio::SendStatus::queued) ++not_queued;
        if (i % 10 == 0) f.io.emit("all", w);
      }
    });
  REQUIRE(f.receive(threads * each + threads * (each / 10)));
  for (auto& w : workers) w.join();
  CHECK(not_queued == 0);
  std::vector<int> next(threads, 0);
  for (const auto& frame : f.frames) {
    if (frame.rfind(R"(42["n",)", 0) != 0) continue;
    int w = frame[7] - '0';
    CHECK(frame == R"(42["n",)" + std::to_string(w) + "," + std::to_string(next[w]) + "]");
    ++next[w];
  }
  CHECK(next == std::vector<int>(threads, each));
}

TEST_CASE("threads: emit_with_ack with use_future from a worker, on a socket, a namespace, an operator, the server") {
  Fixture f;
  Client c(f.t);
  f.client = &c;
  c.connect();
  std::atomic<int> finished{0};
  std::vector<std::string> answers(4);
  std::thread worker([&] {
    auto a = f.sock.timeout(bound).emit_with_ack("q", "socket", asio::use_future);
    auto b = f.io.sockets().timeout(bound).emit_with_ack("q", "namespace", asio::use_future);
    auto c2 = f.io.to(f.sock.id()).timeout(bound).emit_with_ack("q", "operator", asio::use_future);
    auto d = f.io.timeout(bound).emit_with_ack("q", "server", asio::use_future);
    answers[0] = a.get().get<std::string>(0);
    answers[1] = b.get().at(0).get<std::string>(0);
    answers[2] = c2.get().at(0).get<std::string>(0);
    answers[3] = d.get().at(0).get<std::string>(0);
    finished = 1;
  });
  // The client answers each question with its own argument, as the questions come.
  std::size_t answered = 0;
  REQUIRE(f.t.run_for(bound, [&] {
    for (auto& frame : c.drain()) {
      // 42<id>["q","<who>"] -> 43<id>["<who>"]
      auto bracket = frame.find('[');
      std::string id = frame.substr(2, bracket - 2);
      std::string who = frame.substr(frame.find(',', bracket) + 1);
      who.pop_back();
      c.send_text("43" + id + "[" + who + "]");
      ++answered;
    }
    return finished.load() == 1;
  }));
  worker.join();
  CHECK(answered == 4);
  CHECK(answers == std::vector<std::string>{"socket", "namespace", "operator", "server"});
}

TEST_CASE("threads: join, leave, fetch_sockets, server_side_emit, an Ack and disconnect from a worker") {
  Fixture f;
  sio::Ack held;
  f.io.on("connection", [&](sio::Socket s) { s.on("ask", [&](sio::Args, sio::Ack ack) { held = ack; }); });
  Client c(f.t);
  f.client = &c;
  c.connect();
  c.send_text(R"(425["ask"])");
  REQUIRE(held);

  std::atomic<bool> done{false};
  std::vector<std::string> rooms_seen;
  std::size_t side_replies = 99;
  sio::SendStatus ack_status = sio::SendStatus::disconnected;
  std::thread worker([&] {
    f.sock.join(std::vector<std::string>{"a", "b"});
    f.sock.leave("a");
    f.io.in("b").sockets_join("c");
    auto fetched = f.io.in("c").fetch_sockets(asio::use_future).get();
    if (fetched.size() == 1) rooms_seen = fetched.front().rooms();
    side_replies = f.io.server_side_emit_with_ack("hello", 1, asio::use_future).get().size();
    ack_status = held("answer");
    f.sock.disconnect();
    done = true;
  });
  REQUIRE(f.t.run_for(bound, [&] {
    for (auto& fr : c.drain()) f.frames.push_back(fr);
    return done.load() && f.frames.size() >= 2;
  }));
  worker.join();
  CHECK(rooms_seen == std::vector<std::string>{f.sock.id(), "b", "c"});
  CHECK(side_replies == 0);  // one server: nobody else to answer
  CHECK(ack_status == sio::SendStatus::queued);
  CHECK(f.frames == std::vector<std::string>{R"(435["answer"])", "41"});
  CHECK_FALSE(f.sock.connected());
}
