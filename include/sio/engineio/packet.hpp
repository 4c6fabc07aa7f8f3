#pragma once
/// \file
/// The Engine.IO v4 packet codec: WebSocket frames, polling payloads and the open packet. Pure, no I/O.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "sio/detail/base64.hpp"
#include "sio/detail/utf8.hpp"
#include "sio/engineio/frame.hpp"
#include "sio/error.hpp"

namespace sio::engineio {

/// Engine.IO packet types; the value is the digit that starts a text packet.
enum class PacketType : std::uint8_t { open = 0, close = 1, ping = 2, pong = 3, message = 4, upgrade = 5, noop = 6 };

/// A decoded packet that views the bytes it was decoded from.
struct PacketView {
  PacketType type = PacketType::noop;  ///< Packet type.
  bool binary = false;                 ///< True for a binary message (then `type` is message).
  std::string_view data;               ///< Packet data without the type digit (the raw bytes when binary).
};

/// A decoded packet that owns its data (a polling payload's binary messages are base64-decoded).
struct Packet {
  PacketType type = PacketType::noop;  ///< Packet type.
  bool binary = false;                 ///< True for a binary message (then `type` is message).
  std::string data;                    ///< Packet data without the type digit (the raw bytes when binary).
};

/// The type whose digit is `c`; false when `c` is not one of '0'..'6'.
inline bool packet_type_from_char(char c, PacketType& type) noexcept {
  if (c < '0' || c > '6') return false;
  type = static_cast<PacketType>(c - '0');
  return true;
}

/// The digit that starts a text packet of `type`.
inline char to_char(PacketType type) noexcept { return static_cast<char>('0' + static_cast<int>(type)); }

/// Decodes one WebSocket frame. A binary frame is a binary message (its bytes are the data, no
/// prefix); a text frame is a type digit followed by data. Errors: sio::error::invalid_packet for an
/// empty text frame or an unknown type, sio::error::invalid_utf8 for text that is not UTF-8.
/// On success `out.data` views `frame`.
inline std::error_code decode_frame(std::string_view frame, bool binary, PacketView& out) noexcept {
  if (binary) {
    out = PacketView{PacketType::message, true, frame};
    return {};
  }
  PacketType type;
  if (frame.empty() || !packet_type_from_char(frame[0], type)) return error::invalid_packet;
  if (!sio::detail::is_valid_utf8(frame)) return error::invalid_utf8;
  out = PacketView{type, false, frame.substr(1)};
  return {};
}

/// Decodes a polling request body: packets separated by `\x1e`, each a type digit and data, or
/// `b<base64>` for a binary message. All or nothing: on error `out` is left as it was. Errors:
/// sio::error::invalid_utf8 for a body that is not UTF-8, sio::error::invalid_packet for an empty
/// packet, an unknown type or bad base64.
inline std::error_code decode_payload(std::string_view body, std::vector<Packet>& out) {
  if (!sio::detail::is_valid_utf8(body)) return error::invalid_utf8;
  const std::size_t start = out.size();
  std::size_t pos = 0;
  for (;;) {
    const std::size_t sep = body.find('\x1e', pos);
    const std::string_view part = body.substr(pos, sep == std::string_view::npos ? std::string_view::npos : sep - pos);
    if (part.empty()) {
      out.resize(start);
      return error::invalid_packet;
    }
    Packet& p = out.emplace_back();
    if (part[0] == 'b') {
      p.type = PacketType::message;
      p.binary = true;
      if (!sio::detail::base64_decode(part.substr(1), p.data)) {
        out.resize(start);
        return error::invalid_packet;
      }
    } else if (packet_type_from_char(part[0], p.type)) {
      p.data.assign(part.data() + 1, part.size() - 1);
    } else {
      out.resize(start);
      return error::invalid_packet;
    }
    if (sep == std::string_view::npos) break;
    pos = sep + 1;
  }
  return {};
}

/// Bytes that append_to_payload() adds for `frame` (separator included when `out` is not empty).
inline std::size_t payload_size(const FrameData& frame, bool first) noexcept {
  const std::size_t body = frame.binary ? 1 + (frame.bytes.size() + 2) / 3 * 4 : frame.bytes.size();
  return body + (first ? 0 : 1);
}

/// Appends `frame` to a polling response body: a `\x1e` separator first when `out` is not empty,
/// then the text packet as is, or `b` and the base64 of a binary message.
inline void append_to_payload(std::string& out, const FrameData& frame) {
  if (!out.empty()) out.push_back('\x1e');
  if (frame.binary) {
    out.push_back('b');
    sio::detail::base64_encode(frame.bytes, out);
  } else {
    out.append(frame.bytes);
  }
}

/// Makes a text frame of `type` with `data`: `make_frame(PacketType::message, "hello")` is `4hello`.
inline Frame make_frame(PacketType type, std::string_view data = {}) {
  std::string bytes;
  bytes.reserve(1 + data.size());
  bytes.push_back(to_char(type));
  bytes.append(data);
  return make_text_frame(std::move(bytes));
}

namespace packet_detail {
// Appends `s` as a JSON string literal.
inline void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}
}  // namespace packet_detail

/// The open packet: `0{"sid":"...","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`,
/// with exactly these keys in this order and `"upgrades":[]` when `upgrade_to_websocket` is false.
inline std::string encode_open(std::string_view sid, bool upgrade_to_websocket, std::uint64_t ping_interval_ms,
                               std::uint64_t ping_timeout_ms, std::uint64_t max_payload) {
  std::string out;
  out.reserve(120 + sid.size());
  out.append("0{\"sid\":");
  packet_detail::append_json_string(out, sid);
  out.append(upgrade_to_websocket ? ",\"upgrades\":[\"websocket\"]" : ",\"upgrades\":[]");
  out.append(",\"pingInterval\":");
  out.append(std::to_string(ping_interval_ms));
  out.append(",\"pingTimeout\":");
  out.append(std::to_string(ping_timeout_ms));
  out.append(",\"maxPayload\":");
  out.append(std::to_string(max_payload));
  out.push_back('}');
  return out;
}

}  // namespace sio::engineio
