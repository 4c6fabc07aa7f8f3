#include "sio/engineio/detail/server_session.hpp"

#include <algorithm>
#include <utility>

#include "sio/engineio/client_address.hpp"
#include "sio/engineio/cors.hpp"
#include "sio/engineio/detail/log.hpp"
#include "sio/engineio/http_errors.hpp"

namespace sio::engineio::detail {

SessionHost::SessionHost(SessionHandler& h, const ServerOptions& o, sio::detail::TimerQueue& t, Post post)
    : handler(h),
      options(o),
      timers(t),
      ping_frame(make_frame(PacketType::ping)),
      noop_frame(make_frame(PacketType::noop)),
      close_frame(make_frame(PacketType::close)),
      pong_probe_frame(make_frame(PacketType::pong, "probe")),
      post_(std::move(post)),
      alive_(std::make_shared<SessionHost*>(this)) {}

SessionHost::~SessionHost() = default;

ServerSession& SessionHost::open(transport::HttpRequest request, TransportKind kind) {
  auto owned = std::make_unique<ServerSession>(*this, new_sid(), std::move(request), kind);
  ServerSession& s = *owned;
  sessions_.emplace(s.id(), std::move(owned));
  return s;
}

ServerSession* SessionHost::lookup(std::string_view sid) noexcept {
  auto it = sessions_.find(sid);
  if (it == sessions_.end()) return nullptr;
  ServerSession* s = it->second.get();
  if (s->heartbeat_expired(timers.now())) {
    s->finish(CloseReason::ping_timeout);
    return nullptr;
  }
  return s;
}

void SessionHost::close_all(CloseReason reason) {
  for (ServerSession* s : sessions()) s->finish(reason);
}

std::vector<ServerSession*> SessionHost::sessions() const {
  std::vector<ServerSession*> all;
  all.reserve(sessions_.size());
  for (auto& kv : sessions_) all.push_back(kv.second.get());
  return all;
}

void SessionHost::schedule_flush(ServerSession& session) {
  if (session.flush_scheduled_) return;
  session.flush_scheduled_ = true;
  flush_list_.push_back(&session);
  schedule_deferred();
}

void SessionHost::cancel_flush(ServerSession& session) noexcept {
  if (!session.flush_scheduled_) return;
  flush_list_.erase(std::remove(flush_list_.begin(), flush_list_.end(), &session), flush_list_.end());
  session.flush_scheduled_ = false;
}

void SessionHost::retire(ServerSession& session) {
  auto it = sessions_.find(session.id());
  if (it == sessions_.end()) return;
  graveyard_.push_back(std::move(it->second));
  sessions_.erase(it);
  schedule_deferred();
  if (on_retired) on_retired();
}

std::string SessionHost::new_sid() {
  for (;;) {
    std::string sid = sids_.next();
    if (options.sid_mark != '\0') sid.back() = options.sid_mark;
    if (!sessions_.count(sid)) return sid;
  }
}

void SessionHost::schedule_deferred() {
  if (deferred_posted_) return;
  deferred_posted_ = true;
  post_([weak = std::weak_ptr<SessionHost*>(alive_)] {
    if (auto self = weak.lock()) (*self)->run_deferred();
  });
}

void SessionHost::run_deferred() {
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

ServerSession::ServerSession(SessionHost& host, std::string id, transport::HttpRequest request, TransportKind kind)
    : host_(host),
      id_(std::move(id)),
      request_(std::move(request)),
      client_address_(engineio::client_address(request_, host.options.trusted_proxies)),
      opened_at_(std::chrono::system_clock::now()),
      kind_(kind) {
  // Session::request() serves the handshake's headers and query; a body would only take room.
  request_.body = std::string();
  request_.headers.shrink_to_fit();
}

bool ServerSession::from_own_client(const transport::HttpRequest& request) const noexcept {
  return engineio::client_address(request, host_.options.trusted_proxies) == client_address_;
}

void ServerSession::send_queued(const Frame& frame) {
  if (state_ != State::open || !frame) return;
  push(frame);
}

bool ServerSession::writable() const noexcept {
  if (state_ != State::open) return false;
  if (kind_ == TransportKind::websocket) return ws_->buffered_amount() == 0;
  return poll_ != nullptr && !upgrading_;
}

std::size_t ServerSession::buffered_amount() const noexcept {
  return queued_bytes_ + (ws_ ? ws_->buffered_amount() : 0);
}

void ServerSession::close() {
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

void ServerSession::shut_down() {
  if (state_ == State::closed) return;
  if (kind_ == TransportKind::websocket) {
    // finish() leaves the queue on the socket ahead of its closing handshake.
    finish(CloseReason::server_shutting_down);
    return;
  }
  // Session::close() may have started already; the shutdown decides how it ends.
  state_ = State::closing;
  close_reason_ = CloseReason::server_shutting_down;
  close_pending_ = true;
  set_direct(nullptr);
  cancel_heartbeat();
  host_.timers.cancel(close_timer_);
  close_timer_ = 0;
  if (upgrading_) abort_upgrade(true);
  // A waiting GET takes the queue now, or the close packet when nothing is queued.
  if (poll_) flush();
}

void ServerSession::start_heartbeat() {
  ping_due_ = host_.timers.now() + host_.options.ping_interval;
  ping_timer_ = host_.timers.schedule(ping_due_, [this] { send_ping(); });
}

void ServerSession::send_ping() {
  ping_timer_ = 0;
  push(host_.ping_frame);
  pong_deadline_ = ping_due_ + host_.options.ping_timeout;
  pong_timer_ = host_.timers.schedule(pong_deadline_, [this] {
    pong_timer_ = 0;
    finish(CloseReason::ping_timeout);
  });
}

void ServerSession::on_pong() {
  if (!pong_timer_) {
    // Only the answer to a ping keeps a session alive: a client that sends pongs of its own
    // accord, without reading the pings, would otherwise never time out.
    detail::log(host_.options.logger, LogLevel::warn, "session ", id_, ": pong with no ping outstanding; closing it");
    finish(CloseReason::transport_error);
    return;
  }
  auto& timers = host_.timers;
  timers.cancel(pong_timer_);
  pong_timer_ = 0;
  pong_deadline_ = transport::TimePoint::max();
  // Like Node, any pong restarts the interval: the next ping is ping_interval after it.
  timers.cancel(ping_timer_);
  start_heartbeat();
}

void ServerSession::cancel_heartbeat() noexcept {
  host_.timers.cancel(ping_timer_);
  host_.timers.cancel(pong_timer_);
  ping_timer_ = pong_timer_ = 0;
}

void ServerSession::on_packet(PacketType type, std::string_view data, bool binary) {
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

void ServerSession::on_ws_frame(std::string_view data, bool binary) {
  PacketView p;
  if (const std::error_code ec = decode_frame(data, binary, p)) {
    detail::log(host_.options.logger, LogLevel::warn, "session ", id_, ": ", ec.message(), " on WebSocket; closing it");
    finish(CloseReason::parse_error);
    return;
  }
  on_packet(p.type, p.data, p.binary);
}

void ServerSession::on_poll(const std::shared_ptr<transport::HttpExchange>& exchange) {
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

void ServerSession::on_post(const std::shared_ptr<transport::HttpExchange>& exchange) {
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

void ServerSession::on_poll_aborted(transport::HttpExchange& exchange) {
  if (poll_.get() != &exchange) return;
  poll_.reset();
  finish(CloseReason::transport_error);
}

void ServerSession::flush() {
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
    if (!queue_.empty()) {
      // The close packet gets a response of its own, as Node sends it: the official client
      // handles a close at once but the packets before it in the same payload a tick later, on a
      // socket already closed, so it would lose them.
      respond_poll(nullptr);
      return;
    }
    respond_poll(host_.close_frame.get());
    finish(close_reason_);
    return;
  }
  if (upgrading_ && probed_) return;
  if (queue_.empty()) return;
  respond_poll(nullptr);
  host_.handler.on_drain(*this);
}

void ServerSession::begin_upgrade(std::shared_ptr<transport::WsConnection> connection) {
  upgrading_ = true;
  probed_ = false;
  upgrade_ws_ = std::move(connection);
  upgrade_ws_->user_data = this;
  upgrade_timer_ = host_.timers.schedule_after(host_.options.upgrade_timeout, [this] {
    upgrade_timer_ = 0;
    abort_upgrade(true);
  });
}

void ServerSession::on_upgrade_frame(std::string_view data, bool binary) {
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

void ServerSession::complete_upgrade() {
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

void ServerSession::abort_upgrade(bool close_socket) {
  host_.timers.cancel(upgrade_timer_);
  upgrade_timer_ = 0;
  upgrading_ = probed_ = false;
  upgrade_ws_->user_data = nullptr;
  if (close_socket) upgrade_ws_->close(transport::CloseCode::normal);
  upgrade_ws_.reset();
  if (poll_ && !queue_.empty()) schedule_flush();
}

void ServerSession::finish(CloseReason reason, bool socket_gone) {
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

void ServerSession::attach_websocket(std::shared_ptr<transport::WsConnection> connection) {
  ws_ = std::move(connection);
  ws_->user_data = this;
  set_direct(ws_.get());
}

void ServerSession::push(const Frame& frame) {
  if (kind_ == TransportKind::websocket) {
    ws_->send(frame);
    return;
  }
  queued_bytes_ += frame->bytes.size();
  queue_.push_back(frame);
  if (poll_ && !(upgrading_ && probed_)) schedule_flush();
}

void ServerSession::schedule_flush() { host_.schedule_flush(*this); }

void ServerSession::respond_poll(const FrameData* last, bool with_queue) {
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

}  // namespace sio::engineio::detail
