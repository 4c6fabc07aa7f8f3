#pragma once
/// \file
/// The Engine.IO session seen by the layer above it (Socket.IO, or an application using raw Engine.IO).

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "sio/engineio/frame.hpp"
#include "sio/transport/transport.hpp"

namespace sio::engineio {

/// Why an Engine.IO session closed. The strings are Node's (see to_string()).
enum class CloseReason {
  transport_close,     ///< The client closed the connection or sent a close packet.
  transport_error,     ///< The connection failed (write error, HTTP aborted mid-request, ...).
  ping_timeout,        ///< No pong within pingTimeout after a ping.
  parse_error,         ///< The client sent something that does not parse.
  forced_close,        ///< The server closed this session (Session::close()).
  server_shutting_down,///< The whole server is closing.
};

/// Node's reason string for `reason`: "transport close", "transport error", "ping timeout",
/// "parse error", "forced close", "server shutting down".
inline std::string_view to_string(CloseReason reason) noexcept {
  switch (reason) {
    case CloseReason::transport_close: return "transport close";
    case CloseReason::transport_error: return "transport error";
    case CloseReason::ping_timeout: return "ping timeout";
    case CloseReason::parse_error: return "parse error";
    case CloseReason::forced_close: return "forced close";
    case CloseReason::server_shutting_down: return "server shutting down";
  }
  return "transport close";
}

/// The transport a session currently uses.
enum class TransportKind { polling, websocket };

/// One Engine.IO connection (a Socket.IO *client*). Owned by engineio::Server; valid from
/// SessionHandler::on_open until SessionHandler::on_close returns.
class Session {
 public:
  virtual ~Session() = default;
  /// Session id (`sid`), 20 URL-safe characters from a CSPRNG.
  virtual const std::string& id() const noexcept = 0;
  /// The request that opened the session (headers, query, remote address).
  virtual const transport::HttpRequest& request() const noexcept = 0;
  /// When the session was opened (wall clock, for `handshake.time`).
  virtual std::chrono::system_clock::time_point opened_at() const noexcept = 0;
  /// The transport in use now (changes to websocket after an upgrade).
  virtual TransportKind transport() const noexcept = 0;
  /// Queues a message frame (a `4...` text frame or a binary frame) for the client. While the
  /// session is open on a WebSocket the frame goes straight to it, without a virtual call: a
  /// broadcast to many receivers costs each one little more than its connection's own send.
  void send(const Frame& frame) {
    if (direct_ && frame) direct_->send(frame);
    else send_queued(frame);
  }
  /// True while send() hands frames straight to an open WebSocket (websocket() is not null).
  bool sends_directly() const noexcept { return direct_ != nullptr; }
  /// True when a frame sent now would go out without waiting behind a backlog (used by `volatile`).
  virtual bool writable() const noexcept = 0;
  /// Bytes queued and not yet handed to the socket.
  virtual std::size_t buffered_amount() const noexcept = 0;
  /// Closes the session: what is queued is flushed first, then SessionHandler::on_close(forced_close).
  virtual void close() = 0;
  /// The WebSocket that frames go straight to while the session is open on one (not polling,
  /// upgrading or closing), else null. The handler hears of each change through
  /// SessionHandler::on_transport_change (and on_close).
  transport::WsConnection* websocket() const noexcept { return direct_; }
  /// Slot for the layer above to attach its per-session object.
  void* user_data = nullptr;

 protected:
  /// What send() does when the session is not open on a WebSocket: queue for polling, or drop
  /// once the session is closing.
  virtual void send_queued(const Frame& frame) = 0;
  /// Sets websocket(): the implementation keeps it to its open WebSocket, null otherwise.
  void set_direct(transport::WsConnection* ws) noexcept { direct_ = ws; }

 private:
  transport::WsConnection* direct_ = nullptr;
};

/// What the layer above Engine.IO implements.
class SessionHandler {
 public:
  virtual ~SessionHandler() = default;
  /// A session opened (handshake answered).
  virtual void on_open(Session& session) = 0;
  /// A message packet arrived (`data` without the `4` type prefix for text).
  virtual void on_message(Session& session, std::string_view data, bool binary) = 0;
  /// The session closed; it is destroyed when this returns.
  virtual void on_close(Session& session, CloseReason reason) = 0;
  /// Everything queued for the session was written out.
  virtual void on_drain(Session& /*session*/) {}
  /// Session::websocket() changed (an upgrade completed, or the session began closing).
  virtual void on_transport_change(Session& /*session*/) {}
  /// Asked before each new session opens: false refuses the handshake with 503 (error::server_busy),
  /// for limits of the layer above (Socket.IO's sessions that have not connected a namespace).
  virtual bool accepts_session() { return true; }
};

}  // namespace sio::engineio
