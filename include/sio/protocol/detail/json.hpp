#pragma once
/// \file
/// JSON text in and out of RapidJSON values, shaped like JavaScript's JSON.parse and JSON.stringify.
/// Compiled once in src/protocol/json.cpp (writing) and json_reader.cpp (reading); the integer writers stay inline (hot and tiny).

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace sio::protocol::detail {

/// Appends `s` as a JSON string literal, escaped exactly as JSON.stringify does: `"` and `\`,
/// the short forms \b \f \n \r \t, other control characters as lower-case `\u00xx`, and every
/// other character as it is, so clients see the bytes a Node server would send.
///
/// `s` is read as WTF-8, the form parse_json() gives strings in: UTF-8, plus the three-byte form
/// of a surrogate (ED A0..BF 80..BF) standing for a lone surrogate, which is written as the escape
/// JSON.stringify writes for it (`\udc00`). A high and a low surrogate in that form one after the
/// other make one character, as they would in a JavaScript string: its four UTF-8 bytes are
/// written. Any other byte sequence that is not UTF-8 is repaired as a WHATWG UTF-8 decoder
/// repairs it (each maximal ill-formed subsequence becomes U+FFFD), so the text written is always
/// valid UTF-8, whatever `s` holds.
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

/// Parses `text` into `doc` as JSON.parse would accept and read it: exactly one JSON value,
/// optionally surrounded by JSON whitespace, nothing else (no byte-order mark, no comments, no NUL
/// bytes), nested at most `max_depth` arrays and objects deep. Returns false on any error; `doc` is
/// then left null. What JSON.parse gives, `doc` holds:
/// - strings as WTF-8 (see append_json_string()): an escaped surrogate pair becomes its four UTF-8
///   bytes; a lone surrogate escape (`"\ud800"`, which JSON.parse keeps) becomes the surrogate's
///   three-byte form, which append_json_string() writes back as the same escape. Raw bytes are
///   copied as they are: Engine.IO has checked that the text is UTF-8.
/// - numbers as the IEEE double nearest to them, as JSON.parse reads them: `1e400` is infinite
///   (JSON.stringify and append_json() write it as `null`), `1e-400` is zero, and an exponent of
///   any length is read without overflow. Integers within 2^53 of zero, which a double holds
///   exactly, are kept as integers (`-0` stays a double, negative zero); larger ones are doubles,
///   so they are written back with JavaScript's digits.
/// - objects with JavaScript's members: a key named twice keeps its last value at the place of its
///   first, and keys that are array indices ("0" to "4294967294") come first, in ascending order,
///   as JavaScript orders an object's keys. Finding repeats costs n log n in the number of keys.
///   Except when `unambiguous_key` is not empty: an object holding that key and naming any key
///   twice makes the parse fail. The Socket.IO decoder passes "_placeholder" for binary packets,
///   whose placeholders must read the same in every decoder, and readers disagree on repeats.
bool parse_json(std::string_view text, rapidjson::Document& doc, std::size_t max_depth,
                std::string_view unambiguous_key = {});

}  // namespace sio::protocol::detail
