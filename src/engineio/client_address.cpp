#include "sio/engineio/client_address.hpp"

namespace sio::engineio {
namespace {

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// `entry` without a port: "[v6]:port" and "[v6]" give v6, "v4:port" gives v4; a bare IPv6
// address (several colons) is left as it is.
std::string_view without_port(std::string_view entry) noexcept {
  if (!entry.empty() && entry.front() == '[') {
    const std::size_t close = entry.find(']');
    return close == std::string_view::npos ? entry : entry.substr(1, close - 1);
  }
  const std::size_t colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos)
    return entry.substr(0, colon);
  return entry;
}

}  // namespace

std::string_view client_address(const transport::HttpRequest& request, std::size_t trusted_proxies) noexcept {
  if (trusted_proxies == 0) return request.remote_address;
  // Walks the entries from the right, last header first, and stops at the n-th: nothing the
  // client wrote further left is looked at.
  std::string_view found;
  std::size_t seen = 0;
  for (auto h = request.headers.rbegin(); h != request.headers.rend() && seen < trusted_proxies; ++h) {
    if (!transport::iequals(h->first, "X-Forwarded-For")) continue;
    std::string_view list = h->second;
    while (seen < trusted_proxies) {
      const std::size_t comma = list.rfind(',');
      const std::string_view entry = trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
      if (!entry.empty()) {
        found = entry;
        ++seen;
      }
      if (comma == std::string_view::npos) break;
      list = list.substr(0, comma);
    }
  }
  return seen == 0 ? std::string_view(request.remote_address) : without_port(found);
}

}  // namespace sio::engineio
