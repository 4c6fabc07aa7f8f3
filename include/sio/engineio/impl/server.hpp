#pragma once
// Bodies of engineio::Server and its sessions; included by sio/engineio/server.hpp.

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "sio/transport/query_string.hpp"

namespace sio::engineio {
namespace detail {

/// The raw value of the Engine.IO parameter `name` (`EIO`, `transport`, `sid`) in `query`, empty
/// when absent. Not URL-decoded: the values the server reads are made of URL-safe characters.
inline std::string_view query_value(std::string_view query, std::string_view name) noexcept {
  return transport::query_raw(query, name).value_or(std::string_view{});
}

/// True when an Origin header holds characters that no header may hold (Node refuses those requests).
inline bool is_invalid_header_value(std::string_view value) noexcept {
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

/// The Session the server hands to its SessionHandler: one Engine.IO connection's state machine
/// (transport, polling queue, heartbeat, upgrade, close).
class ServerSession final : public Session {
 public:
  /// Life cycle: open, closing (Session::close() waits to deliver the close), closed (on_close told).
  enum class State : std::uint8_t { open, closing, closed };

  /// A session of `server` with id `id`, opened by `request` (kept without its body) on `kind`.
  ServerSession(Server& server, std::string id, transport::HttpRequest request, TransportKind kind)
      : server_(server),
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

  void send(const Frame& frame) override {
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

  transport::WsConnection* websocket() const noexcept override {
    return state_ == State::open && kind_ == TransportKind::websocket ? ws_.get() : nullptr;
  }

  void close() override {
    if (state_ != State::open) return;
    state_ = State::closing;
    cancel_heartbeat();
    if (upgrading_) abort_upgrade(true);
    if (kind_ == TransportKind::websocket) {
      // websocket() is null from now on: the layer above stops sending past the session.
      server_.handler_.on_transport_change(*this);
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
      close_timer_ = server_.timers_.schedule_after(server_.options_.ping_interval + server_.options_.ping_timeout,
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
    ping_due_ = server_.now() + server_.options_.ping_interval;
    ping_timer_ = server_.timers_.schedule(ping_due_, [this] { send_ping(); });
  }

  /// Sends a ping and waits for the pong until ping_timeout after the ping was due. Deadlines
  /// come from when the ping was due, not from when a busy loop got to it, so a late timer
  /// never stretches the heartbeat.
  void send_ping() {
    ping_timer_ = 0;
    push(server_.ping_frame_);
    pong_deadline_ = ping_due_ + server_.options_.ping_timeout;
    pong_timer_ = server_.timers_.schedule(pong_deadline_, [this] {
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
    auto& timers = server_.timers_;
    timers.cancel(pong_timer_);
    pong_timer_ = 0;
    pong_deadline_ = transport::TimePoint::max();
    // Like Node, any pong restarts the interval: the next ping is ping_interval after it.
    timers.cancel(ping_timer_);
    start_heartbeat();
  }

  /// Stops pinging.
  void cancel_heartbeat() noexcept {
    server_.timers_.cancel(ping_timer_);
    server_.timers_.cancel(pong_timer_);
    ping_timer_ = pong_timer_ = 0;
  }

  // ---- packets from the client ----------------------------------------------------------------

  /// A packet on the session's own transport.
  void on_packet(PacketType type, std::string_view data, bool binary) {
    if (state_ != State::open) return;
    switch (type) {
      case PacketType::message:
        server_.handler_.on_message(*this, data, binary);
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
      server_.log(LogLevel::warn, "session ", id_, ": ", ec.message(), " on WebSocket; closing it");
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
      server_.log(LogLevel::warn, "session ", id_, ": overlapping polling GETs; closing it");
      finish(CloseReason::transport_error);
      server_.respond_error(*exchange, error::bad_request);
      return;
    }
    poll_ = exchange;
    if (close_pending_) {
      flush();
    } else if (upgrading_ && probed_) {
      respond_poll(server_.noop_frame_.get(), /*with_queue=*/false);
    } else if (!queue_.empty()) {
      flush();
    }
  }

  /// A polling POST for this session.
  void on_post(const std::shared_ptr<transport::HttpExchange>& exchange) {
    const transport::HttpRequest& req = exchange->request();
    if (req.body.size() > server_.options_.max_payload) {
      server_.log(LogLevel::warn, "session ", id_, ": POST body over max_payload; closing it");
      exchange->respond(413, {}, server_.cors_headers(req));
      finish(CloseReason::transport_error);
      return;
    }
    if (transport::iequals(req.header("Content-Type"), "application/octet-stream")) {
      // Protocol 4 sends binary as base64 text in polling bodies.
      server_.log(LogLevel::warn, "session ", id_, ": binary POST body (protocol 3?); closing it");
      server_.respond_error(*exchange, error::bad_request);
      finish(CloseReason::transport_error);
      return;
    }
    std::vector<Packet> packets;
    if (const std::error_code ec = decode_payload(req.body, packets)) {
      server_.log(LogLevel::warn, "session ", id_, ": ", ec.message(), " in POST body; closing it");
      server_.respond_error(*exchange, error::bad_request);
      finish(CloseReason::parse_error);
      return;
    }
    for (const Packet& p : packets) {
      if (state_ != State::open) break;
      on_packet(p.type, p.data, p.binary);
    }
    transport::Headers headers = server_.cors_headers(req);
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
      respond_poll(server_.close_frame_.get());
      finish(CloseReason::forced_close);
      return;
    }
    if (upgrading_ && probed_) return;
    if (queue_.empty()) return;
    respond_poll(nullptr);
    server_.handler_.on_drain(*this);
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
    upgrade_timer_ = server_.timers_.schedule_after(server_.options_.upgrade_timeout, [this] {
      upgrade_timer_ = 0;
      abort_upgrade(true);
    });
  }

  /// A frame on the WebSocket that is upgrading this session.
  void on_upgrade_frame(std::string_view data, bool binary) {
    PacketView p;
    const bool ok = !decode_frame(data, binary, p);
    if (ok && p.type == PacketType::ping && !p.binary && p.data == "probe") {
      upgrade_ws_->send(server_.pong_probe_frame_);
      probed_ = true;
      // The client pauses polling before it sends the upgrade packet: release its waiting GET.
      // What is queued now waits for the WebSocket.
      if (poll_) respond_poll(server_.noop_frame_.get(), /*with_queue=*/false);
    } else if (ok && p.type == PacketType::upgrade) {
      complete_upgrade();
    } else {
      abort_upgrade(true);
    }
  }

  /// The upgrade packet arrived: the WebSocket becomes the session's transport.
  void complete_upgrade() {
    server_.timers_.cancel(upgrade_timer_);
    upgrade_timer_ = 0;
    if (poll_) respond_poll(server_.noop_frame_.get(), /*with_queue=*/false);
    kind_ = TransportKind::websocket;
    ws_ = std::move(upgrade_ws_);
    upgrading_ = probed_ = false;
    for (const Frame& f : queue_) ws_->send(f);
    queue_.clear();
    queued_bytes_ = 0;
    server_.handler_.on_transport_change(*this);
  }

  /// Gives up an upgrade (closing its socket unless it is gone); the session goes on with polling.
  void abort_upgrade(bool close_socket) {
    server_.timers_.cancel(upgrade_timer_);
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
    auto& timers = server_.timers_;
    cancel_heartbeat();
    timers.cancel(close_timer_);
    close_timer_ = 0;
    if (upgrade_ws_) abort_upgrade(true);
    if (flush_scheduled_) {
      auto& list = server_.flush_list_;
      list.erase(std::remove(list.begin(), list.end(), this), list.end());
      flush_scheduled_ = false;
    }
    if (poll_) {
      if (reason == CloseReason::transport_close) {
        respond_poll(server_.noop_frame_.get(), /*with_queue=*/false);
      } else {
        // A closing server still delivers what was queued; after an error only the close packet goes.
        respond_poll(server_.close_frame_.get(), reason == CloseReason::server_shutting_down);
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
    auto it = server_.sessions_.find(id_);
    if (it != server_.sessions_.end()) {
      server_.graveyard_.push_back(std::move(it->second));
      server_.sessions_.erase(it);
      server_.schedule_deferred();
    }
    server_.handler_.on_close(*this, reason);
  }

  /// Makes `connection` the transport of a session opened by a WebSocket handshake.
  void attach_websocket(std::shared_ptr<transport::WsConnection> connection) {
    ws_ = std::move(connection);
    ws_->user_data = this;
  }

 private:
  friend class sio::engineio::Server;

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

  void schedule_flush() {
    if (flush_scheduled_) return;
    flush_scheduled_ = true;
    server_.flush_list_.push_back(this);
    server_.schedule_deferred();
  }

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
    transport::Headers headers = server_.cors_headers(exchange->request());
    headers.emplace_back("Content-Type", "text/plain; charset=UTF-8");
    headers.emplace_back("Cache-Control", "no-store");
    exchange->respond(200, std::move(body), std::move(headers));
  }

  Server& server_;
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
  bool flush_scheduled_ = false;  // on the server's flush list
};

}  // namespace detail

template <class Transport>
struct Server::TransportOpsFor final : Server::TransportOps {
  explicit TransportOpsFor(Transport& t) : transport(t) {}
  void post(std::function<void()> fn) override { transport.post(std::move(fn)); }
  void unmount(const std::string& path) override { transport.unmount(path); }
  Transport& transport;
};

template <class Transport>
Server::Server(Transport& transport, std::string path, ServerOptions options, SessionHandler& handler)
    : transport_(std::make_unique<TransportOpsFor<Transport>>(transport)),
      path_(normalize_path(std::move(path))),
      options_(std::move(options)),
      handler_(handler),
      timers_(transport),
      alive_(std::make_shared<Server*>(this)),
      ping_frame_(make_frame(PacketType::ping)),
      noop_frame_(make_frame(PacketType::noop)),
      close_frame_(make_frame(PacketType::close)),
      pong_probe_frame_(make_frame(PacketType::pong, "probe")) {
  validate_options();
  transport::MountOptions mount;
  mount.max_payload = options_.max_payload;
  transport.mount(path_, *this, mount);
}

inline Server::~Server() {
  close();
  transport_->unmount(path_);
}

inline std::string Server::normalize_path(std::string path) {
  if (path.empty() || path.back() != '/') path.push_back('/');
  return path;
}

inline void Server::validate_options() const {
  if (path_.empty() || path_[0] != '/') throw std::invalid_argument("sio::engineio::Server: path must start with '/'");
  if (!options_.polling && !options_.websocket)
    throw std::invalid_argument("sio::engineio::Server: no transport allowed");
  if (options_.ping_interval.count() <= 0 || options_.ping_timeout.count() <= 0 ||
      options_.upgrade_timeout.count() <= 0)
    throw std::invalid_argument("sio::engineio::Server: ping_interval, ping_timeout and upgrade_timeout must be positive");
  if (options_.max_payload == 0) throw std::invalid_argument("sio::engineio::Server: max_payload must be positive");
}

inline void Server::close() {
  if (closed_) return;
  closed_ = true;
  std::vector<detail::ServerSession*> all;
  all.reserve(sessions_.size());
  for (auto& kv : sessions_) all.push_back(kv.second.get());
  for (detail::ServerSession* s : all) s->finish(CloseReason::server_shutting_down);
}

inline Session* Server::find(std::string_view sid) noexcept { return lookup(sid); }

inline detail::ServerSession* Server::lookup(std::string_view sid) noexcept {
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return nullptr;
  detail::ServerSession* s = it->second.get();
  // A request that arrives after the heartbeat's deadline finds the session gone, even when the
  // loop was too busy to run the deadline's timer yet.
  if (s->heartbeat_expired(now())) {
    s->finish(CloseReason::ping_timeout);
    return nullptr;
  }
  return s;
}

inline std::string Server::new_sid() {
  for (;;) {
    std::string sid = sids_.next();
    if (!sessions_.count(sid)) return sid;
  }
}

inline void Server::schedule_deferred() {
  if (deferred_posted_) return;
  deferred_posted_ = true;
  transport_->post([weak = std::weak_ptr<Server*>(alive_)] {
    if (auto self = weak.lock()) (*self)->run_deferred();
  });
}

inline void Server::run_deferred() {
  deferred_posted_ = false;
  std::vector<detail::ServerSession*> list;
  list.swap(flush_list_);
  for (detail::ServerSession* s : list) {
    // A session closed by an earlier flush's handler is still in the graveyard, hence valid.
    if (!s->flush_scheduled_) continue;
    s->flush_scheduled_ = false;
    s->flush();
  }
  graveyard_.clear();
}

inline transport::Headers Server::cors_headers(const transport::HttpRequest& request) const {
  transport::Headers headers;
  if (options_.cors_origins.empty()) return headers;
  const std::string_view origin = request.header("Origin");
  const bool any = std::find(options_.cors_origins.begin(), options_.cors_origins.end(), "*") != options_.cors_origins.end();
  if (any && !options_.cors_credentials) {
    headers.emplace_back("Access-Control-Allow-Origin", "*");
  } else {
    const bool listed = any || std::find(options_.cors_origins.begin(), options_.cors_origins.end(), origin) !=
                                   options_.cors_origins.end();
    if (listed && !origin.empty()) headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
    headers.emplace_back("Vary", "Origin");
  }
  if (options_.cors_credentials) headers.emplace_back("Access-Control-Allow-Credentials", "true");
  return headers;
}

template <class... P>
void Server::log(LogLevel level, const P&... parts) const {
  if (!options_.logger) return;
  std::string msg;
  (msg.append(parts), ...);
  options_.logger(level, msg);
}

inline void Server::respond_error(transport::HttpExchange& exchange, std::error_code ec) const {
  if (options_.logger) {
    const auto& r = exchange.request();
    log(LogLevel::info, "refused ", r.method, " ", r.path, r.query.empty() ? "" : "?", r.query, " from ",
        r.remote_address, ": ", ec.message());
  }
  int code = 3;
  switch (static_cast<error>(ec.value())) {
    case error::unknown_transport: code = 0; break;
    case error::unknown_sid: code = 1; break;
    case error::bad_handshake_method: code = 2; break;
    case error::forbidden: code = 4; break;
    case error::unsupported_protocol_version: code = 5; break;
    default: code = 3; break;
  }
  std::string body = "{\"code\":";
  body += static_cast<char>('0' + code);
  body += ",\"message\":\"";
  body += make_error_code(static_cast<error>(ec.value())).message();
  body += "\"}";
  transport::Headers headers = cors_headers(exchange.request());
  headers.emplace_back("Content-Type", "application/json");
  exchange.respond(code == 4 ? 403 : 400, std::move(body), std::move(headers));
}

// The checks a request without a sid passes before it may open a session (Node's order).
inline std::error_code Server::check_handshake(const transport::HttpRequest& request) const {
  if (options_.allow_request && !options_.allow_request(request)) return error::forbidden;
  if (detail::query_value(request.query, "EIO") != "4") return error::unsupported_protocol_version;
  if (closed_) return error::bad_request;
  return {};
}

inline void Server::on_http(std::shared_ptr<transport::HttpExchange> exchange) {
  if (interceptor_ && interceptor_(exchange)) return;
  const transport::HttpRequest& req = exchange->request();
  if (!options_.cors_origins.empty() && req.method == "OPTIONS") {
    transport::Headers headers = cors_headers(req);
    headers.emplace_back("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE");
    const std::string_view asked = req.header("Access-Control-Request-Headers");
    if (!asked.empty()) {
      headers.emplace_back("Access-Control-Allow-Headers", std::string(asked));
      headers.emplace_back("Vary", "Access-Control-Request-Headers");
    }
    headers.emplace_back("Content-Length", "0");
    exchange->respond(204, {}, std::move(headers));
    return;
  }
  const std::string_view transport = detail::query_value(req.query, "transport");
  const bool polling = transport == "polling" && options_.polling;
  const bool websocket = transport == "websocket" && options_.websocket;
  if (!polling && !websocket) return respond_error(*exchange, error::unknown_transport);
  if (detail::is_invalid_header_value(req.header("Origin"))) return respond_error(*exchange, error::bad_request);
  if (const std::string_view sid = detail::query_value(req.query, "sid"); !sid.empty()) {
    detail::ServerSession* s = lookup(sid);
    if (!s) return respond_error(*exchange, error::unknown_sid);
    // Plain HTTP only ever carries polling; an upgraded session has left it.
    if (!polling || s->transport() != TransportKind::polling) return respond_error(*exchange, error::bad_request);
    if (req.method == "GET") return s->on_poll(exchange);
    if (req.method == "POST") return s->on_post(exchange);
    return respond_error(*exchange, error::bad_request);
  }
  if (req.method != "GET") return respond_error(*exchange, error::bad_handshake_method);
  if (websocket) return respond_error(*exchange, error::bad_request);  // a WebSocket handshake without the upgrade
  if (const std::error_code ec = check_handshake(req)) return respond_error(*exchange, ec);
  handshake_polling(exchange);
}

inline void Server::handshake_polling(const std::shared_ptr<transport::HttpExchange>& exchange) {
  std::string sid = new_sid();
  auto owned = std::make_unique<detail::ServerSession>(*this, std::move(sid), exchange->request(), TransportKind::polling);
  detail::ServerSession& s = *owned;
  sessions_.emplace(s.id(), std::move(owned));
  std::string open = encode_open(s.id(), options_.allow_upgrades && options_.websocket,
                                 static_cast<std::uint64_t>(options_.ping_interval.count()),
                                 static_cast<std::uint64_t>(options_.ping_timeout.count()), options_.max_payload);
  transport::Headers headers = cors_headers(exchange->request());
  headers.emplace_back("Content-Type", "text/plain; charset=UTF-8");
  headers.emplace_back("Cache-Control", "no-store");
  exchange->respond(200, std::move(open), std::move(headers));
  s.start_heartbeat();
  handler_.on_open(s);
}

inline void Server::on_http_aborted(transport::HttpExchange& exchange) {
  const std::string_view sid = detail::query_value(exchange.request().query, "sid");
  if (sid.empty()) return;
  if (detail::ServerSession* s = lookup(sid)) s->on_poll_aborted(exchange);
}

inline int Server::on_ws_validate(const transport::HttpRequest& request, std::string& body) {
  const std::string_view sid = detail::query_value(request.query, "sid");
  std::error_code ec;
  if (detail::query_value(request.query, "transport") != "websocket" || !options_.websocket) {
    ec = error::unknown_transport;
  } else if (detail::is_invalid_header_value(request.header("Origin"))) {
    ec = error::bad_request;
  } else if (!sid.empty()) {
    // A known sid is accepted even when it cannot upgrade (already upgraded, upgrading): the
    // socket is then closed after the handshake, which clients handle better than an HTTP error.
    if (!lookup(sid)) ec = error::unknown_sid;
  } else {
    ec = check_handshake(request);
  }
  if (!ec) return 0;
  int code = 3;
  switch (static_cast<error>(ec.value())) {
    case error::unknown_transport: code = 0; break;
    case error::unknown_sid: code = 1; break;
    case error::forbidden: code = 4; break;
    case error::unsupported_protocol_version: code = 5; break;
    default: break;
  }
  body = "{\"code\":";
  body += static_cast<char>('0' + code);
  body += ",\"message\":\"" + ec.message() + "\"}";
  return code == 4 ? 403 : 400;
}

inline void Server::on_ws_open(std::shared_ptr<transport::WsConnection> connection, transport::HttpRequest request) {
  if (const std::string_view sid = detail::query_value(request.query, "sid"); !sid.empty()) {
    detail::ServerSession* s = lookup(sid);
    if (!s || !s->can_upgrade() || !options_.allow_upgrades) {
      connection->close(transport::CloseCode::normal);
      return;
    }
    s->begin_upgrade(std::move(connection));
    return;
  }
  if (closed_) {
    connection->close(transport::CloseCode::going_away);
    return;
  }
  std::string sid = new_sid();
  auto owned = std::make_unique<detail::ServerSession>(*this, std::move(sid), std::move(request),
                                                       TransportKind::websocket);
  detail::ServerSession& s = *owned;
  sessions_.emplace(s.id(), std::move(owned));
  s.attach_websocket(connection);
  connection->send(make_text_frame(encode_open(s.id(), false, static_cast<std::uint64_t>(options_.ping_interval.count()),
                                               static_cast<std::uint64_t>(options_.ping_timeout.count()),
                                               options_.max_payload)));
  s.start_heartbeat();
  handler_.on_open(s);
}

inline void Server::on_ws_message(transport::WsConnection& connection, std::string_view data, bool binary) {
  auto* s = static_cast<detail::ServerSession*>(connection.user_data);
  if (!s) return;
  if (s->owns_socket(connection)) {
    s->on_ws_frame(data, binary);
  } else if (s->upgrading_on(connection)) {
    s->on_upgrade_frame(data, binary);
  }
}

inline void Server::on_ws_close(transport::WsConnection& connection, std::error_code ec) {
  auto* s = static_cast<detail::ServerSession*>(connection.user_data);
  if (!s) return;
  if (s->owns_socket(connection)) {
    // After Session::close() the socket closing is the expected end of a forced close.
    const CloseReason reason = s->state() == detail::ServerSession::State::closing ? CloseReason::forced_close
                               : ec                                                 ? CloseReason::transport_error
                                                                                    : CloseReason::transport_close;
    if (ec) log(LogLevel::info, "session ", s->id(), ": WebSocket failed: ", ec.message());
    s->finish(reason, /*socket_gone=*/true);
  } else if (s->upgrading_on(connection)) {
    s->abort_upgrade(false);
  }
}

}  // namespace sio::engineio
