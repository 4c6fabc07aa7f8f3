#pragma once
/// \file
/// Reading parameters from a URL query string (`EIO=4&transport=polling&sid=...`), as the
/// Engine.IO server routes requests and as `Handshake::query()` shows them to applications.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// The helpers live in sio::detail, not in a sio::transport::detail that would hide sio::detail
// from code in sio::transport.
namespace sio::detail {

/// Value of an ASCII hex digit, or -1.
constexpr int query_hex_digit(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Calls `fn(key, value)` for each `&`-separated pair of `query`, raw, until `fn` returns true.
/// A key with no `=` has an empty value; an empty pair (`a&&b`) is an empty key.
template <class Fn>
void for_each_query_pair(std::string_view query, Fn&& fn) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    if (fn(pair.substr(0, eq), eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1))) return;
  }
}

}  // namespace sio::detail

namespace sio::transport {

/// The raw value of the first parameter whose raw key is `name`, not URL-decoded; a key with no
/// `=` has an empty value. For parameters made of URL-safe characters (Engine.IO's `EIO`,
/// `transport` and `sid`) this is the value without a copy.
///
/// \code
/// query_raw("EIO=4&transport=polling", "EIO");   // "4"
/// query_raw("EIO=4&b64", "b64");                 // "" (present, no value)
/// query_raw("EIO=4", "sid");                     // std::nullopt
/// \endcode
inline std::optional<std::string_view> query_raw(std::string_view query, std::string_view name) noexcept {
  std::optional<std::string_view> found;
  sio::detail::for_each_query_pair(query, [&](std::string_view key, std::string_view value) {
    if (key != name) return false;
    found = value;
    return true;
  });
  return found;
}

/// Decodes a URL-encoded component: `+` is a space and `%XX` (two hex digits, either case) the
/// byte XX; a `%` not followed by two hex digits is kept as it is, so that no input is refused.
///
/// \code
/// url_decode("a+b%20c%2");   // "a b c%2"
/// \endcode
inline std::string url_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && sio::detail::query_hex_digit(in[i + 1]) >= 0 &&
               sio::detail::query_hex_digit(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(sio::detail::query_hex_digit(in[i + 1]) * 16 + sio::detail::query_hex_digit(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

/// The URL-decoded value of the first parameter whose URL-decoded key is `name`; a key with no
/// `=` gives an empty string; std::nullopt when no key matches. This is what Node's
/// `handshake.query[name]` shows for a parameter given once.
///
/// \code
/// query_param("name=J%C3%BCrgen&room=a+b", "room");   // "a b"
/// query_param("flag", "flag");                         // ""
/// \endcode
inline std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  std::optional<std::string> found;
  sio::detail::for_each_query_pair(query, [&](std::string_view key, std::string_view value) {
    if (url_decode(key) != name) return false;
    found = url_decode(value);
    return true;
  });
  return found;
}

}  // namespace sio::transport
