#include "sio/transport/memory.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "sio/engineio/server.hpp"

using namespace std::chrono_literals;
using sio::transport::memory;

namespace {

// A handler that records what the transport delivers and answers as told.
struct Recorder final : sio::transport::Handler {
  std::vector<std::string> log;
  std::vector<std::shared_ptr<sio::transport::HttpExchange>> exchanges;
  std::vector<std::shared_ptr<sio::transport::WsConnection>> sockets;
  std::vector<sio::transport::HttpRequest> opened;
  std::error_code last_close;
  int validate_status = 0;
  bool respond_now = true;

  void on_http(std::shared_ptr<sio::transport::HttpExchange> ex) override {
    const auto& r = ex->request();
    log.push_back("http " + r.method + " " + r.path + " ? " + r.query + " [" + r.body + "] from " + r.remote_address);
    if (respond_now) {
      ex->respond(200, "echo:" + r.body, {{"X-Test", "1"}});
    }
    exchanges.push_back(std::move(ex));
  }
  void on_http_aborted(sio::transport::HttpExchange& ex) override {
    log.push_back(std::string("aborted ") + (ex.open() ? "open" : "closed"));
  }
  int on_ws_validate(const sio::transport::HttpRequest& r, std::string& body) override {
    log.push_back("validate " + r.query);
    if (validate_status) body = "no";
    return validate_status;
  }
  void on_ws_open(std::shared_ptr<sio::transport::WsConnection> c, sio::transport::HttpRequest r) override {
    log.push_back("open " + r.query);
    opened.push_back(std::move(r));
    sockets.push_back(std::move(c));
  }
  void on_ws_message(sio::transport::WsConnection&, std::string_view data, bool binary) override {
    log.push_back(std::string(binary ? "bin " : "text ") + std::string(data));
  }
  void on_ws_close(sio::transport::WsConnection&, std::error_code ec) override {
    last_close = ec;
    log.push_back(ec ? "close error" : "close");
  }
};

sio::engineio::Frame text(std::string s) { return sio::engineio::make_text_frame(std::move(s)); }

}  // namespace

TEST_CASE("memory: the clock moves only with advance") {
  asio::io_context ioc;
  memory t(ioc);
  CHECK(&t.context() == &ioc);
  const auto start = t.now();
  t.run_pending();
  CHECK(t.now() == start);
  t.advance(1500ms);
  CHECK(t.now() == start + 1500ms);
}

TEST_CASE("memory: timers fire in deadline order with now() at their deadline") {
  asio::io_context ioc;
  memory t(ioc);
  const auto start = t.now();
  std::vector<std::pair<int, sio::transport::TimePoint>> fired;
  auto a = t.make_timer([&] { fired.emplace_back(1, t.now()); });
  auto b = t.make_timer([&] { fired.emplace_back(2, t.now()); });
  auto c = t.make_timer([&] { fired.emplace_back(3, t.now()); });
  a->expires_at(start + 300ms);
  b->expires_at(start + 100ms);
  c->expires_at(start + 200ms);
  c->cancel();
  t.advance(250ms);
  REQUIRE(fired.size() == 1);
  CHECK(fired[0].first == 2);
  CHECK(fired[0].second == start + 100ms);
  a->expires_at(start + 260ms);  // re-arming replaces the earlier arming
  t.advance(100ms);
  REQUIRE(fired.size() == 2);
  CHECK(fired[1] == std::make_pair(1, start + 260ms));
  t.advance(1s);
  CHECK(fired.size() == 2);  // one-shot
}

TEST_CASE("memory: a timer armed in the past fires at the next run_pending") {
  asio::io_context ioc;
  memory t(ioc);
  int n = 0;
  auto tm = t.make_timer([&] { ++n; });
  tm->expires_at(t.now() - 1s);
  CHECK(t.run_pending() == 1);
  CHECK(n == 1);
}

TEST_CASE("memory: a destroyed timer never fires, even from its own callback") {
  asio::io_context ioc;
  memory t(ioc);
  int n = 0;
  std::unique_ptr<sio::transport::Timer> tm;
  tm = t.make_timer([&] {
    ++n;
    tm.reset();
  });
  tm->expires_at(t.now() + 10ms);
  t.advance(20ms);
  CHECK(n == 1);
  auto other = t.make_timer([&] { ++n; });
  other->expires_at(t.now() + 10ms);
  other.reset();
  t.advance(20ms);
  CHECK(n == 1);
}

TEST_CASE("memory: posted work runs in order in run_pending, never inside post") {
  asio::io_context ioc;
  memory t(ioc);
  std::vector<int> order;
  t.post([&] {
    order.push_back(1);
    t.post([&] { order.push_back(3); });
  });
  t.post([&] { order.push_back(2); });
  CHECK(order.empty());
  CHECK(t.run_pending() == 3);
  CHECK(order == std::vector<int>{1, 2, 3});
}

TEST_CASE("memory: HTTP requests go to the longest mounted prefix, others to the callback or 404") {
  asio::io_context ioc;
  memory t(ioc);
  Recorder a, b;
  t.mount("/socket.io/", a);
  t.mount("/socket.io/deep/", b);
  auto r = t.request("POST", "/socket.io/?EIO=4&transport=polling", "hello", {{"Origin", "x"}}, "10.0.0.1");
  REQUIRE(r->done);
  CHECK(r->status == 200);
  CHECK(r->body == "echo:hello");
  CHECK(r->header("x-test") == "1");
  REQUIRE(a.log.size() == 1);
  CHECK(a.log[0] == "http POST /socket.io/ ? EIO=4&transport=polling [hello] from 10.0.0.1");
  CHECK(a.exchanges[0]->request().header("origin") == "x");
  CHECK_FALSE(a.exchanges[0]->open());

  t.request("GET", "/socket.io/deep/x");
  CHECK(b.log.size() == 1);
  CHECK(a.log.size() == 1);

  auto nf = t.request("GET", "/elsewhere");
  CHECK(nf->done);
  CHECK(nf->status == 404);

  std::string seen;
  t.set_http_callback([&](std::shared_ptr<sio::transport::HttpExchange> ex) {
    seen = ex->request().path;
    ex->respond(201, "made");
  });
  auto cb = t.request("GET", "/elsewhere?x=1");
  CHECK(seen == "/elsewhere");
  CHECK(cb->status == 201);

  t.unmount("/socket.io/");
  t.request("GET", "/socket.io/");
  CHECK(a.log.size() == 1);
  CHECK(seen == "/socket.io/");
}

TEST_CASE("memory: a pending exchange answers later, respond() works once, abort_request") {
  asio::io_context ioc;
  memory t(ioc);
  Recorder h;
  h.respond_now = false;
  t.mount("/p/", h);
  auto r = t.request("GET", "/p/");
  CHECK_FALSE(r->done);
  auto ex = h.exchanges.back();
  CHECK(ex->open());
  ex->respond(200, "late");
  ex->respond(500, "again");
  CHECK(r->done);
  CHECK(r->status == 200);
  CHECK(r->body == "late");

  auto r2 = t.request("GET", "/p/");
  t.abort_request(r2);
  CHECK(r2->aborted);
  CHECK_FALSE(r2->done);
  CHECK(h.log.back() == "aborted closed");
  CHECK_FALSE(h.exchanges.back()->open());
  h.exchanges.back()->respond(200, "too late");
  CHECK_FALSE(r2->done);
  t.abort_request(r);  // already answered: nothing happens
  CHECK(h.log.back() == "aborted closed");
  CHECK(h.log.size() == 3);
}

TEST_CASE("memory: bodies over max_payload get 413 without reaching the handler") {
  asio::io_context ioc;
  memory t(ioc);
  Recorder h;
  sio::transport::MountOptions o;
  o.max_payload = 4;
  t.mount("/p/", h, o);
  CHECK(t.request("POST", "/p/", "1234")->status == 200);
  auto r = t.request("POST", "/p/", "12345");
  CHECK(r->done);
  CHECK(r->status == 413);
  CHECK(h.log.size() == 1);
}

TEST_CASE("memory: WebSocket validate, refuse, open, messages both ways") {
  asio::io_context ioc;
  memory t(ioc);
  Recorder h;
  t.mount("/ws/", h);

  h.validate_status = 400;
  auto refused = t.connect("/ws/?a=1");
  CHECK_FALSE(refused->accepted());
  CHECK(refused->refused_status() == 400);
  CHECK(refused->refused_body() == "no");
  CHECK(refused->closed());
  CHECK(h.log == std::vector<std::string>{"validate a=1"});
  CHECK(t.connect("/nowhere")->refused_status() == 404);

  h.validate_status = 0;
  auto c = t.connect("/ws/?b=2", {{"Cookie", "k=v"}});
  REQUIRE(c->accepted());
  CHECK_FALSE(c->closed());
  REQUIRE(h.sockets.size() == 1);
  auto& s = *h.sockets[0];
  REQUIRE(h.opened.size() == 1);
  CHECK(h.opened[0].header("cookie") == "k=v");
  CHECK(c->server_side() == &s);
  c->send_text("hi");
  c->send_binary(std::string("\x00\x01", 2));
  CHECK(h.log.back() == std::string("bin \x00\x01", 6));
  s.send(text("4a"));
  s.send(sio::engineio::make_binary_frame("xy"));
  REQUIRE(c->received().size() == 2);
  CHECK(c->received()[0].data == "4a");
  CHECK_FALSE(c->received()[0].binary);
  CHECK(c->received()[1].binary);
  CHECK(s.buffered_amount() == 0);
  CHECK(c->writes() == 2);
}

TEST_CASE("memory: closing from the server, from the client, and by abort") {
  asio::io_context ioc;
  memory t(ioc);
  Recorder h;
  t.mount("/ws/", h);

  auto c1 = t.connect("/ws/");
  h.sockets[0]->close(sio::transport::CloseCode::going_away);
  CHECK(c1->closed());
  CHECK(c1->close_code() == 1001);
  CHECK(h.log.back() == "open ");  // the handler hears of it later, not inside close()
  t.run_pending();
  CHECK(h.log.back() == "close");
  CHECK_FALSE(h.last_close);
  h.sockets[0]->send(text("4late"));  // ignored after close
  CHECK(c1->received().empty());
  c1->send_text("ignored");
  CHECK(h.log.back() == "close");

  auto c2 = t.connect("/ws/");
  c2->close();
  CHECK(c2->closed());
  CHECK(h.log.back() == "close");
  CHECK_FALSE(h.last_close);
  c2->close();
  c2->abort();
  CHECK(std::count(h.log.begin(), h.log.end(), "close") == 2);

  auto c3 = t.connect("/ws/");
  c3->abort();
  CHECK(c3->closed());
  CHECK(c3->close_error() == std::errc::connection_reset);
  CHECK(h.log.back() == "close error");
}

TEST_CASE("memory: WebSocket messages over max_payload close with 1009") {
  asio::io_context ioc;
  memory t(ioc);
  Recorder h;
  sio::transport::MountOptions o;
  o.max_payload = 3;
  t.mount("/ws/", h, o);
  auto c = t.connect("/ws/");
  c->send_text("abc");
  CHECK(h.log.back() == "text abc");
  c->send_text("abcd");
  CHECK(c->closed());
  CHECK(c->close_code() == 1009);
  CHECK(h.log.back() == "close error");
  CHECK(h.last_close == sio::error::payload_too_large);
}

TEST_CASE("memory: fail_write_at fails exactly that write and reports it after the call") {
  asio::io_context ioc;
  memory t(ioc);
  Recorder h;
  t.mount("/ws/", h);
  auto c = t.connect("/ws/");
  c->fail_write_at(1);
  auto& s = *h.sockets[0];
  s.send(text("40"));
  s.send(text("41"));
  s.send(text("42"));
  CHECK(c->received().size() == 1);
  CHECK(c->closed());
  CHECK(c->writes() == 2);
  CHECK(h.log.back() == "open ");
  t.run_pending();
  CHECK(h.log.back() == "close error");
  CHECK(h.last_close == std::errc::io_error);
}

TEST_CASE("memory: set_write_delay holds frames (buffered_amount) and a close until release") {
  asio::io_context ioc;
  memory t(ioc);
  Recorder h;
  t.mount("/ws/", h);
  auto c = t.connect("/ws/");
  auto& s = *h.sockets[0];
  c->set_write_delay(true);
  s.send(text("4abc"));
  s.send(text("4de"));
  CHECK(c->received().empty());
  CHECK(s.buffered_amount() == 7);
  s.close();
  CHECK_FALSE(c->closed());
  c->release();
  REQUIRE(c->received().size() == 2);
  CHECK(c->received()[1].data == "4de");
  CHECK(s.buffered_amount() == 0);
  CHECK(c->closed());
  CHECK(h.log.back() == "close");

  auto c2 = t.connect("/ws/");
  c2->set_write_delay(true);
  h.sockets[1]->send(text("4x"));
  c2->set_write_delay(false);
  CHECK(c2->received().size() == 1);
}

TEST_CASE("memory: unmount closes the handler's connections and requests without calling it") {
  asio::io_context ioc;
  memory t(ioc);
  Recorder h;
  h.respond_now = false;
  t.mount("/ws/", h);
  auto c = t.connect("/ws/");
  auto r = t.request("GET", "/ws/");
  const auto n = h.log.size();
  t.unmount("/ws/");
  CHECK(c->closed());
  CHECK(c->close_code() == 1001);
  CHECK(r->done);
  CHECK(r->status == 503);
  c->send_text("x");
  c->close();
  t.run_pending();
  CHECK(h.log.size() == n);
}

TEST_CASE("memory: fail_next_ws_write_at reaches the writes made from on_ws_open") {
  asio::io_context ioc;
  memory t(ioc);
  struct Greeter final : sio::transport::Handler {
    std::error_code closed_with;
    std::shared_ptr<sio::transport::WsConnection> conn;
    void on_http(std::shared_ptr<sio::transport::HttpExchange>) override {}
    void on_http_aborted(sio::transport::HttpExchange&) override {}
    void on_ws_open(std::shared_ptr<sio::transport::WsConnection> c, sio::transport::HttpRequest) override {
      conn = c;
      c->send(sio::engineio::make_text_frame("hello"));
    }
    void on_ws_message(sio::transport::WsConnection&, std::string_view, bool) override {}
    void on_ws_close(sio::transport::WsConnection&, std::error_code ec) override { closed_with = ec; }
  } h;
  t.mount("/ws/", h);
  t.fail_next_ws_write_at(0);
  auto c = t.connect("/ws/");
  CHECK(c->accepted());
  CHECK(c->received().empty());
  CHECK(c->closed());
  CHECK(h.closed_with == std::errc::io_error);
  auto d = t.connect("/ws/");  // only the next connection was affected
  CHECK(d->received().size() == 1);
}

TEST_CASE("memory: the constructing thread is the I/O thread") {
  asio::io_context ioc;
  memory t(ioc);
  CHECK(t.running_in_this_thread());
  bool elsewhere = true;
  std::thread other([&] { elsewhere = t.running_in_this_thread(); });
  other.join();
  CHECK_FALSE(elsewhere);
}

TEST_CASE("memory: post from many threads, every function runs once, on the I/O thread, in each thread's order") {
  asio::io_context ioc;
  memory t(ioc);
  constexpr int threads = 4, per_thread = 500;
  std::vector<std::vector<int>> seen(threads);
  std::size_t ran = 0;
  bool all_on_io_thread = true;
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w) {
    workers.emplace_back([&, w] {
      for (int i = 0; i < per_thread; ++i)
        t.post([&, w, i] {
          all_on_io_thread = all_on_io_thread && t.running_in_this_thread();
          seen[w].push_back(i);
          ++ran;
        });
    });
  }
  const bool done = t.run_for(10s, [&] { return ran == std::size_t{threads} * per_thread; });
  for (auto& w : workers) w.join();
  REQUIRE(done);
  CHECK(all_on_io_thread);
  for (const auto& v : seen) {
    REQUIRE(v.size() == std::size_t{per_thread});
    for (int i = 0; i < per_thread; ++i) CHECK(v[i] == i);
  }
}

TEST_CASE("memory: run_for wakes for work posted later, and runs what that work posts and due timers") {
  asio::io_context ioc;
  memory t(ioc);
  std::vector<std::string> order;
  auto timer = t.make_timer([&] { order.push_back("timer"); });
  std::atomic<bool> go{false};
  std::thread worker([&] {
    while (!go.load()) std::this_thread::yield();
    t.post([&] {
      order.push_back("posted");
      t.post([&] { order.push_back("nested"); });
      timer->expires_at(t.now());
    });
  });
  // Nothing to do yet: run_for must wait for the worker, not return.
  CHECK(t.run_for(10s, [&] {
    go = true;
    return order.size() == 3;
  }));
  worker.join();
  CHECK(order == std::vector<std::string>{"posted", "nested", "timer"});
}

TEST_CASE("memory: run_for gives up at its bound and reports that done() never held") {
  asio::io_context ioc;
  memory t(ioc);
  std::size_t checks = 0;
  const auto start = std::chrono::steady_clock::now();
  CHECK_FALSE(t.run_for(20ms, [&] {
    ++checks;
    return false;
  }));
  CHECK(std::chrono::steady_clock::now() - start >= 20ms);
  CHECK(checks >= 2);
  // A clock that does not move: run_for runs only timers already due.
  bool fired = false;
  auto timer = t.make_timer([&] { fired = true; });
  timer->expires_at(t.now() + 1ms);
  CHECK_FALSE(t.run_for(1ms, [&] { return fired; }));
}

namespace {
// Keeps the last session opened, so that another thread can send on it through post().
struct LastSession final : sio::engineio::SessionHandler {
  sio::engineio::Session* session = nullptr;
  void on_open(sio::engineio::Session& s) override { session = &s; }
  void on_message(sio::engineio::Session&, std::string_view, bool) override {}
  void on_close(sio::engineio::Session&, sio::engineio::CloseReason) override { session = nullptr; }
};
}  // namespace

TEST_CASE("memory: a worker thread posts a send, the waiting polling GET gets it") {
  asio::io_context ioc;
  memory t(ioc);
  LastSession handler;
  sio::engineio::Server server(t, "/engine.io/", {}, handler);
  auto open = t.request("GET", "/engine.io/?EIO=4&transport=polling");
  REQUIRE(open->status == 200);
  REQUIRE(handler.session);
  const std::string sid = handler.session->id();
  auto poll = t.request("GET", "/engine.io/?EIO=4&transport=polling&sid=" + sid);
  CHECK_FALSE(poll->done);
  std::thread worker([&] {
    t.post([&] {
      if (handler.session)
        handler.session->send(sio::engineio::make_frame(sio::engineio::PacketType::message, "from a worker"));
    });
  });
  REQUIRE(t.run_for(10s, [&] { return poll->done; }));
  worker.join();
  CHECK(poll->status == 200);
  CHECK(poll->body == "4from a worker");
}
