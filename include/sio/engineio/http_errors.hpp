#pragma once
/// \file
/// How the Engine.IO HTTP edge refuses a request: Node's status codes and JSON bodies, such as
/// 400 `{"code":3,"message":"Bad request"}`, which clients and the protocol test suites read.

#include <string>
#include <system_error>

#include "sio/engineio/server_options.hpp"
#include "sio/error.hpp"
#include "sio/transport/transport.hpp"

namespace sio::engineio {

/// Node's numeric code for a refusal (engine.io's `Server.errors`): 0 unknown transport, 1 unknown
/// sid, 2 bad handshake method, 3 bad request (also anything else), 4 forbidden, 5 unsupported
/// protocol version.
int http_error_code(std::error_code ec) noexcept;

/// The HTTP status of a refusal: 403 for forbidden, 400 for every other one.
int http_error_status(std::error_code ec) noexcept;

/// The JSON body of a refusal, `{"code":<http_error_code>,"message":"<sio::error's message>"}`.
std::string http_error_body(std::error_code ec);

/// Refuses `exchange` with `ec` (a sio::error): status, JSON body, `Content-Type:
/// application/json` and the CORS headers of `options`, so a browser can read why. The refusal is
/// logged at info level with the request line and the peer.
void respond_error(transport::HttpExchange& exchange, std::error_code ec, const ServerOptions& options);

}  // namespace sio::engineio
