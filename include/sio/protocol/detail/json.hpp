#pragma once
/// \file
/// JSON text in and out of RapidJSON values, shaped like JavaScript's JSON.parse and JSON.stringify.
/// Compiled once in src/protocol/json.cpp; the integer writers stay inline (hot and tiny).

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace sio::protocol::detail {

/// Appends `s` as a JSON string literal, escaped exactly as JSON.stringify does: `"` and `\`,
/// the short forms \b \f \n \r \t, other control characters as lower-case `\u00xx`, and every
/// other byte (UTF-8 included) as it is, so clients see the bytes a Node server would send.
void append_json_string(std::string& out, const char* s, std::size_t n);

/// Appends an unsigned integer in decimal.
inline void append_uint(std::string& out, std::uint64_t v) {
  char buf[20];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

/// Appends a signed integer in decimal.
inline void append_int(std::string& out, std::int64_t v) {
  char buf[20];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

/// Appends a double as JavaScript's Number.prototype.toString writes it (shortest digits that
/// read back to the same value; `3` rather than `3.0`, `1e+21` rather than `1e21`), and `null`
/// for NaN and infinities, as JSON.stringify does.
void append_double(std::string& out, double v);

/// Appends `v` as compact JSON (no spaces), members in their stored order.
void append_json(std::string& out, const rapidjson::Value& v);

/// Parses `text` into `doc` as JSON.parse would accept it: exactly one JSON value, optionally
/// surrounded by JSON whitespace, nothing else (no byte-order mark, no comments, no NUL bytes).
/// Doubles are read with full precision so that re-encoding gives back the client's digits.
/// Returns false on any error; `doc` is then left null.
bool parse_json(std::string_view text, rapidjson::Document& doc, std::size_t max_depth);

}  // namespace sio::protocol::detail
