#pragma once
/// \file
/// sio's error codes, usable as std::error_code.

#include <string>
#include <system_error>

namespace sio {

/// Errors sio reports at its edges (to handlers, ack callbacks and the logger).
enum class error {
  ok = 0,
  // Engine.IO
  unknown_transport = 1,   ///< `transport` query parameter missing or unknown.
  unknown_sid,             ///< Session id not found.
  bad_handshake_method,    ///< A session can only be opened by GET.
  bad_request,             ///< Malformed request (missing or wrong `EIO`, duplicate GET, ...).
  forbidden,               ///< Refused by `allow_request` or CORS.
  unsupported_protocol_version,  ///< `EIO` is not 4.
  payload_too_large,       ///< Body or message over the configured limit.
  invalid_packet,          ///< An Engine.IO packet that does not parse.
  invalid_utf8,            ///< Text that is not valid UTF-8.
  // Socket.IO
  invalid_namespace,       ///< CONNECT to a namespace that does not exist.
  invalid_payload,         ///< A Socket.IO packet that does not parse or has a payload of the wrong shape.
  unexpected_attachment,   ///< A binary frame arrived when none was expected, or text while attachments were awaited.
  too_many_attachments,    ///< More attachments announced than the configured limit allows.
  // Calls
  timeout,                 ///< No acknowledgement arrived in time.
  socket_gone,             ///< The socket a handle refers to is disconnected.
  not_connected,           ///< The operation needs a connected socket.
  dropped,                 ///< A volatile packet was dropped because the socket was not ready.
  queue_full,              ///< The socket's outgoing byte budget is spent.
  server_gone,             ///< The server the handle belongs to was destroyed.
  // Engine.IO, again
  server_busy,             ///< A new session refused: as many are open as the server allows (HTTP 503).
  too_many_requests,       ///< A new session refused: its address opened as many as it may for now (HTTP 429).
  // Adapters
  cluster_unavailable,     ///< The other servers cannot be reached now (their Redis is down, say).
};

/// The category of sio::error.
inline const std::error_category& error_category() noexcept {
  struct category final : std::error_category {
    const char* name() const noexcept override { return "sio"; }
    std::string message(int ev) const override {
      switch (static_cast<error>(ev)) {
        case error::ok: return "success";
        case error::unknown_transport: return "Transport unknown";
        case error::unknown_sid: return "Session ID unknown";
        case error::bad_handshake_method: return "Bad handshake method";
        case error::bad_request: return "Bad request";
        case error::forbidden: return "Forbidden";
        case error::unsupported_protocol_version: return "Unsupported protocol version";
        case error::payload_too_large: return "Payload too large";
        case error::invalid_packet: return "Invalid packet";
        case error::invalid_utf8: return "Invalid UTF-8";
        case error::invalid_namespace: return "Invalid namespace";
        case error::invalid_payload: return "Invalid payload";
        case error::unexpected_attachment: return "Unexpected binary attachment";
        case error::too_many_attachments: return "Too many binary attachments";
        case error::timeout: return "operation has timed out";
        case error::socket_gone: return "socket is disconnected";
        case error::not_connected: return "socket is not connected";
        case error::dropped: return "packet dropped";
        case error::queue_full: return "outgoing queue full";
        case error::server_gone: return "server is gone";
        case error::server_busy: return "Server busy";
        case error::too_many_requests: return "Too many requests";
        case error::cluster_unavailable: return "cluster unavailable";
      }
      return "unknown sio error";
    }
  };
  static const category instance;
  return instance;
}

/// Makes a std::error_code from a sio::error.
inline std::error_code make_error_code(error e) noexcept {
  return {static_cast<int>(e), error_category()};
}

}  // namespace sio

template <>
struct std::is_error_code_enum<sio::error> : std::true_type {};
