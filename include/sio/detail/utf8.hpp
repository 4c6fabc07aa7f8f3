#pragma once
/// \file
/// UTF-8 validation, as Engine.IO text packets need.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace sio::detail {

/// The length of the well-formed UTF-8 sequence (RFC 3629) that starts at `p`, with `available`
/// bytes from `p` on: 1 for ASCII, 2 to 4 otherwise, and 0 when the bytes there are not one
/// (an overlong form, a surrogate U+D800..U+DFFF, something above U+10FFFF, a stray continuation
/// byte or a truncated sequence).
inline std::size_t utf8_sequence_length(const unsigned char* p, std::size_t available) noexcept {
  const unsigned char c = *p;
  if (c < 0x80) return 1;
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) lo = 0xa0;          // overlong
    else if (c == 0xed) hi = 0x9f;     // surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) lo = 0x90;          // overlong
    else if (c == 0xf4) hi = 0x8f;     // above U+10FFFF
  } else {
    return 0;                          // continuation byte, overlong lead (C0, C1) or F5..FF
  }
  if (available < len) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  for (std::size_t i = 2; i < len; ++i)
    if ((p[i] & 0xc0) != 0x80) return 0;
  return len;
}

/// True when `text` is well-formed UTF-8 (see utf8_sequence_length()).
inline bool is_valid_utf8(std::string_view text) noexcept {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  while (p < end) {
    // Most Engine.IO traffic is ASCII JSON: skip it eight bytes at a time.
    while (end - p >= 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if (chunk & 0x8080808080808080ull) break;
      p += 8;
    }
    if (p == end) break;
    const std::size_t len = utf8_sequence_length(p, static_cast<std::size_t>(end - p));
    if (len == 0) return false;
    p += len;
  }
  return true;
}

}  // namespace sio::detail
