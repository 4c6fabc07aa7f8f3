#pragma once
/// \file
/// An in-process transport with a manual clock: no sockets, no threads of its own, deterministic.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <asio/io_context.hpp>

#include "sio/engineio/frame.hpp"
#include "sio/error.hpp"
#include "sio/transport/mount_table.hpp"
#include "sio/transport/transport.hpp"

namespace sio::transport {

/// An in-memory transport for tests: clients are objects in the same process and time moves only
/// when the test says so.
///
/// **The transport concept.** A transport `T` (this one, and sio::transport::websocketpp) provides:
/// \code
/// T::T(asio::io_context& ioc /*, options */);
/// asio::io_context& context();                     // the I/O thread's context: everything runs on it
/// transport::TimePoint now() const;                // the clock of every deadline
/// std::unique_ptr<transport::Timer> make_timer(std::function<void()> on_expiry);
/// void post(std::function<void()> fn);             // runs fn later on the I/O thread, never inside post(); thread-safe
/// bool running_in_this_thread() const;             // whether the caller is on the I/O thread
/// void mount(std::string path, transport::Handler& handler, transport::MountOptions options);
/// void unmount(const std::string& path);
/// void set_http_callback(transport::HttpCallback cb);
/// \endcode
/// - `mount`: HTTP requests and WebSocket upgrades whose path starts with `path` (e.g.
///   "/socket.io/") go to `handler`; the longest mounted prefix wins. Before accepting a WebSocket
///   the transport asks Handler::on_ws_validate. Bodies and messages larger than
///   `options.max_payload` are refused without reaching the handler (HTTP 413, WebSocket close 1009
///   then Handler::on_ws_close with sio::error::payload_too_large).
/// - `unmount`: after it returns, the transport makes no further call to that handler; its
///   WebSockets are closed (going away) and its pending HTTP requests answered 503.
/// - `set_http_callback`: every other HTTP request; 404 when there is none.
/// - Handler calls, timer expiries and posted functions all run on the I/O thread, one at a time;
///   a handler is never called from inside one of its own calls into the transport
///   (WsConnection::send, WsConnection::close, HttpExchange::respond).
/// - Timers and connections must not outlive their transport.
///
/// **This transport.** `now()` starts at a fixed point and moves only with advance(). Posted
/// functions and due timers run in run_pending(), which every client action below calls before it
/// returns (as an event loop would before the next network event), and which advance() calls at
/// each timer deadline. Nothing runs on the io_context: context() is there for code that needs one.
///
/// **Threads.** The thread that constructs the transport is its I/O thread: every member function
/// but post() must be called from it, and running_in_this_thread() is true there only. post() is
/// safe from any thread, so code that hands work to the I/O thread from elsewhere (an emit from a
/// worker thread, say) can be tested as it runs; the test thread waits for that work with
/// run_for(), bounded, without sleeping.
///
/// \code
/// asio::io_context ioc;
/// sio::transport::memory t(ioc);
/// // ... mount an engineio::Server at "/engine.io/" ...
/// auto r = t.request("GET", "/engine.io/?EIO=4&transport=polling");
/// REQUIRE(r->done);                    // r->status == 200, r->body starts with "0{"
/// t.advance(std::chrono::milliseconds(300));   // the heartbeat timer fires
/// \endcode
class memory {
 public:
  /// The client side of an HTTP request; filled in when the server responds.
  struct HttpResult {
    bool done = false;     ///< The server responded.
    bool aborted = false;  ///< The client went away first (abort_request()).
    int status = 0;        ///< HTTP status.
    std::string body;      ///< Response body.
    Headers headers;       ///< Response headers.
    /// Value of the first response header named `name` (case-insensitive), or empty.
    std::string_view header(std::string_view name) const noexcept {
      for (const auto& h : headers)
        if (iequals(h.first, name)) return h.second;
      return {};
    }
  };

  /// One frame a WsClient received.
  struct WsMessage {
    std::string data;  ///< The frame's payload.
    bool binary;       ///< True for a binary frame.
  };

  class WsClient;

  /// Makes a transport whose clock starts at an arbitrary fixed point; `ioc` is what context() returns.
  explicit memory(asio::io_context& ioc) : ioc_(ioc) {}
  memory(const memory&) = delete;
  memory& operator=(const memory&) = delete;
  ~memory();

  /// The io_context given at construction (this transport runs nothing on it).
  asio::io_context& context() noexcept { return ioc_; }
  /// The manual clock.
  TimePoint now() const noexcept { return now_; }
  /// A timer on the manual clock; it fires in advance() or run_pending() once its deadline is reached.
  std::unique_ptr<Timer> make_timer(std::function<void()> on_expiry);
  /// True on the thread that constructed the transport (its I/O thread), false on any other.
  bool running_in_this_thread() const noexcept { return std::this_thread::get_id() == io_thread_; }
  /// Queues `fn` for run_pending() (and wakes a run_for() waiting for it). Safe from any thread;
  /// `fn` runs on the I/O thread.
  void post(std::function<void()> fn) {
    {
      std::lock_guard<std::mutex> lock(posted_mutex_);
      posted_.push_back(std::move(fn));
    }
    posted_cv_.notify_one();
  }
  /// Routes requests whose path starts with `path` to `handler`.
  void mount(std::string path, Handler& handler, MountOptions options = {}) {
    unmount(path);
    mounts_.mount(std::move(path), handler, options);
  }
  /// Removes the mount at `path`: its WebSockets are closed (going away) and its pending requests
  /// answered 503, and its handler gets no further call.
  void unmount(const std::string& path);
  /// Receives every HTTP request that no mount takes.
  void set_http_callback(HttpCallback cb) { http_callback_ = std::move(cb); }

  /// Moves the clock forward by `delta`, stopping at each timer deadline on the way to fire that
  /// timer (with now() equal to its deadline) and run what it posted.
  void advance(std::chrono::milliseconds delta);
  /// Runs posted functions and due timers until none is left; returns how many ran.
  std::size_t run_pending();
  /// Runs posted functions and due timers one at a time, waiting for functions posted from other
  /// threads, until `done()` (asked before each one) is true or `max_wait` of wall-clock time has
  /// passed; returns `done()`.
  /// The manual clock does not move: only timers already due run. The wait is on a condition
  /// that post() signals, so it ends as soon as the awaited work has run.
  ///
  /// \code
  /// std::thread worker([&] { t.post([&] { got = true; }); });
  /// REQUIRE(t.run_for(std::chrono::seconds(5), [&] { return got; }));
  /// worker.join();
  /// \endcode
  bool run_for(std::chrono::milliseconds max_wait, const std::function<bool()>& done);

  /// Sends an HTTP request, e.g. `request("POST", "/socket.io/?EIO=4&transport=polling&sid=" + sid, "4hi")`.
  /// The result is `done` once the server responded (often before this returns; a long-polling GET
  /// stays pending until the server has something to send).
  std::shared_ptr<const HttpResult> request(std::string method, std::string target, std::string body = {},
                                            Headers headers = {}, std::string remote_address = "127.0.0.1");
  /// The client of a pending request goes away: the handler gets on_http_aborted.
  void abort_request(const std::shared_ptr<const HttpResult>& result);
  /// Opens a WebSocket, e.g. `connect("/socket.io/?EIO=4&transport=websocket")`; see WsClient::accepted().
  std::shared_ptr<WsClient> connect(std::string target, Headers headers = {}, std::string remote_address = "127.0.0.1");
  /// Fault injection for the next connection connect() opens: its server-to-client write of index `n` fails (see
  /// WsClient::fail_write_at), so that even what the handler sends from on_ws_open can fail.
  void fail_next_ws_write_at(std::size_t n) noexcept { next_fail_at_ = n; }

 private:
  class MemoryTimer;
  class Exchange;
  class Connection;
  friend class WsClient;

  // The handler of `mount`, or null once unmounted.
  static Handler* handler_of(const std::shared_ptr<Mount>& mount) noexcept { return mount ? mount->handler : nullptr; }
  static HttpRequest make_request(std::string method, const std::string& target, std::string body, Headers headers,
                                  std::string remote_address) {
    HttpRequest req;
    req.method = std::move(method);
    const auto q = target.find('?');
    req.path = target.substr(0, q);
    if (q != std::string::npos) req.query = target.substr(q + 1);
    req.headers = std::move(headers);
    req.body = std::move(body);
    req.remote_address = std::move(remote_address);
    return req;
  }
  bool fire_one_due_timer();
  bool run_one_posted();
  void prune();

  asio::io_context& ioc_;
  TimePoint now_{std::chrono::hours(1000)};
  const std::thread::id io_thread_ = std::this_thread::get_id();
  // Guarded by posted_mutex_: the one member other threads touch (through post()).
  std::deque<std::function<void()>> posted_;
  std::mutex posted_mutex_;
  std::condition_variable posted_cv_;
  std::vector<MemoryTimer*> timers_;
  std::uint64_t timer_seq_ = 0;
  MountTable mounts_;
  HttpCallback http_callback_;
  std::vector<std::shared_ptr<Exchange>> exchanges_;     // pending HTTP requests
  std::vector<std::shared_ptr<Connection>> connections_;  // open WebSockets
  std::size_t next_fail_at_ = std::numeric_limits<std::size_t>::max();
};

/// The server side of an in-memory request.
class memory::Exchange final : public HttpExchange {
 public:
  /// Request `req`, routed to `mount` (null: the HTTP callback); the response goes to `result`.
  Exchange(HttpRequest req, std::shared_ptr<HttpResult> result, std::shared_ptr<Mount> mount)
      : req_(std::move(req)), result_(std::move(result)), mount_(std::move(mount)) {}
  const HttpRequest& request() const noexcept override { return req_; }
  void respond(int status, std::string body, Headers headers = {}) override {
    if (!open_) return;
    open_ = false;
    result_->status = status;
    result_->body = std::move(body);
    result_->headers = std::move(headers);
    result_->done = true;
  }
  bool open() const noexcept override { return open_; }

 private:
  friend class memory;
  HttpRequest req_;
  std::shared_ptr<HttpResult> result_;
  std::shared_ptr<Mount> mount_;  // null: the HTTP callback's
  bool open_ = true;
};

/// A timer on the manual clock.
class memory::MemoryTimer final : public Timer {
 public:
  /// A disarmed timer on `owner`'s clock that runs `fn` when it expires.
  MemoryTimer(memory& owner, std::function<void()> fn) : owner_(owner), fn_(std::move(fn)) {
    owner_.timers_.push_back(this);
  }
  ~MemoryTimer() override {
    auto& v = owner_.timers_;
    v.erase(std::remove(v.begin(), v.end(), this), v.end());
  }
  void expires_at(TimePoint when) override {
    armed_ = true;
    when_ = when;
    seq_ = ++owner_.timer_seq_;
  }
  void cancel() override { armed_ = false; }

 private:
  friend class memory;
  memory& owner_;
  std::function<void()> fn_;
  TimePoint when_{};
  std::uint64_t seq_ = 0;
  bool armed_ = false;
};

/// The server side of an in-memory WebSocket; WsClient is its client side.
class memory::Connection final : public WsConnection, public std::enable_shared_from_this<Connection> {
 public:
  /// An accepted WebSocket on `mount`; a message larger than the mount's max_payload closes it (1009).
  Connection(memory& owner, std::shared_ptr<Mount> mount)
      : owner_(&owner), max_payload_(mount->options.max_payload), mount_(std::move(mount)) {}

  void send(const engineio::Frame& frame) override {
    if (closed_ || closing_ || !frame) return;
    if (hold_) {
      held_bytes_ += frame->bytes.size();
      held_.push_back(frame);
      return;
    }
    write(*frame);
  }
  void close(CloseCode code = CloseCode::normal, std::string_view reason = {}) override {
    if (closed_ || closing_) return;
    closing_ = true;
    close_code_ = static_cast<int>(code);
    close_reason_ = std::string(reason);
    // A close frame is written after the frames queued before it.
    if (held_.empty()) finish_close({});
  }
  std::size_t buffered_amount() const noexcept override { return held_bytes_; }

 private:
  friend class memory;
  friend class WsClient;

  void write(const engineio::FrameData& frame) {
    if (writes_++ == fail_at_) {
      fail(make_error_code(std::errc::io_error));
      return;
    }
    received_.push_back({frame.bytes, frame.binary});
  }
  // The connection is gone; the handler hears of it from run_pending(), never inside a send().
  void fail(std::error_code ec) {
    if (closed_) return;
    closed_ = true;
    close_error_ = ec;
    held_.clear();
    held_bytes_ = 0;
    notify_close_later(ec);
  }
  void finish_close(std::error_code ec) {
    closed_ = true;
    close_error_ = ec;
    notify_close_later(ec);
  }
  void notify_close_later(std::error_code ec) {
    owner_->post([self = shared_from_this(), ec] { self->notify_close(ec); });
  }
  void notify_close(std::error_code ec) {
    if (notified_) return;
    notified_ = true;
    if (Handler* h = handler_of(mount_)) h->on_ws_close(*this, ec);
  }
  void release() {
    const bool had_frames = !held_.empty();
    while (!held_.empty() && !closed_) {
      engineio::Frame f = std::move(held_.front());
      held_.pop_front();
      held_bytes_ -= f->bytes.size();
      write(*f);
    }
    if (closing_ && !closed_) finish_close({});
    // Like a socket whose writes have completed.
    if (had_frames && !closed_ && !closing_ && mount_->handler) mount_->handler->on_ws_drain(*this);
  }

  memory* owner_;
  std::size_t max_payload_;
  std::shared_ptr<Mount> mount_;
  std::deque<WsMessage> received_;
  std::deque<engineio::Frame> held_;
  std::size_t held_bytes_ = 0;
  std::size_t writes_ = 0;
  std::size_t fail_at_ = std::numeric_limits<std::size_t>::max();
  int close_code_ = 0;
  std::string close_reason_;
  std::error_code close_error_;
  bool hold_ = false;
  bool closing_ = false;   // the server started the closing handshake
  bool closed_ = false;
  bool notified_ = false;  // the handler got on_ws_close
};

/// The client side of an in-memory WebSocket, made by memory::connect().
class memory::WsClient {
 public:
  /// A frame the server sent.
  using Message = WsMessage;

  /// True when the server accepted the WebSocket (false when refused, see refused_status()).
  bool accepted() const noexcept { return conn_ != nullptr; }
  /// The HTTP status of a refused upgrade (0 when accepted).
  int refused_status() const noexcept { return refused_status_; }
  /// The body of a refused upgrade.
  const std::string& refused_body() const noexcept { return refused_body_; }
  /// True once the connection is closed (by either side or by a failure) or was refused.
  bool closed() const noexcept { return !conn_ || conn_->closed_; }
  /// Why the connection failed; empty after a closing handshake.
  std::error_code close_error() const noexcept { return conn_ ? conn_->close_error_ : std::error_code{}; }
  /// The close code of the closing handshake (1000, 1009, ...), 0 when none happened.
  int close_code() const noexcept { return conn_ ? conn_->close_code_ : 0; }
  /// The frames the server sent, oldest first; tests pop them as they check them.
  std::deque<Message>& received() noexcept { return conn_ ? conn_->received_ : refused_received_; }
  /// Sends a text frame (a frame over max_payload closes the connection with 1009 instead).
  void send_text(std::string_view data) { send(data, false); }
  /// Sends a binary frame (a frame over max_payload closes the connection with 1009 instead).
  void send_binary(std::string_view data) { send(data, true); }
  /// Client-initiated closing handshake: the handler gets on_ws_close with no error.
  void close() { end(1000, {}); }
  /// The connection is lost: the handler gets on_ws_close with an error.
  void abort() { end(0, make_error_code(std::errc::connection_reset)); }
  /// Fault injection: the server-to-client write of index `n` (0 for the first write of this
  /// connection) fails, which closes the connection with an error (std::errc::io_error).
  void fail_write_at(std::size_t n) noexcept {
    if (conn_) conn_->fail_at_ = n;
  }
  /// Number of server-to-client writes attempted so far (the frames a failure index can hit).
  std::size_t writes() const noexcept { return conn_ ? conn_->writes_ : 0; }
  /// While `hold` is true, frames the server sends wait in the connection (they count in
  /// WsConnection::buffered_amount()) until release(); setting it to false releases them.
  void set_write_delay(bool hold) {
    if (!conn_) return;
    conn_->hold_ = hold;
    if (!hold) release();
  }
  /// Delivers the frames held by set_write_delay(true), then a pending close.
  void release() {
    if (!conn_) return;
    conn_->release();
    owner_->run_pending();
  }
  /// The server side of this connection (what the handler got in on_ws_open), or null.
  WsConnection* server_side() const noexcept { return conn_.get(); }

  /// Made by memory::connect().
  WsClient(memory& owner, std::shared_ptr<Connection> conn, int refused_status, std::string refused_body)
      : owner_(&owner), conn_(std::move(conn)), refused_status_(refused_status), refused_body_(std::move(refused_body)) {}

 private:
  void send(std::string_view data, bool binary) {
    if (!conn_ || conn_->closed_ || conn_->closing_) return;
    Handler* h = handler_of(conn_->mount_);
    if (data.size() > conn_->max_payload_) {
      conn_->closed_ = true;
      conn_->close_code_ = static_cast<int>(CloseCode::message_too_big);
      conn_->close_error_ = make_error_code(error::payload_too_large);
      conn_->notified_ = true;
      if (h) h->on_ws_close(*conn_, conn_->close_error_);
    } else if (h) {
      h->on_ws_message(*conn_, data, binary);
    }
    owner_->run_pending();
  }
  void end(int code, std::error_code ec) {
    if (!conn_ || conn_->closed_) return;
    conn_->closed_ = true;
    conn_->close_code_ = code;
    conn_->close_error_ = ec;
    conn_->held_.clear();
    conn_->held_bytes_ = 0;
    conn_->notified_ = true;
    if (Handler* h = handler_of(conn_->mount_)) h->on_ws_close(*conn_, ec);
    owner_->run_pending();
  }

  memory* owner_;
  std::shared_ptr<Connection> conn_;
  int refused_status_;
  std::string refused_body_;
  std::deque<Message> refused_received_;
};

inline memory::~memory() {
  // Connections and exchanges may be kept by handlers or clients; they must not call back here.
  for (auto& c : connections_) c->notified_ = true;
}

inline void memory::unmount(const std::string& path) {
  const std::shared_ptr<Mount> gone = mounts_.unmount(path);
  if (!gone) return;
  for (auto& c : connections_) {
    if (c->mount_ != gone || c->closed_) continue;
    c->closed_ = c->notified_ = true;
    c->close_code_ = static_cast<int>(CloseCode::going_away);
    c->held_.clear();
    c->held_bytes_ = 0;
  }
  for (auto& e : exchanges_)
    if (e->mount_ == gone) e->respond(503, {});
}

inline std::unique_ptr<Timer> memory::make_timer(std::function<void()> on_expiry) {
  return std::make_unique<MemoryTimer>(*this, std::move(on_expiry));
}

inline bool memory::fire_one_due_timer() {
  MemoryTimer* best = nullptr;
  for (MemoryTimer* t : timers_)
    if (t->armed_ && t->when_ <= now_ && (!best || t->when_ < best->when_ || (t->when_ == best->when_ && t->seq_ < best->seq_)))
      best = t;
  if (!best) return false;
  best->armed_ = false;
  // A copy: the callback may destroy its own timer.
  auto fn = best->fn_;
  fn();
  return true;
}

// Takes the oldest posted function under the lock and runs it outside, so that it may post.
inline bool memory::run_one_posted() {
  std::function<void()> fn;
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    if (posted_.empty()) return false;
    fn = std::move(posted_.front());
    posted_.pop_front();
  }
  fn();
  return true;
}

inline std::size_t memory::run_pending() {
  std::size_t ran = 0;
  for (;;) {
    if (run_one_posted()) {
      ++ran;
    } else if (fire_one_due_timer()) {
      ++ran;
    } else {
      return ran;
    }
  }
}

inline bool memory::run_for(std::chrono::milliseconds max_wait, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + max_wait;
  for (;;) {
    // done() is asked after every function, not once the queue is empty: other threads may keep
    // it from ever being empty.
    if (done()) return true;
    if (run_one_posted() || fire_one_due_timer()) continue;
    std::unique_lock<std::mutex> lock(posted_mutex_);
    if (!posted_cv_.wait_until(lock, deadline, [this] { return !posted_.empty(); })) break;
  }
  return done();
}

inline void memory::advance(std::chrono::milliseconds delta) {
  const TimePoint target = now_ + delta;
  run_pending();
  for (;;) {
    MemoryTimer* next = nullptr;
    for (MemoryTimer* t : timers_)
      if (t->armed_ && t->when_ <= target && (!next || t->when_ < next->when_)) next = t;
    if (!next) break;
    if (next->when_ > now_) now_ = next->when_;
    run_pending();
  }
  now_ = target;
  run_pending();
}

inline void memory::prune() {
  exchanges_.erase(std::remove_if(exchanges_.begin(), exchanges_.end(), [](const auto& e) { return !e->open_; }),
                   exchanges_.end());
  connections_.erase(std::remove_if(connections_.begin(), connections_.end(),
                                    [](const auto& c) { return c->closed_ && c->notified_; }),
                     connections_.end());
}

inline std::shared_ptr<const memory::HttpResult> memory::request(std::string method, std::string target,
                                                                 std::string body, Headers headers,
                                                                 std::string remote_address) {
  run_pending();
  prune();
  auto result = std::make_shared<HttpResult>();
  HttpRequest req = make_request(std::move(method), target, std::move(body), std::move(headers), std::move(remote_address));
  if (std::shared_ptr<Mount> m = mounts_.find(req.path)) {
    if (req.body.size() > m->options.max_payload) {
      result->status = 413;
      result->done = true;
      return result;
    }
    Handler* handler = m->handler;
    auto ex = std::make_shared<Exchange>(std::move(req), result, std::move(m));
    exchanges_.push_back(ex);
    handler->on_http(ex);
  } else if (http_callback_) {
    auto ex = std::make_shared<Exchange>(std::move(req), result, nullptr);
    exchanges_.push_back(ex);
    http_callback_(ex);
  } else {
    result->status = 404;
    result->body = "Not Found";
    result->done = true;
  }
  run_pending();
  return result;
}

inline void memory::abort_request(const std::shared_ptr<const HttpResult>& result) {
  for (std::size_t i = 0; i < exchanges_.size(); ++i) {
    std::shared_ptr<Exchange> ex = exchanges_[i];
    if (ex->result_ != result || !ex->open_) continue;
    ex->open_ = false;
    ex->result_->aborted = true;
    if (Handler* h = handler_of(ex->mount_)) h->on_http_aborted(*ex);
    break;
  }
  run_pending();
}

inline std::shared_ptr<memory::WsClient> memory::connect(std::string target, Headers headers,
                                                         std::string remote_address) {
  run_pending();
  prune();
  HttpRequest req = make_request("GET", target, {}, std::move(headers), std::move(remote_address));
  std::shared_ptr<Mount> m = mounts_.find(req.path);
  if (!m) return std::make_shared<WsClient>(*this, nullptr, 404, "Not Found");
  std::string body;
  Handler* handler = m->handler;
  const int status = handler->on_ws_validate(req, body);
  if (status != 0) return std::make_shared<WsClient>(*this, nullptr, status, std::move(body));
  auto conn = std::make_shared<Connection>(*this, std::move(m));
  conn->fail_at_ = std::exchange(next_fail_at_, std::numeric_limits<std::size_t>::max());
  connections_.push_back(conn);
  auto client = std::make_shared<WsClient>(*this, conn, 0, std::string{});
  handler->on_ws_open(conn, std::move(req));
  run_pending();
  return client;
}

}  // namespace sio::transport
