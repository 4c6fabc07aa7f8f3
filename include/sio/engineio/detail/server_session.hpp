#pragma once
/// \file
/// The Engine.IO session state machine (polling queue, heartbeat, upgrade, close) and the table
/// of sessions that engineio::Server keeps. Requests come to it routed by the HTTP edge
/// (sio/engineio/server.hpp); nothing here reads a path, a method or a query string.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sio/detail/random.hpp"
#include "sio/detail/timer_queue.hpp"
#include "sio/engineio/cors.hpp"
#include "sio/engineio/detail/log.hpp"
#include "sio/engineio/frame.hpp"
#include "sio/engineio/http_errors.hpp"
#include "sio/engineio/packet.hpp"
#include "sio/engineio/server_options.hpp"
#include "sio/engineio/session.hpp"
#include "sio/error.hpp"
#include "sio/transport/transport.hpp"

namespace sio::engineio::detail {

class ServerSession;

/// What the sessions of one server share: the handler, options, timers and prebuilt frames, the
/// table of open sessions, and the deferred task that flushes polling queues and destroys closed
/// sessions once no call frame can still refer to them.
class SessionHost {
 public:
  /// How the host runs its deferred task later on the I/O thread (the transport's post()).
  using Post = std::function<void(std::function<void()>)>;

  /// Sessions that tell `handler`, follow `options` and schedule on `timers`; both must outlive
  /// the host. `post` runs a function later on the I/O thread, never inside the call.
  SessionHost(SessionHandler& handler, const ServerOptions& options, sio::detail::TimerQueue& timers, Post post);
  /// Destroys every session, open or closed; close_all() first tells the handler.
  ~SessionHost();
  SessionHost(const SessionHost&) = delete;
  SessionHost& operator=(const SessionHost&) = delete;

  /// Opens a session with a fresh id on `kind`, opened by `request`; the caller answers the
  /// handshake, starts the heartbeat and tells the handler.
  ServerSession& open(transport::HttpRequest request, TransportKind kind);
  /// The open session with id `sid`, or null. A session whose heartbeat deadline has passed is
  /// closed here (ping_timeout) and not found, even when the loop was too busy to run the
  /// deadline's timer yet.
  ServerSession* lookup(std::string_view sid) noexcept;
  /// Number of open sessions.
  std::size_t size() const noexcept { return sessions_.size(); }
  /// Ends every open session with `reason`.
  void close_all(CloseReason reason);

  /// Queues `session` for the deferred flush (once, however often it is asked).
  void schedule_flush(ServerSession& session);
  /// Takes `session` off the deferred flush.
  void cancel_flush(ServerSession& session) noexcept;
  /// Moves a finished `session` out of the table; it is destroyed in the deferred task.
  void retire(ServerSession& session);

  SessionHandler& handler;           ///< Told of every session's open, messages and close.
  const ServerOptions& options;      ///< The server's options.
  sio::detail::TimerQueue& timers;   ///< Every heartbeat, upgrade and close deadline.
  const Frame ping_frame;            ///< `2`, built once for every session.
  const Frame noop_frame;            ///< `6`
  const Frame close_frame;           ///< `1`
  const Frame pong_probe_frame;      ///< `3probe`

 private:
  std::string new_sid();
  void schedule_deferred();
  void run_deferred();

  Post post_;
  sio::detail::SidGenerator sids_;
  // Keyed by a view of the session's own id.
  std::unordered_map<std::string_view, std::unique_ptr<ServerSession>> sessions_;
  // Sessions whose polling queue waits for the deferred flush.
  std::vector<ServerSession*> flush_list_;
  // Closed sessions, destroyed in the deferred task once no call frame can refer to them.
  std::vector<std::unique_ptr<ServerSession>> graveyard_;
  // Posted tasks hold a weak reference: a task that outlives the host does nothing.
  std::shared_ptr<SessionHost*> alive_;
  bool deferred_posted_ = false;
};

/// The Session the server hands to its SessionHandler: one Engine.IO connection's state machine
/// (transport, polling queue, heartbeat, upgrade, close). Requests reach it already routed: it
/// answers the polling requests it is given and knows nothing of paths, methods or query strings.
class ServerSession final : public Session {
 public:
  /// Life cycle: open, closing (Session::close() waits to deliver the close), closed (on_close told).
  enum class State : std::uint8_t { open, closing, closed };

  /// A session of `host` with id `id`, opened by `request` (kept without its body) on `kind`.
  ServerSession(SessionHost& host, std::string id, transport::HttpRequest request, TransportKind kind)
      : host_(host),
        id_(std::move(id)),
        request_(std::move(request)),
        opened_at_(std::chrono::system_clock::now()),
        kind_(kind) {
    // Session::request() serves the handshake's headers and query; a body would only take room.
    request_.body = std::string();
    request_.headers.shrink_to_fit();
  }

  const std::string& id() const noexcept override { return id_; }
  const transport::HttpRequest& request() const noexcept override { return request_; }
  std::chrono::system_clock::time_point opened_at() const noexcept override { return opened_at_; }
  TransportKind transport() const noexcept override { return kind_; }

  void send_queued(const Frame& frame) override {
    if (state_ != State::open || !frame) return;
    push(frame);
  }

  bool writable() const noexcept override {
    if (state_ != State::open) return false;
    if (kind_ == TransportKind::websocket) return ws_->buffered_amount() == 0;
    return poll_ != nullptr && !upgrading_;
  }

  std::size_t buffered_amount() const noexcept override {
    return queued_bytes_ + (ws_ ? ws_->buffered_amount() : 0);
  }


  void close() override {
    if (state_ != State::open) return;
    state_ = State::closing;
    set_direct(nullptr);
    cancel_heartbeat();
    if (upgrading_) abort_upgrade(true);
    if (kind_ == TransportKind::websocket) {
      // websocket() is null from now on: the layer above stops sending past the session.
      host_.handler.on_transport_change(*this);
      // Frames already handed to the socket go out before its close frame; the handler hears of
      // the close from the deferred task, not from inside this call.
      ws_->close(transport::CloseCode::normal);
      schedule_flush();
      return;
    }
    close_pending_ = true;
    if (poll_) {
      schedule_flush();
    } else {
      // The close packet waits for the next GET; a client that sends none is gone.
      close_timer_ = host_.timers.schedule_after(host_.options.ping_interval + host_.options.ping_timeout,
                                                    [this] {
                                                      close_timer_ = 0;
                                                      finish(CloseReason::forced_close);
                                                    });
    }
  }

  /// Where the session is in its life cycle.
  State state() const noexcept { return state_; }

  // ---- heartbeat ------------------------------------------------------------------------------

  /// Schedules the next ping ping_interval from now.
  void start_heartbeat() {
    ping_due_ = host_.timers.now() + host_.options.ping_interval;
    ping_timer_ = host_.timers.schedule(ping_due_, [this] { send_ping(); });
  }

  /// Sends a ping and waits for the pong until ping_timeout after the ping was due. Deadlines
  /// come from when the ping was due, not from when a busy loop got to it, so a late timer
  /// never stretches the heartbeat.
  void send_ping() {
    ping_timer_ = 0;
    push(host_.ping_frame);
    pong_deadline_ = ping_due_ + host_.options.ping_timeout;
    pong_timer_ = host_.timers.schedule(pong_deadline_, [this] {
      pong_timer_ = 0;
      finish(CloseReason::ping_timeout);
    });
  }

  /// True when a ping went unanswered past its deadline, whether or not the deadline's timer has
  /// run yet.
  bool heartbeat_expired(transport::TimePoint now) const noexcept {
    return state_ == State::open && pong_timer_ && now >= pong_deadline_;
  }

  /// A pong arrived.
  void on_pong() {
    auto& timers = host_.timers;
    timers.cancel(pong_timer_);
    pong_timer_ = 0;
    pong_deadline_ = transport::TimePoint::max();
    // Like Node, any pong restarts the interval: the next ping is ping_interval after it.
    timers.cancel(ping_timer_);
    start_heartbeat();
  }

  /// Stops pinging.
  void cancel_heartbeat() noexcept {
    host_.timers.cancel(ping_timer_);
    host_.timers.cancel(pong_timer_);
    ping_timer_ = pong_timer_ = 0;
  }

  // ---- packets from the client ----------------------------------------------------------------

  /// A packet on the session's own transport.
  void on_packet(PacketType type, std::string_view data, bool binary) {
    if (state_ != State::open) return;
    switch (type) {
      case PacketType::message:
        host_.handler.on_message(*this, data, binary);
        break;
      case PacketType::pong:
        on_pong();
        break;
      case PacketType::close:
        finish(CloseReason::transport_close);
        break;
      case PacketType::ping:
        // In protocol 4 only the server pings.
        finish(CloseReason::transport_error);
        break;
      case PacketType::open:
      case PacketType::upgrade:
      case PacketType::noop:
        break;
    }
  }

  /// A frame on the session's own WebSocket.
  void on_ws_frame(std::string_view data, bool binary) {
    PacketView p;
    if (const std::error_code ec = decode_frame(data, binary, p)) {
      detail::log(host_.options.logger, LogLevel::warn, "session ", id_, ": ", ec.message(), " on WebSocket; closing it");
      finish(CloseReason::parse_error);
      return;
    }
    on_packet(p.type, p.data, p.binary);
  }

  // ---- polling --------------------------------------------------------------------------------

  /// A polling GET for this session.
  void on_poll(const std::shared_ptr<transport::HttpExchange>& exchange) {
    if (poll_) {
      // Two GETs at once: the client is broken. The waiting GET gets the close packet.
      detail::log(host_.options.logger, LogLevel::warn, "session ", id_, ": overlapping polling GETs; closing it");
      finish(CloseReason::transport_error);
      respond_error(*exchange, error::bad_request, host_.options);
      return;
    }
    poll_ = exchange;
    if (close_pending_) {
      flush();
    } else if (upgrading_ && probed_) {
      respond_poll(host_.noop_frame.get(), /*with_queue=*/false);
    } else if (!queue_.empty()) {
      flush();
    }
  }

  /// A polling POST for this session.
  void on_post(const std::shared_ptr<transport::HttpExchange>& exchange) {
    const transport::HttpRequest& req = exchange->request();
    if (req.body.size() > host_.options.max_payload) {
      detail::log(host_.options.logger, LogLevel::warn, "session ", id_, ": POST body over max_payload; closing it");
      exchange->respond(413, {}, cors_headers(host_.options, req));
      finish(CloseReason::transport_error);
      return;
    }
    if (transport::iequals(req.header("Content-Type"), "application/octet-stream")) {
      // Protocol 4 sends binary as base64 text in polling bodies.
      detail::log(host_.options.logger, LogLevel::warn, "session ", id_, ": binary POST body (protocol 3?); closing it");
      respond_error(*exchange, error::bad_request, host_.options);
      finish(CloseReason::transport_error);
      return;
    }
    std::vector<Packet> packets;
    if (const std::error_code ec = decode_payload(req.body, packets)) {
      detail::log(host_.options.logger, LogLevel::warn, "session ", id_, ": ", ec.message(), " in POST body; closing it");
      respond_error(*exchange, error::bad_request, host_.options);
      finish(CloseReason::parse_error);
      return;
    }
    for (const Packet& p : packets) {
      if (state_ != State::open) break;
      on_packet(p.type, p.data, p.binary);
    }
    transport::Headers headers = cors_headers(host_.options, req);
    // text/html rather than text/plain keeps some user agents from offering a download.
    headers.emplace_back("Content-Type", "text/html");
    headers.emplace_back("Cache-Control", "no-store");
    exchange->respond(200, "ok", std::move(headers));
  }

  /// The client of `exchange` went away.
  void on_poll_aborted(transport::HttpExchange& exchange) {
    if (poll_.get() != &exchange) return;
    poll_.reset();
    finish(CloseReason::transport_error);
  }

  /// Answers the waiting GET with what is queued (and the close packet after Session::close()), or
  /// completes a WebSocket Session::close(). Runs in the deferred task, or when a GET arrives with
  /// something to send.
  void flush() {
    if (state_ == State::closed) return;
    if (kind_ == TransportKind::websocket) {
      if (state_ == State::closing) finish(CloseReason::forced_close);
      return;
    }
    if (!poll_) return;
    if (!poll_->open()) {
      // The client left and the transport has not said so yet: what was queued is lost.
      poll_.reset();
      finish(CloseReason::transport_error);
      return;
    }
    if (close_pending_) {
      respond_poll(host_.close_frame.get());
      finish(CloseReason::forced_close);
      return;
    }
    if (upgrading_ && probed_) return;
    if (queue_.empty()) return;
    respond_poll(nullptr);
    host_.handler.on_drain(*this);
  }

  // ---- upgrade --------------------------------------------------------------------------------

  /// True when a WebSocket may start upgrading this session.
  bool can_upgrade() const noexcept {
    return state_ == State::open && kind_ == TransportKind::polling && !upgrading_;
  }

  /// A WebSocket for this session opened: wait for its probe and upgrade packet.
  void begin_upgrade(std::shared_ptr<transport::WsConnection> connection) {
    upgrading_ = true;
    probed_ = false;
    upgrade_ws_ = std::move(connection);
    upgrade_ws_->user_data = this;
    upgrade_timer_ = host_.timers.schedule_after(host_.options.upgrade_timeout, [this] {
      upgrade_timer_ = 0;
      abort_upgrade(true);
    });
  }

  /// A frame on the WebSocket that is upgrading this session.
  void on_upgrade_frame(std::string_view data, bool binary) {
    PacketView p;
    const bool ok = !decode_frame(data, binary, p);
    if (ok && p.type == PacketType::ping && !p.binary && p.data == "probe") {
      upgrade_ws_->send(host_.pong_probe_frame);
      probed_ = true;
      // The client pauses polling before it sends the upgrade packet: release its waiting GET.
      // What is queued now waits for the WebSocket.
      if (poll_) respond_poll(host_.noop_frame.get(), /*with_queue=*/false);
    } else if (ok && p.type == PacketType::upgrade) {
      complete_upgrade();
    } else {
      abort_upgrade(true);
    }
  }

  /// The upgrade packet arrived: the WebSocket becomes the session's transport.
  void complete_upgrade() {
    host_.timers.cancel(upgrade_timer_);
    upgrade_timer_ = 0;
    if (poll_) respond_poll(host_.noop_frame.get(), /*with_queue=*/false);
    kind_ = TransportKind::websocket;
    ws_ = std::move(upgrade_ws_);
    set_direct(ws_.get());
    upgrading_ = probed_ = false;
    for (const Frame& f : queue_) ws_->send(f);
    queue_.clear();
    queued_bytes_ = 0;
    host_.handler.on_transport_change(*this);
  }

  /// Gives up an upgrade (closing its socket unless it is gone); the session goes on with polling.
  void abort_upgrade(bool close_socket) {
    host_.timers.cancel(upgrade_timer_);
    upgrade_timer_ = 0;
    upgrading_ = probed_ = false;
    upgrade_ws_->user_data = nullptr;
    if (close_socket) upgrade_ws_->close(transport::CloseCode::normal);
    upgrade_ws_.reset();
    if (poll_ && !queue_.empty()) schedule_flush();
  }

  /// True when `c` is the session's own WebSocket.
  bool owns_socket(const transport::WsConnection& c) const noexcept { return ws_.get() == &c; }
  /// True when `c` is the WebSocket upgrading the session.
  bool upgrading_on(const transport::WsConnection& c) const noexcept { return upgrade_ws_.get() == &c; }

  // ---- the end --------------------------------------------------------------------------------

  /// Ends the session: settles its transports, tells the handler, and leaves the object to the
  /// deferred task for destruction. Later calls do nothing. `socket_gone`: the WebSocket is closed already.
  void finish(CloseReason reason, bool socket_gone = false) {
    if (state_ == State::closed) return;
    state_ = State::closed;
    set_direct(nullptr);
    auto& timers = host_.timers;
    cancel_heartbeat();
    timers.cancel(close_timer_);
    close_timer_ = 0;
    if (upgrade_ws_) abort_upgrade(true);
    host_.cancel_flush(*this);
    if (poll_) {
      if (reason == CloseReason::transport_close) {
        respond_poll(host_.noop_frame.get(), /*with_queue=*/false);
      } else {
        // A closing server still delivers what was queued; after an error only the close packet goes.
        respond_poll(host_.close_frame.get(), reason == CloseReason::server_shutting_down);
      }
    }
    queue_.clear();
    queued_bytes_ = 0;
    if (ws_) {
      ws_->user_data = nullptr;
      if (!socket_gone) {
        ws_->close(reason == CloseReason::parse_error            ? transport::CloseCode::protocol_error
                   : reason == CloseReason::server_shutting_down ? transport::CloseCode::going_away
                                                                 : transport::CloseCode::normal);
      }
      ws_.reset();
    }
    host_.retire(*this);
    host_.handler.on_close(*this, reason);
  }

  /// Makes `connection` the transport of a session opened by a WebSocket handshake.
  void attach_websocket(std::shared_ptr<transport::WsConnection> connection) {
    ws_ = std::move(connection);
    ws_->user_data = this;
    set_direct(ws_.get());
  }

 private:
  friend class SessionHost;

  // A frame for the client on the current transport (state already checked).
  void push(const Frame& frame) {
    if (kind_ == TransportKind::websocket) {
      ws_->send(frame);
      return;
    }
    queued_bytes_ += frame->bytes.size();
    queue_.push_back(frame);
    if (poll_ && !(upgrading_ && probed_)) schedule_flush();
  }

  void schedule_flush() { host_.schedule_flush(*this); }

  // Answers the waiting GET with the queued frames (when `with_queue`), then `last` if given.
  void respond_poll(const FrameData* last, bool with_queue = true) {
    std::string body;
    if (with_queue) {
      std::size_t size = 0;
      for (const Frame& f : queue_) size += payload_size(*f, size == 0);
      body.reserve(size + (last ? last->bytes.size() + 1 : 0));
      for (const Frame& f : queue_) append_to_payload(body, *f);
      queue_.clear();
      queued_bytes_ = 0;
    }
    if (last) append_to_payload(body, *last);
    std::shared_ptr<transport::HttpExchange> exchange = std::move(poll_);
    transport::Headers headers = cors_headers(host_.options, exchange->request());
    headers.emplace_back("Content-Type", "text/plain; charset=UTF-8");
    headers.emplace_back("Cache-Control", "no-store");
    exchange->respond(200, std::move(body), std::move(headers));
  }

  SessionHost& host_;
  std::string id_;
  transport::HttpRequest request_;
  std::chrono::system_clock::time_point opened_at_;
  std::shared_ptr<transport::WsConnection> ws_;          // the session's WebSocket
  std::shared_ptr<transport::HttpExchange> poll_;        // the waiting polling GET
  std::shared_ptr<transport::WsConnection> upgrade_ws_;  // the WebSocket upgrading this polling session
  std::vector<Frame> queue_;                             // frames for the next polling response
  std::size_t queued_bytes_ = 0;
  sio::detail::TimerQueue::Id ping_timer_ = 0, pong_timer_ = 0, upgrade_timer_ = 0, close_timer_ = 0;
  transport::TimePoint ping_due_{}, pong_deadline_ = transport::TimePoint::max();
  State state_ = State::open;
  TransportKind kind_;
  bool upgrading_ = false;      // a WebSocket for this session is open and not yet upgraded
  bool probed_ = false;         // ... and it answered the probe: polling only answers noops now
  bool close_pending_ = false;  // close(): the next polling response ends with the close packet
  bool flush_scheduled_ = false;  // on the host's flush list
};

inline SessionHost::SessionHost(SessionHandler& h, const ServerOptions& o, sio::detail::TimerQueue& t, Post post)
    : handler(h),
      options(o),
      timers(t),
      ping_frame(make_frame(PacketType::ping)),
      noop_frame(make_frame(PacketType::noop)),
      close_frame(make_frame(PacketType::close)),
      pong_probe_frame(make_frame(PacketType::pong, "probe")),
      post_(std::move(post)),
      alive_(std::make_shared<SessionHost*>(this)) {}

inline SessionHost::~SessionHost() = default;

inline ServerSession& SessionHost::open(transport::HttpRequest request, TransportKind kind) {
  auto owned = std::make_unique<ServerSession>(*this, new_sid(), std::move(request), kind);
  ServerSession& s = *owned;
  sessions_.emplace(s.id(), std::move(owned));
  return s;
}

inline ServerSession* SessionHost::lookup(std::string_view sid) noexcept {
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return nullptr;
  ServerSession* s = it->second.get();
  if (s->heartbeat_expired(timers.now())) {
    s->finish(CloseReason::ping_timeout);
    return nullptr;
  }
  return s;
}

inline void SessionHost::close_all(CloseReason reason) {
  std::vector<ServerSession*> all;
  all.reserve(sessions_.size());
  for (auto& kv : sessions_) all.push_back(kv.second.get());
  for (ServerSession* s : all) s->finish(reason);
}

inline void SessionHost::schedule_flush(ServerSession& session) {
  if (session.flush_scheduled_) return;
  session.flush_scheduled_ = true;
  flush_list_.push_back(&session);
  schedule_deferred();
}

inline void SessionHost::cancel_flush(ServerSession& session) noexcept {
  if (!session.flush_scheduled_) return;
  flush_list_.erase(std::remove(flush_list_.begin(), flush_list_.end(), &session), flush_list_.end());
  session.flush_scheduled_ = false;
}

inline void SessionHost::retire(ServerSession& session) {
  auto it = sessions_.find(session.id());
  if (it == sessions_.end()) return;
  graveyard_.push_back(std::move(it->second));
  sessions_.erase(it);
  schedule_deferred();
}

inline std::string SessionHost::new_sid() {
  for (;;) {
    std::string sid = sids_.next();
    if (!sessions_.count(sid)) return sid;
  }
}

inline void SessionHost::schedule_deferred() {
  if (deferred_posted_) return;
  deferred_posted_ = true;
  post_([weak = std::weak_ptr<SessionHost*>(alive_)] {
    if (auto self = weak.lock()) (*self)->run_deferred();
  });
}

inline void SessionHost::run_deferred() {
  deferred_posted_ = false;
  std::vector<ServerSession*> list;
  list.swap(flush_list_);
  for (ServerSession* s : list) {
    // A session closed by an earlier flush's handler is still in the graveyard, hence valid.
    if (!s->flush_scheduled_) continue;
    s->flush_scheduled_ = false;
    s->flush();
  }
  graveyard_.clear();
}

}  // namespace sio::engineio::detail
