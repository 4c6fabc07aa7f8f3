#pragma once
/// \file
/// The Engine.IO v4 packet codec: WebSocket frames, polling payloads and the open packet. Pure, no I/O.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

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
std::error_code decode_frame(std::string_view frame, bool binary, PacketView& out) noexcept;

/// Decodes a polling request body: packets separated by `\x1e`, each a type digit and data, or
/// `b<base64>` for a binary message. All or nothing: on error `out` is left as it was. Errors:
/// sio::error::invalid_utf8 for a body that is not UTF-8, sio::error::invalid_packet for an empty
/// packet, an unknown type or bad base64.
std::error_code decode_payload(std::string_view body, std::vector<Packet>& out);

/// Bytes that append_to_payload() adds for `frame` (separator included when `out` is not empty).
inline std::size_t payload_size(const FrameData& frame, bool first) noexcept {
  const std::size_t body = frame.binary ? 1 + (frame.bytes.size() + 2) / 3 * 4 : frame.bytes.size();
  return body + (first ? 0 : 1);
}

/// Appends `frame` to a polling response body: a `\x1e` separator first when `out` is not empty,
/// then the text packet as is, or `b` and the base64 of a binary message.
void append_to_payload(std::string& out, const FrameData& frame);

/// Makes a text frame of `type` with `data`: `make_frame(PacketType::message, "hello")` is `4hello`.
Frame make_frame(PacketType type, std::string_view data = {});

/// The open packet: `0{"sid":"...","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`,
/// with exactly these keys in this order and `"upgrades":[]` when `upgrade_to_websocket` is false.
std::string encode_open(std::string_view sid, bool upgrade_to_websocket, std::uint64_t ping_interval_ms,
                        std::uint64_t ping_timeout_ms, std::uint64_t max_payload);

}  // namespace sio::engineio
