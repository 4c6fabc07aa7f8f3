#pragma once
/// \file
/// Cross-origin resource sharing at the Engine.IO HTTP edge: the headers of every response, the
/// answer to a preflight, and the Origin check, as Node's `cors` middleware and engine.io do them.

#include <string_view>

#include "sio/engineio/server_options.hpp"
#include "sio/transport/transport.hpp"

namespace sio::engineio {

/// The CORS headers for a response to `request` under `options` (ServerOptions::cors_origins and
/// ServerOptions::cors_credentials); none when no origin is configured.
///
/// With "*" the answer is `Access-Control-Allow-Origin: *`, with or without credentials (as Node's
/// `cors` package answers `origin: "*"`: browsers refuse credentialed requests on a star, which is
/// the point); otherwise a listed origin is echoed, with `Vary: Origin` so that caches keep
/// answers apart.
transport::Headers cors_headers(const ServerOptions& options, const transport::HttpRequest& request);

/// True when `request` is a CORS preflight that the server answers itself: CORS is configured
/// and the method is OPTIONS. Without CORS an OPTIONS request is refused like any other method.
bool is_preflight(const ServerOptions& options, const transport::HttpRequest& request) noexcept;

/// Answers a preflight: 204 with the CORS headers, every method Node allows, and the request
/// headers the browser asked for echoed back.
void respond_preflight(transport::HttpExchange& exchange, const ServerOptions& options);

/// True when the WebSocket handshake `request` may go on under ServerOptions::cors_origins.
///
/// Browsers apply no CORS to WebSockets: any page may open one to any server, with the user's
/// cookies. So with origins configured and no "*" among them, the server checks the Origin header
/// itself: a handshake passes when it has no Origin (clients that are not browsers, such as Node's,
/// send none), when its Origin is listed, or when it is the server's own origin (its host and port
/// equal the Host header: a page the server serves itself). Default ports are left out of the
/// comparison, as browsers leave them out of Origin.
bool websocket_origin_allowed(const ServerOptions& options, const transport::HttpRequest& request) noexcept;

/// True when an Origin header value holds characters that no header value may hold (control
/// characters other than tab): Node refuses such requests as bad requests before anything else.
bool is_invalid_origin(std::string_view value) noexcept;

}  // namespace sio::engineio
