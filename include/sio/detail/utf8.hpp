#pragma once
/// \file
/// UTF-8 validation, as Engine.IO text packets need, and the pieces JSON strings need to stay
/// valid UTF-8 on the way out: the lengths of ill-formed subsequences (each becomes one U+FFFD, as
/// a WHATWG decoder counts them) and the three-byte forms of lone surrogates (WTF-8), which is how
/// sio holds a JavaScript string's unpaired `\udXXX` inside a std::string.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
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

/// The length of the maximal subpart of an ill-formed sequence at `p` (Unicode's "maximal subpart",
/// as the WHATWG decoder replaces it): the longest prefix of a well-formed sequence found there, or
/// 1 when even the first byte cannot start one. Call it where utf8_sequence_length() gave 0; one
/// U+FFFD then stands for that many bytes. `available` is at least 1.
inline std::size_t utf8_maximal_subpart(const unsigned char* p, std::size_t available) noexcept {
  const unsigned char c = *p;
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xbf;  // allowed range of the second byte, as above
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) lo = 0xa0;
    else if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) lo = 0x90;
    else if (c == 0xf4) hi = 0x8f;
  } else {
    return 1;
  }
  std::size_t i = 1;
  if (i < available && i < len && p[1] >= lo && p[1] <= hi) {
    for (++i; i < available && i < len && (p[i] & 0xc0) == 0x80; ++i) {
    }
  }
  return i;
}

/// The UTF-16 code unit (0xD800..0xDFFF) when the bytes at `p` are the three-byte form of a
/// surrogate (ED A0..BF 80..BF, which UTF-8 forbids and WTF-8 uses for a lone surrogate), else 0.
inline char16_t wtf8_surrogate(const unsigned char* p, std::size_t available) noexcept {
  if (available < 3 || p[0] != 0xed || p[1] < 0xa0 || p[1] > 0xbf || (p[2] & 0xc0) != 0x80) return 0;
  return static_cast<char16_t>(0xd000 | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f));
}

/// Appends the UTF-8 (or, for a surrogate, WTF-8) form of code point `cp` (at most U+10FFFF).
inline void append_utf8(std::string& out, char32_t cp) {
  using C = char;
  if (cp < 0x80) {
    out.push_back(static_cast<C>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<C>(0xc0 | (cp >> 6)));
    out.push_back(static_cast<C>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<C>(0xe0 | (cp >> 12)));
    out.push_back(static_cast<C>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<C>(0x80 | (cp & 0x3f)));
  } else {
    out.push_back(static_cast<C>(0xf0 | (cp >> 18)));
    out.push_back(static_cast<C>(0x80 | ((cp >> 12) & 0x3f)));
    out.push_back(static_cast<C>(0x80 | ((cp >> 6) & 0x3f)));
    out.push_back(static_cast<C>(0x80 | (cp & 0x3f)));
  }
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
