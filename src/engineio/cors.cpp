#include "sio/engineio/cors.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace sio::engineio {

transport::Headers cors_headers(const ServerOptions& options, const transport::HttpRequest& request) {
  transport::Headers headers;
  if (options.cors_origins.empty()) return headers;
  const std::string_view origin = request.header("Origin");
  const auto& origins = options.cors_origins;
  if (std::find(origins.begin(), origins.end(), "*") != origins.end()) {
    // A star even with credentials, as Node's `cors` does: browsers then refuse credentialed
    // requests, where echoing every origin would let any page make them with the user's cookies.
    headers.emplace_back("Access-Control-Allow-Origin", "*");
  } else {
    const bool listed = std::find(origins.begin(), origins.end(), origin) != origins.end();
    if (listed && !origin.empty()) headers.emplace_back("Access-Control-Allow-Origin", std::string(origin));
    headers.emplace_back("Vary", "Origin");
  }
  if (options.cors_credentials) headers.emplace_back("Access-Control-Allow-Credentials", "true");
  return headers;
}

bool is_preflight(const ServerOptions& options, const transport::HttpRequest& request) noexcept {
  return !options.cors_origins.empty() && request.method == "OPTIONS";
}

void respond_preflight(transport::HttpExchange& exchange, const ServerOptions& options) {
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

bool is_invalid_origin(std::string_view value) noexcept {
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

}  // namespace sio::engineio
