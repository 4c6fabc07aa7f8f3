#pragma once
/// \file
/// The Engine.IO v4 server: handshakes, sessions, heartbeats, long-polling and the upgrade to WebSocket.
///
/// The server is the HTTP edge: it routes each request by method, `transport` and `sid`, answers
/// preflights and refusals (sio/engineio/cors.hpp, sio/engineio/http_errors.hpp), and hands what
/// belongs to a session to its state machine (sio/engineio/detail/server_session.hpp) when it
/// comes from the client that opened the session (sio/engineio/client_address.hpp).
///
/// All of it but the constructor, a template over the transport, is compiled into sio::sio
/// (src/engineio/server.cpp); the session machinery sits behind a pointer, so that including this
/// header does not compile it again.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "sio/detail/timer_queue.hpp"
// The packet codec is part of this API: make_frame() builds what Session::send() takes.
#include "sio/engineio/handshake_limiter.hpp"
#include "sio/engineio/packet.hpp"
#include "sio/engineio/server_options.hpp"
#include "sio/engineio/session.hpp"
#include "sio/transport/transport.hpp"

namespace sio::engineio {

namespace detail {
class ServerSession;
class SessionHost;
}  // namespace detail

/// An Engine.IO v4 server mounted on a transport at a path such as "/engine.io/".
///
/// It answers handshakes, keeps sessions alive with heartbeats, carries messages over HTTP
/// long-polling and WebSocket, upgrades polling sessions, and tells a SessionHandler about each
/// session's open, messages and close. All deadlines share the server's timers() queue.
/// Everything runs on the transport's I/O thread.
///
/// \code
/// sio::transport::memory transport(ioc);
/// MyHandler handler;                       // a SessionHandler
/// sio::engineio::Server server(transport, "/engine.io/", {}, handler);
/// \endcode
///
/// Lifetimes: the transport and the handler must outlive the server, and the server must not be
/// destroyed from inside one of its own calls to the handler. A session is destroyed after
/// SessionHandler::on_close returns, once the current call into the server has unwound (in a task
/// posted to the transport), so a handler may close or send on any session from any callback.
class Server final : public transport::Handler {
 public:
  /// Mounts the server on `transport` at `path` (a trailing '/' is added if missing), with
  /// MountOptions::max_payload equal to `options.max_payload`. Throws std::invalid_argument for
  /// options that cannot work (no transport allowed, non-positive heartbeat, path not starting with '/').
  template <class Transport>
  Server(Transport& transport, std::string path, ServerOptions options, SessionHandler& handler);
  /// Closes every session (as close() does) and unmounts.
  ~Server() override;
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Closes every session with CloseReason::server_shutting_down (the handler is told) and refuses
  /// new sessions from now on (400 `{"code":3,"message":"Bad request"}`).
  void close();
  /// Closes the server gracefully: refuses new sessions at once (as close() does) and ends every
  /// session with CloseReason::server_shutting_down after delivering what is queued for it (see
  /// detail::ServerSession::shut_down). `done` runs once every session has ended and every
  /// WebSocket has finished its closing handshake, with an empty code, or when `grace` has passed
  /// first, with sio::error::timeout: the sessions left are then ended at once and their sockets
  /// let go (the transport finishes closing them). It runs in a task posted to the I/O thread,
  /// never inside this call; if the server is destroyed first, it runs with
  /// sio::error::server_gone (from the destructor, or from the task if that was posted already). A second call while one is under way waits for the same end; a
  /// call after close() completes at once.
  void shut_down(std::chrono::milliseconds grace, std::function<void(std::error_code)> done);
  /// The deadline queue shared by every session (and by the layers above).
  sio::detail::TimerQueue& timers() noexcept { return timers_; }
  /// The transport's current time.
  transport::TimePoint now() const { return timers_.now(); }
  /// The open session with id `sid`, or null.
  Session* find(std::string_view sid) noexcept;
  /// Number of open sessions.
  std::size_t session_count() const noexcept;
  /// The options given at construction.
  const ServerOptions& options() const noexcept { return options_; }
  /// The mounted path, e.g. "/engine.io/".
  const std::string& path() const noexcept { return path_; }
  /// Sees every HTTP request on the path before the server does; returning true means the
  /// interceptor answered it (used to serve `/socket.io/socket.io.js`).
  void set_request_interceptor(std::function<bool(const std::shared_ptr<transport::HttpExchange>&)> fn) {
    interceptor_ = std::move(fn);
  }

  /// transport::Handler: a polling request, a handshake, or a CORS preflight.
  void on_http(std::shared_ptr<transport::HttpExchange> exchange) override;
  /// transport::Handler: a waiting polling GET lost its client (the session closes, transport_error).
  void on_http_aborted(transport::HttpExchange& exchange) override;
  /// transport::Handler: accepts WebSocket handshakes and upgrades of known sessions by the client
  /// that opened them; refuses bad ones with the same status and JSON body as HTTP, and, with
  /// origins named in ServerOptions::cors_origins, those from other origins (403).
  int on_ws_validate(const transport::HttpRequest& request, std::string& body) override;
  /// transport::Handler: opens a WebSocket session or starts an upgrade.
  void on_ws_open(std::shared_ptr<transport::WsConnection> connection, transport::HttpRequest request) override;
  /// transport::Handler: one Engine.IO packet on a WebSocket.
  void on_ws_message(transport::WsConnection& connection, std::string_view data, bool binary) override;
  /// transport::Handler: a WebSocket is gone.
  void on_ws_close(transport::WsConnection& connection, std::error_code ec) override;
  void on_ws_drain(transport::WsConnection& connection) override;

 private:
  // What the server needs from its transport beyond the timer queue.
  struct TransportOps {
    virtual ~TransportOps() = default;
    virtual void post(std::function<void()> fn) = 0;
    virtual void unmount(const std::string& path) = 0;
  };
  template <class Transport>
  struct TransportOpsFor;
  // Deletes the host where its type is complete (src/engineio/server.cpp): the constructor
  // template, compiled in the user's translation unit, only sees it declared.
  struct HostDeleter {
    void operator()(detail::SessionHost* host) const noexcept;
  };

  static std::string normalize_path(std::string path);
  // What the constructor does that does not depend on the transport: makes the session host
  // (which posts through transport_) and checks the options.
  void start(SessionHandler& handler);
  void validate_options() const;
  void handshake_polling(const std::shared_ptr<transport::HttpExchange>& exchange);
  std::error_code check_handshake(const transport::HttpRequest& request);
  std::string open_packet(const detail::ServerSession& session, bool upgrades) const;
  // A shutdown under way has nothing left to wait for: complete it.
  void check_shut_down();
  void complete_shut_down(std::error_code ec);

  std::unique_ptr<TransportOps> transport_;
  std::string path_;
  ServerOptions options_;
  sio::detail::TimerQueue timers_;
  std::unique_ptr<detail::SessionHost, HostDeleter> host_;
  std::function<bool(const std::shared_ptr<transport::HttpExchange>&)> interceptor_;
  bool closed_ = false;
  std::optional<HandshakeLimiter> limiter_;  // with max_handshakes_per_address
  // shut_down(): who waits, the WebSockets still in their closing handshake, and the deadline.
  std::vector<std::function<void(std::error_code)>> shut_down_waiters_;
  std::vector<std::shared_ptr<transport::WsConnection>> closing_sockets_;
  sio::detail::TimerQueue::Id shut_down_timer_ = 0;
  // Posted shut_down() completions see through it whether the server still exists.
  std::shared_ptr<void> alive_ = std::make_shared<int>(0);
};

}  // namespace sio::engineio

#include "sio/engineio/impl/server.hpp"
