#pragma once
/// \file
/// sio::DisconnectReason: why a socket disconnected, with Node's reason strings.

#include <string_view>

namespace sio {

/// Why a socket disconnected; to_string() gives Node's reason string.
enum class DisconnectReason : unsigned char {
  client_namespace_disconnect,  ///< The client left the namespace (`socket.disconnect()` on the client).
  server_namespace_disconnect,  ///< The server disconnected the socket (Socket::disconnect).
  transport_close,              ///< The client closed the connection, or its page went away.
  transport_error,              ///< The connection failed.
  ping_timeout,                 ///< The client did not answer a ping in time.
  parse_error,                  ///< The client sent something that does not parse.
  forced_close,                 ///< The server closed the Engine.IO connection under the socket.
  server_shutting_down,         ///< The server is closing (Server::close).
  /// The client did not read fast enough: what waited to be sent to it would have passed
  /// ServerOptions::max_buffered_bytes (with OverflowPolicy::disconnect). sio's own: Node's
  /// server has no bound.
  send_buffer_full,
};

/// Node's string for `reason`, e.g. "ping timeout".
inline std::string_view to_string(DisconnectReason reason) noexcept {
  switch (reason) {
    case DisconnectReason::client_namespace_disconnect: return "client namespace disconnect";
    case DisconnectReason::server_namespace_disconnect: return "server namespace disconnect";
    case DisconnectReason::transport_close: return "transport close";
    case DisconnectReason::transport_error: return "transport error";
    case DisconnectReason::ping_timeout: return "ping timeout";
    case DisconnectReason::parse_error: return "parse error";
    case DisconnectReason::forced_close: return "forced close";
    case DisconnectReason::server_shutting_down: return "server shutting down";
    case DisconnectReason::send_buffer_full: return "send buffer full";
  }
  return "transport close";
}

}  // namespace sio
