#pragma once
/// \file
/// Cross-origin resource sharing at the Engine.IO HTTP edge: the headers of every response, the
/// answer to a preflight, and the Origin check, as Node's `cors` middleware and engine.io do them.

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "sio/engineio/server_options.hpp"
#include "sio/transport/transport.hpp"

namespace sio::engineio {

/// The CORS headers for a response to `request` under `options` (ServerOptions::cors_origins and
/// ServerOptions::cors_credentials); none when no origin is configured.
///
/// With "*" and no credentials the answer is `Access-Control-Allow-Origin: *`; otherwise a listed
/// origin (any origin with "*") is echoed, with `Vary: Origin` so that caches keep answers apart.
inline transport::Headers cors_headers(const ServerOptions& options, const transport::HttpRequest& request) {
  transport::Headers headers;
  if (options.cors_origins.empty()) return headers;
  const std::string_view origin = request.header("Origin");
  const auto& origins = options.cors_origins;
  const bool any = std::find(origins.begin(), origins.end(), "*") != origins.end();
  if (any && !options.cors_credentials) {
    headers.emplace_back("Access-Control-Allow-Origin", "*");
  } else {
    const bool listed = any || std::find(origins.begin(), origins.end(), origin) != origins.end();
    if (listed && !origin.empty()) headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
    headers.emplace_back("Vary", "Origin");
  }
  if (options.cors_credentials) headers.emplace_back("Access-Control-Allow-Credentials", "true");
  return headers;
}

/// True when `request` is a CORS preflight that the server answers itself: CORS is configured
/// and the method is OPTIONS. Without CORS an OPTIONS request is refused like any other method.
inline bool is_preflight(const ServerOptions& options, const transport::HttpRequest& request) noexcept {
  return !options.cors_origins.empty() && request.method == "OPTIONS";
}

/// Answers a preflight: 204 with the CORS headers, every method Node allows, and the request
/// headers the browser asked for echoed back.
inline void respond_preflight(transport::HttpExchange& exchange, const ServerOptions& options) {
  const transport::HttpRequest& req = exchange.request();
  transport::Headers headers = cors_headers(options, req);
  headers.emplace_back("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE");
  const std::string_view asked = req.header("Access-Control-Request-Headers");
  if (!asked.empty()) {
    headers.emplace_back("Access-Control-Allow-Headers", std::string(asked));
    headers.emplace_back("Vary", "Access-Control-Request-Headers");
  }
  headers.emplace_back("Content-Length", "0");
  exchange.respond(204, {}, std::move(headers));
}

/// True when an Origin header value holds characters that no header value may hold (control
/// characters other than tab): Node refuses such requests as bad requests before anything else.
inline bool is_invalid_origin(std::string_view value) noexcept {
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

}  // namespace sio::engineio
