#include "sio/engineio/cors.hpp"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace sio::engineio {
namespace {

// `authority` without the port that is implied by `scheme` (":80" for http and ws, ":443" for
// https and wss).
std::string_view without_default_port(std::string_view authority, std::string_view scheme) noexcept {
  const bool plain = transport::iequals(scheme, "http") || transport::iequals(scheme, "ws");
  const bool secure = transport::iequals(scheme, "https") || transport::iequals(scheme, "wss");
  const std::string_view port = plain ? std::string_view(":80") : secure ? std::string_view(":443") : std::string_view();
  if (!port.empty() && authority.size() > port.size() && authority.substr(authority.size() - port.size()) == port)
    authority.remove_suffix(port.size());
  return authority;
}

// True when `origin` (`scheme://host[:port]`) names the host and port of the `host` header.
bool same_origin(std::string_view origin, std::string_view host) noexcept {
  const std::size_t sep = origin.find("://");
  if (sep == std::string_view::npos || host.empty()) return false;
  const std::string_view scheme = origin.substr(0, sep);
  return transport::iequals(without_default_port(origin.substr(sep + 3), scheme), without_default_port(host, scheme));
}

}  // namespace

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

bool websocket_origin_allowed(const ServerOptions& options, const transport::HttpRequest& request) noexcept {
  const auto& origins = options.cors_origins;
  if (origins.empty() || std::find(origins.begin(), origins.end(), "*") != origins.end()) return true;
  const std::string_view origin = request.header("Origin");
  if (origin.empty()) return true;
  if (std::find(origins.begin(), origins.end(), origin) != origins.end()) return true;
  return same_origin(origin, request.header("Host"));
}

bool is_invalid_origin(std::string_view value) noexcept {
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  }
  return false;
}

}  // namespace sio::engineio
