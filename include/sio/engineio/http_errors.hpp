#pragma once
/// \file
/// How the Engine.IO HTTP edge refuses a request: Node's status codes and JSON bodies, such as
/// 400 `{"code":3,"message":"Bad request"}`, which clients and the protocol test suites read.

#include <string>
#include <system_error>
#include <utility>

#include "sio/engineio/cors.hpp"
#include "sio/engineio/detail/log.hpp"
#include "sio/engineio/server_options.hpp"
#include "sio/error.hpp"
#include "sio/transport/transport.hpp"

namespace sio::engineio {

/// Node's numeric code for a refusal (engine.io's `Server.errors`): 0 unknown transport, 1 unknown
/// sid, 2 bad handshake method, 3 bad request (also anything else), 4 forbidden, 5 unsupported
/// protocol version.
inline int http_error_code(std::error_code ec) noexcept {
  switch (static_cast<error>(ec.value())) {
    case error::unknown_transport: return 0;
    case error::unknown_sid: return 1;
    case error::bad_handshake_method: return 2;
    case error::forbidden: return 4;
    case error::unsupported_protocol_version: return 5;
    default: return 3;
  }
}

/// The HTTP status of a refusal: 403 for forbidden, 400 for every other one.
inline int http_error_status(std::error_code ec) noexcept { return http_error_code(ec) == 4 ? 403 : 400; }

/// The JSON body of a refusal, `{"code":<http_error_code>,"message":"<sio::error's message>"}`.
inline std::string http_error_body(std::error_code ec) {
  std::string body = "{\"code\":";
  body += static_cast<char>('0' + http_error_code(ec));
  body += ",\"message\":\"";
  body += make_error_code(static_cast<error>(ec.value())).message();
  body += "\"}";
  return body;
}

/// Refuses `exchange` with `ec` (a sio::error): status, JSON body, `Content-Type:
/// application/json` and the CORS headers of `options`, so a browser can read why. The refusal is
/// logged at info level with the request line and the peer.
inline void respond_error(transport::HttpExchange& exchange, std::error_code ec, const ServerOptions& options) {
  if (options.logger) {
    const auto& r = exchange.request();
    detail::log(options.logger, LogLevel::info, "refused ", r.method, " ", r.path, r.query.empty() ? "" : "?", r.query,
                " from ", r.remote_address, ": ", ec.message());
  }
  transport::Headers headers = cors_headers(options, exchange.request());
  headers.emplace_back("Content-Type", "application/json");
  exchange.respond(http_error_status(ec), http_error_body(ec), std::move(headers));
}

}  // namespace sio::engineio
