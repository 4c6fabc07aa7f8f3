#include "sio/engineio/server.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "sio/engineio/client_address.hpp"
#include "sio/engineio/cors.hpp"
#include "sio/engineio/detail/log.hpp"
#include "sio/engineio/detail/server_session.hpp"
#include "sio/engineio/http_errors.hpp"
#include "sio/engineio/packet.hpp"
#include "sio/transport/query_string.hpp"

namespace sio::engineio {
namespace {

// The raw value of the Engine.IO parameter `name` (`EIO`, `transport`, `sid`) in `query`, empty
// when absent. Not URL-decoded: the values the server reads are made of URL-safe characters.
std::string_view query_value(std::string_view query, std::string_view name) noexcept {
  return transport::query_raw(query, name).value_or(std::string_view{});
}

// The open session `sid` when `request` comes from the client that opened it; null otherwise. A
// client presenting another's sid is told, like one presenting an unknown sid, that there is no
// such session (it learns nothing), and the server's log says who tried.
detail::ServerSession* own_session(detail::SessionHost& host, const transport::HttpRequest& request,
                                   std::string_view sid, const Logger& logger) {
  detail::ServerSession* s = host.lookup(sid);
  if (!s || s->from_own_client(request)) return s;
  detail::log(logger, LogLevel::warn, "session ", s->id(), ": refused ", request.method, " ",
              query_value(request.query, "transport"), " from ", client_address(request, host.options.trusted_proxies),
              " (peer ", request.remote_address, "): the session was opened from ", s->client_address());
  return nullptr;
}

}  // namespace

void Server::HostDeleter::operator()(detail::SessionHost* host) const noexcept { delete host; }

void Server::start(SessionHandler& handler) {
  host_.reset(new detail::SessionHost(handler, options_, timers_,
                                      [ops = transport_.get()](std::function<void()> fn) { ops->post(std::move(fn)); }));
  validate_options();
  if (options_.max_handshakes_per_address > 0)
    limiter_.emplace(options_.max_handshakes_per_address, options_.handshake_window, options_.max_sessions);
}

Server::~Server() {
  // Asio's rule: an operation started completes, here with an error, as nothing of the server is
  // left to wait for.
  host_->on_retired = nullptr;
  timers_.cancel(shut_down_timer_);
  auto waiters = std::move(shut_down_waiters_);
  shut_down_waiters_.clear();
  for (auto& done : waiters) done(make_error_code(error::server_gone));
  close();
  transport_->unmount(path_);
}

std::string Server::normalize_path(std::string path) {
  if (path.empty() || path.back() != '/') path.push_back('/');
  return path;
}

void Server::validate_options() const {
  if (path_.empty() || path_[0] != '/') throw std::invalid_argument("sio::engineio::Server: path must start with '/'");
  if (!options_.polling && !options_.websocket)
    throw std::invalid_argument("sio::engineio::Server: no transport allowed");
  if (options_.ping_interval.count() <= 0 || options_.ping_timeout.count() <= 0 ||
      options_.upgrade_timeout.count() <= 0)
    throw std::invalid_argument("sio::engineio::Server: ping_interval, ping_timeout and upgrade_timeout must be positive");
  if (options_.max_handshakes_per_address > 0 && options_.handshake_window.count() <= 0)
    throw std::invalid_argument("sio::engineio::Server: handshake_window must be positive");
  if (options_.max_payload == 0) throw std::invalid_argument("sio::engineio::Server: max_payload must be positive");
}

void Server::close() {
  if (closed_) return;
  closed_ = true;
  host_->close_all(CloseReason::server_shutting_down);
}

void Server::shut_down(std::chrono::milliseconds grace, std::function<void(std::error_code)> done) {
  if (closed_ && shut_down_waiters_.empty()) {
    // close() already ended everything.
    transport_->post([alive = std::weak_ptr<void>(alive_), done = std::move(done)] {
      done(alive.expired() ? make_error_code(error::server_gone) : std::error_code{});
    });
    return;
  }
  shut_down_waiters_.push_back(std::move(done));
  if (closed_) return;
  closed_ = true;
  std::vector<detail::ServerSession*> sessions = host_->sessions();
  for (detail::ServerSession* s : sessions) {
    if (const auto& ws = s->websocket_connection()) closing_sockets_.push_back(ws);
    s->shut_down();
  }
  host_->on_retired = [this] { check_shut_down(); };
  shut_down_timer_ = timers_.schedule_after(grace, [this] {
    shut_down_timer_ = 0;
    host_->on_retired = nullptr;
    const bool late = host_->size() > 0 || !closing_sockets_.empty();
    host_->close_all(CloseReason::server_shutting_down);
    closing_sockets_.clear();
    complete_shut_down(late ? make_error_code(error::timeout) : std::error_code{});
  });
  check_shut_down();
}

void Server::check_shut_down() {
  if (shut_down_waiters_.empty() || host_->size() > 0 || !closing_sockets_.empty()) return;
  complete_shut_down({});
}

void Server::complete_shut_down(std::error_code ec) {
  host_->on_retired = nullptr;
  timers_.cancel(shut_down_timer_);
  shut_down_timer_ = 0;
  auto waiters = std::move(shut_down_waiters_);
  shut_down_waiters_.clear();
  // Posted: a waiter may destroy the server, which must not happen inside one of its calls.
  // A server destroyed before the task runs no longer has what the waiters were told of.
  transport_->post([alive = std::weak_ptr<void>(alive_), waiters = std::move(waiters), ec] {
    const std::error_code result = alive.expired() ? make_error_code(error::server_gone) : ec;
    for (auto& done : waiters) done(result);
  });
}

Session* Server::find(std::string_view sid) noexcept { return host_->lookup(sid); }

std::string Server::open_packet(const detail::ServerSession& session, bool upgrades) const {
  return encode_open(session.id(), upgrades, static_cast<std::uint64_t>(options_.ping_interval.count()),
                     static_cast<std::uint64_t>(options_.ping_timeout.count()), options_.max_payload);
}

// The checks a request without a sid passes before it may open a session (Node's order).
std::error_code Server::check_handshake(const transport::HttpRequest& request) {
  if (options_.allow_request && !options_.allow_request(request)) return error::forbidden;
  if (query_value(request.query, "EIO") != "4") return error::unsupported_protocol_version;
  if (closed_) return error::bad_request;
  if (limiter_) {
    const std::string_view address = client_address(request, options_.trusted_proxies);
    if (!limiter_->admit(address, now())) {
      detail::log(options_.logger, LogLevel::warn, "refused handshake from ", address, ": over ",
                  std::to_string(options_.max_handshakes_per_address), " per ",
                  std::to_string(options_.handshake_window.count()), " ms");
      return error::too_many_requests;
    }
  }
  if (host_->size() >= options_.max_sessions || !host_->handler.accepts_session()) return error::server_busy;
  return {};
}

void Server::on_http(std::shared_ptr<transport::HttpExchange> exchange) {
  if (interceptor_ && interceptor_(exchange)) return;
  const transport::HttpRequest& req = exchange->request();
  if (is_preflight(options_, req)) return respond_preflight(*exchange, options_);
  const std::string_view transport = query_value(req.query, "transport");
  const bool polling = transport == "polling" && options_.polling;
  const bool websocket = transport == "websocket" && options_.websocket;
  if (!polling && !websocket) return respond_error(*exchange, error::unknown_transport, options_);
  if (is_invalid_origin(req.header("Origin"))) return respond_error(*exchange, error::bad_request, options_);
  if (const std::string_view sid = query_value(req.query, "sid"); !sid.empty()) {
    detail::ServerSession* s = own_session(*host_, req, sid, options_.logger);
    if (!s) return respond_error(*exchange, error::unknown_sid, options_);
    // Plain HTTP only ever carries polling; an upgraded session has left it.
    if (!polling || s->transport() != TransportKind::polling)
      return respond_error(*exchange, error::bad_request, options_);
    if (req.method == "GET") return s->on_poll(exchange);
    if (req.method == "POST") return s->on_post(exchange);
    return respond_error(*exchange, error::bad_request, options_);
  }
  if (req.method != "GET") return respond_error(*exchange, error::bad_handshake_method, options_);
  // A WebSocket handshake without the upgrade.
  if (websocket) return respond_error(*exchange, error::bad_request, options_);
  if (const std::error_code ec = check_handshake(req)) return respond_error(*exchange, ec, options_);
  handshake_polling(exchange);
}

void Server::handshake_polling(const std::shared_ptr<transport::HttpExchange>& exchange) {
  detail::ServerSession& s = host_->open(exchange->request(), TransportKind::polling);
  transport::Headers headers = cors_headers(options_, exchange->request());
  headers.emplace_back("Content-Type", "text/plain; charset=UTF-8");
  headers.emplace_back("Cache-Control", "no-store");
  exchange->respond(200, open_packet(s, options_.allow_upgrades && options_.websocket), std::move(headers));
  s.start_heartbeat();
  host_->handler.on_open(s);
}

void Server::on_http_aborted(transport::HttpExchange& exchange) {
  const std::string_view sid = query_value(exchange.request().query, "sid");
  if (sid.empty()) return;
  if (detail::ServerSession* s = host_->lookup(sid)) s->on_poll_aborted(exchange);
}

int Server::on_ws_validate(const transport::HttpRequest& request, std::string& body) {
  const std::string_view sid = query_value(request.query, "sid");
  std::error_code ec;
  if (query_value(request.query, "transport") != "websocket" || !options_.websocket) {
    ec = error::unknown_transport;
  } else if (is_invalid_origin(request.header("Origin"))) {
    ec = error::bad_request;
  } else if (!websocket_origin_allowed(options_, request)) {
    detail::log(options_.logger, LogLevel::warn, "refused WebSocket from ", request.remote_address, ": Origin ",
                request.header("Origin"), " is not among cors_origins");
    ec = error::forbidden;
  } else if (!sid.empty()) {
    // A known sid from its own client is accepted even when it cannot upgrade (already upgraded, upgrading): the
    // socket is then closed after the handshake, which clients handle better than an HTTP error.
    if (!own_session(*host_, request, sid, options_.logger)) ec = error::unknown_sid;
  } else {
    ec = check_handshake(request);
  }
  if (!ec) return 0;
  body = http_error_body(ec);
  return http_error_status(ec);
}

void Server::on_ws_open(std::shared_ptr<transport::WsConnection> connection, transport::HttpRequest request) {
  if (const std::string_view sid = query_value(request.query, "sid"); !sid.empty()) {
    // Checked again here, where the session would change hands: a transport need not ask
    // on_ws_validate first (its default accepts everything).
    detail::ServerSession* s = own_session(*host_, request, sid, options_.logger);
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
  detail::ServerSession& s = host_->open(std::move(request), TransportKind::websocket);
  s.attach_websocket(connection);
  connection->send(make_text_frame(open_packet(s, false)));
  s.start_heartbeat();
  host_->handler.on_open(s);
}

void Server::on_ws_message(transport::WsConnection& connection, std::string_view data, bool binary) {
  auto* s = static_cast<detail::ServerSession*>(connection.user_data);
  if (!s) return;
  if (s->owns_socket(connection)) {
    s->on_ws_frame(data, binary);
  } else if (s->upgrading_on(connection)) {
    s->on_upgrade_frame(data, binary);
  }
}

void Server::on_ws_drain(transport::WsConnection& connection) {
  auto* s = static_cast<detail::ServerSession*>(connection.user_data);
  if (s && s->owns_socket(connection)) s->on_ws_drain();
}

void Server::on_ws_close(transport::WsConnection& connection, std::error_code ec) {
  if (!closing_sockets_.empty()) {
    auto it = std::find_if(closing_sockets_.begin(), closing_sockets_.end(),
                           [&](const auto& c) { return c.get() == &connection; });
    if (it != closing_sockets_.end()) {
      closing_sockets_.erase(it);
      check_shut_down();
    }
  }
  auto* s = static_cast<detail::ServerSession*>(connection.user_data);
  if (!s) return;
  if (s->owns_socket(connection)) {
    // After Session::close() the socket closing is the expected end of a forced close.
    const CloseReason reason = s->state() == detail::ServerSession::State::closing ? CloseReason::forced_close
                               : ec                                                 ? CloseReason::transport_error
                                                                                    : CloseReason::transport_close;
    if (ec) detail::log(options_.logger, LogLevel::info, "session ", s->id(), ": WebSocket failed: ", ec.message());
    s->finish(reason, /*socket_gone=*/true);
  } else if (s->upgrading_on(connection)) {
    s->abort_upgrade(false);
  }
}

std::size_t Server::session_count() const noexcept { return host_->size(); }

}  // namespace sio::engineio
