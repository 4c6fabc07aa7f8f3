#pragma once
/// \file
/// The seam between a transport (sockets, HTTP, WebSocket) and an Engine.IO server.
///
/// A transport accepts HTTP requests and WebSocket connections and hands those whose path is mounted
/// to a Handler (an engineio::Server). Everything here runs on the transport's single I/O thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "sio/engineio/frame.hpp"

namespace sio::transport {

/// Clock used for every deadline in sio (heartbeats, timeouts).
using Clock = std::chrono::steady_clock;
/// A point in time on Clock.
using TimePoint = Clock::time_point;

/// One HTTP header.
using Header = std::pair<std::string, std::string>;
/// HTTP headers in arrival order; names as the client sent them.
using Headers = std::vector<Header>;

/// Case-insensitive ASCII comparison, as HTTP header names need.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// An HTTP request as the transport received it (also the request that opened a WebSocket).
struct HttpRequest {
  std::string method;          ///< "GET", "POST", ...
  std::string path;            ///< Path without the query string, e.g. "/socket.io/".
  std::string query;           ///< Raw query string without '?', e.g. "EIO=4&transport=polling".
  Headers headers;             ///< Request headers.
  std::string body;            ///< Request body (empty for a WebSocket upgrade).
  std::string remote_address;  ///< Peer address, e.g. "127.0.0.1".

  /// Value of the first header named `name` (case-insensitive), or empty.
  std::string_view header(std::string_view name) const noexcept {
    for (const auto& h : headers)
      if (iequals(h.first, name)) return h.second;
    return {};
  }
};

/// A received HTTP request whose answer may come later (a long-polling GET waits for data).
///
/// The transport keeps the exchange alive until respond() is called or the client goes away;
/// in the latter case it calls Handler::on_http_aborted and open() turns false.
class HttpExchange {
 public:
  virtual ~HttpExchange() = default;
  /// The request.
  virtual const HttpRequest& request() const noexcept = 0;
  /// Sends the response; later calls are ignored. `headers` are added to the transport's own.
  virtual void respond(int status, std::string body, Headers headers = {}) = 0;
  /// True until respond() was called or the client went away.
  virtual bool open() const noexcept = 0;
};

/// WebSocket close codes used by sio.
enum class CloseCode : std::uint16_t {
  normal = 1000,
  going_away = 1001,
  protocol_error = 1002,
  invalid_payload = 1007,
  policy_violation = 1008,
  message_too_big = 1009,
  internal_error = 1011,
};

/// One accepted WebSocket connection.
class WsConnection {
 public:
  virtual ~WsConnection() = default;
  /// Queues a frame (text or binary as the frame says). Frames queued before the next write are
  /// written together. Ignored after close.
  virtual void send(const engineio::Frame& frame) = 0;
  /// Starts the closing handshake; Handler::on_ws_close follows once the connection is gone.
  virtual void close(CloseCode code = CloseCode::normal, std::string_view reason = {}) = 0;
  /// Bytes queued but not yet written to the socket (for flow control).
  virtual std::size_t buffered_amount() const noexcept = 0;
  /// Slot for the handler's own per-connection object (the transport never reads it), so that
  /// a message finds its session without a lookup.
  void* user_data = nullptr;
};

/// What an Engine.IO server implements to receive traffic from a transport.
class Handler {
 public:
  virtual ~Handler() = default;
  /// An HTTP request for the mounted path. The handler answers through the exchange, now or later.
  virtual void on_http(std::shared_ptr<HttpExchange> exchange) = 0;
  /// The client of a pending exchange went away before the response.
  virtual void on_http_aborted(HttpExchange& exchange) = 0;
  /// Decides whether a WebSocket upgrade request on the mounted path is accepted: 0 accepts it,
  /// an HTTP status (400, 403, ...) refuses it with that status and `body`.
  virtual int on_ws_validate(const HttpRequest& /*request*/, std::string& /*body*/) { return 0; }
  /// A WebSocket was accepted on the mounted path; `request` is the HTTP request that opened it
  /// (without a body). The transport keeps no copy of it: the handler keeps what it needs, so
  /// that an open connection holds its handshake data once.
  virtual void on_ws_open(std::shared_ptr<WsConnection> connection, HttpRequest request) = 0;
  /// A complete WebSocket message arrived.
  virtual void on_ws_message(WsConnection& connection, std::string_view data, bool binary) = 0;
  /// Everything sent on `connection` was written to the socket: buffered_amount() is 0 again.
  /// Called after writes that empty the connection's queue (not for every frame), so flow
  /// control can resume a sender or tell the application.
  virtual void on_ws_drain(WsConnection& /*connection*/) {}
  /// The WebSocket is closed: `ec` is empty after a closing handshake (either side) and holds the
  /// failure otherwise (write error, reset, message too big). No call for it follows.
  virtual void on_ws_close(WsConnection& connection, std::error_code ec) = 0;
};

/// Limits that the transport enforces before handing data to a mounted handler.
struct MountOptions {
  /// Largest HTTP body or WebSocket message accepted, in bytes; larger ones are refused before
  /// they are buffered whole (HTTP 413, WebSocket close 1009).
  std::size_t max_payload = 1'000'000;
};

/// A one-shot timer on the transport's clock; the callback runs on the I/O thread.
class Timer {
 public:
  virtual ~Timer() = default;
  /// (Re)arms the timer; an earlier arming is replaced.
  virtual void expires_at(TimePoint when) = 0;
  /// Disarms the timer.
  virtual void cancel() = 0;
};

/// The callback an application gives to receive HTTP requests that are not Engine.IO traffic.
using HttpCallback = std::function<void(std::shared_ptr<HttpExchange>)>;

}  // namespace sio::transport
