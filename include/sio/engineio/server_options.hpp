#pragma once
/// \file
/// The settings of an engineio::Server: heartbeat, limits, allowed transports, CORS, logging.

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sio/log.hpp"
#include "sio/transport/transport.hpp"

namespace sio::engineio {

/// Settings of an engineio::Server; the defaults are Node's.
struct ServerOptions {
  /// Time between the server's pings (announced as `pingInterval`).
  std::chrono::milliseconds ping_interval{25000};
  /// How long the server waits for a pong before closing the session (announced as `pingTimeout`).
  std::chrono::milliseconds ping_timeout{20000};
  /// How long a WebSocket may take to complete the upgrade of a polling session.
  std::chrono::milliseconds upgrade_timeout{10000};
  /// Largest polling body or WebSocket message accepted, in bytes (Node's `maxHttpBufferSize`;
  /// announced as `maxPayload`).
  std::size_t max_payload = 1'000'000;
  /// HTTP long-polling is allowed.
  bool polling = true;
  /// WebSocket is allowed.
  bool websocket = true;
  /// Polling sessions may upgrade to WebSocket (announced in `upgrades`).
  bool allow_upgrades = true;
  /// Origins allowed by CORS; empty sends no CORS headers, "*" allows any origin. Without "*",
  /// WebSocket handshakes from other origins are refused too (403), since browsers do not apply
  /// CORS to WebSockets: see websocket_origin_allowed() in sio/engineio/cors.hpp.
  std::vector<std::string> cors_origins;
  /// Sends `Access-Control-Allow-Credentials: true`. Browsers send credentials (cookies) only to
  /// origins listed by name: with "*" the answer stays `Access-Control-Allow-Origin: *`.
  bool cors_credentials = false;
  /// Most sessions open at once; a handshake past it is refused with 503
  /// `{"code":3,"message":"Server busy"}`, so that a flood of handshakes cannot take all memory.
  std::size_t max_sessions = 100'000;
  /// Most sessions one client address may open in handshake_window (0: no limit): a burst of
  /// this many at once, then one per handshake_window / max_handshakes_per_address. A handshake
  /// past it is refused with 429 `{"code":3,"message":"Too many requests"}` and a log line. The
  /// address is client_address() of the request (see trusted_proxies). At most max_sessions
  /// addresses are tracked at once; beyond that, new addresses pass uncounted.
  std::size_t max_handshakes_per_address = 0;
  /// The window of max_handshakes_per_address.
  std::chrono::milliseconds handshake_window{10000};
  /// Reverse proxies in front of the server, each appending the address it saw to
  /// `X-Forwarded-For`; 0 when clients connect directly. Every request of a session must come
  /// from the client address its handshake came from (see client_address() in
  /// sio/engineio/client_address.hpp): set this when a proxy stands in front, or every client
  /// has the proxy's address, and never when none does, or clients choose their own address.
  std::size_t trusted_proxies = 0;
  /// Decides on each handshake request; false refuses it with 403 `{"code":4,"message":"Forbidden"}`.
  std::function<bool(const transport::HttpRequest&)> allow_request;
  /// When not '\0', the last character of every session id this server makes (the others
  /// stay random): a mark that says which server holds a connection, so that something in front
  /// of several servers, such as sio::ServerGroup, can send each request to the right one. One
  /// of the URL-safe base64 characters `A-Z a-z 0-9 - _`.
  char sid_mark = '\0';
  /// Where refused requests and bad input are reported; silent when empty.
  Logger logger;
};

}  // namespace sio::engineio
