#include "sio/engineio/http_errors.hpp"

#include <utility>

#include "sio/engineio/cors.hpp"
#include "sio/engineio/detail/log.hpp"

namespace sio::engineio {

int http_error_code(std::error_code ec) noexcept {
  switch (static_cast<error>(ec.value())) {
    case error::unknown_transport: return 0;
    case error::unknown_sid: return 1;
    case error::bad_handshake_method: return 2;
    case error::forbidden: return 4;
    case error::unsupported_protocol_version: return 5;
    default: return 3;
  }
}

int http_error_status(std::error_code ec) noexcept {
  if (ec == make_error_code(error::server_busy)) return 503;
  if (ec == make_error_code(error::too_many_requests)) return 429;
  return http_error_code(ec) == 4 ? 403 : 400;
}

std::string http_error_body(std::error_code ec) {
  std::string body = "{\"code\":";
  body += static_cast<char>('0' + http_error_code(ec));
  body += ",\"message\":\"";
  body += make_error_code(static_cast<error>(ec.value())).message();
  body += "\"}";
  return body;
}

void respond_error(transport::HttpExchange& exchange, std::error_code ec, const ServerOptions& options) {
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
