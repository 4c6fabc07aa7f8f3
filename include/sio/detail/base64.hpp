#pragma once
/// \file
/// Standard base64 (RFC 4648, with padding), as Engine.IO polling payloads carry binary messages.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sio::detail {

/// Appends the padded standard base64 encoding of `in` to `out`.
inline void base64_encode(std::string_view in, std::string& out) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::size_t start = out.size();
  out.resize(start + (in.size() + 2) / 3 * 4);
  char* dst = out.data() + start;
  const auto* src = reinterpret_cast<const unsigned char*>(in.data());
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (std::uint32_t{src[i]} << 16) | (std::uint32_t{src[i + 1]} << 8) | src[i + 2];
    *dst++ = alphabet[(v >> 18) & 63];
    *dst++ = alphabet[(v >> 12) & 63];
    *dst++ = alphabet[(v >> 6) & 63];
    *dst++ = alphabet[v & 63];
  }
  const std::size_t rest = in.size() - i;
  if (rest == 1) {
    const std::uint32_t v = std::uint32_t{src[i]} << 16;
    *dst++ = alphabet[(v >> 18) & 63];
    *dst++ = alphabet[(v >> 12) & 63];
    *dst++ = '=';
    *dst++ = '=';
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{src[i]} << 16) | (std::uint32_t{src[i + 1]} << 8);
    *dst++ = alphabet[(v >> 18) & 63];
    *dst++ = alphabet[(v >> 12) & 63];
    *dst++ = alphabet[(v >> 6) & 63];
    *dst++ = '=';
  }
}

namespace base64_detail {
// Value of a base64 character, or -1.
constexpr int value_of(char c) noexcept {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}
}  // namespace base64_detail

/// Appends the bytes that `in` encodes to `out`; false (and `out` unchanged) when `in` is not
/// canonical padded standard base64: a length that is not a multiple of 4, a character outside the
/// alphabet, misplaced padding, or non-zero bits after the last byte. Node writes exactly this form.
inline bool base64_decode(std::string_view in, std::string& out) {
  if (in.size() % 4 != 0) return false;
  if (in.empty()) return true;
  std::size_t pad = 0;
  if (in[in.size() - 1] == '=') pad = in[in.size() - 2] == '=' ? 2 : 1;
  const std::size_t start = out.size();
  out.resize(start + in.size() / 4 * 3 - pad);
  char* dst = out.data() + start;
  const std::size_t full = in.size() - (pad ? 4 : 0);
  for (std::size_t i = 0; i < full; i += 4) {
    const int a = base64_detail::value_of(in[i]), b = base64_detail::value_of(in[i + 1]);
    const int c = base64_detail::value_of(in[i + 2]), d = base64_detail::value_of(in[i + 3]);
    if ((a | b | c | d) < 0) {
      out.resize(start);
      return false;
    }
    const std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6) | std::uint32_t(d);
    *dst++ = static_cast<char>(v >> 16);
    *dst++ = static_cast<char>((v >> 8) & 0xff);
    *dst++ = static_cast<char>(v & 0xff);
  }
  if (pad) {
    const std::size_t i = full;
    const int a = base64_detail::value_of(in[i]), b = base64_detail::value_of(in[i + 1]);
    const int c = pad == 1 ? base64_detail::value_of(in[i + 2]) : 0;
    // The bits after the last encoded byte must be zero, so every byte string has one encoding.
    const bool canonical = pad == 1 ? (c >= 0 && (c & 3) == 0) : (b >= 0 && (b & 15) == 0);
    if (a < 0 || b < 0 || !canonical) {
      out.resize(start);
      return false;
    }
    const std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6);
    *dst++ = static_cast<char>(v >> 16);
    if (pad == 1) *dst++ = static_cast<char>((v >> 8) & 0xff);
  }
  return true;
}

}  // namespace sio::detail
