#pragma once
// Finds, eight bytes at a time, where a JSON string stops being plain bytes that can be copied as
// they are: most payloads are short ASCII strings, and a byte-by-byte loop is what would make them
// slow. Shared by the JSON reader and writer in this folder.

#include <cstdint>
#include <cstring>

namespace sio::protocol::detail {

namespace scan {

constexpr std::uint64_t ones = 0x0101010101010101ull;
constexpr std::uint64_t highs = 0x8080808080808080ull;

inline std::uint64_t load8(const char* p) noexcept {
  std::uint64_t x;
  std::memcpy(&x, p, 8);
  return x;
}

// Exact tests on the whole word (the per-byte flags may be wrong above a hit; only "any" is used).
constexpr bool has_byte_below(std::uint64_t x, unsigned n) noexcept {  // n <= 128
  return ((x - ones * n) & ~x & highs) != 0;
}
constexpr bool has_byte(std::uint64_t x, unsigned char b) noexcept { return has_byte_below(x ^ (ones * b), 1); }

constexpr bool needs_reader(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\'; }

}  // namespace scan

/// The first byte from `p` on that ends a run of string bytes the reader copies unchanged: a
/// quote, a backslash or a control character (which JSON forbids raw); `end` when there is none.
inline const char* skip_plain_string_bytes(const char* p, const char* end) noexcept {
  while (end - p >= 8) {
    const std::uint64_t x = scan::load8(p);
    if (scan::has_byte_below(x, 0x20) || scan::has_byte(x, '"') || scan::has_byte(x, '\\')) break;
    p += 8;
  }
  while (p < end && !scan::needs_reader(static_cast<unsigned char>(*p))) ++p;
  return p;
}

/// Like skip_plain_string_bytes(), but also stops at any byte above 0x7F, which the writer must
/// check is part of well-formed UTF-8.
inline const char* skip_plain_ascii(const char* p, const char* end) noexcept {
  while (end - p >= 8) {
    const std::uint64_t x = scan::load8(p);
    if ((x & scan::highs) || scan::has_byte_below(x, 0x20) || scan::has_byte(x, '"') || scan::has_byte(x, '\\')) break;
    p += 8;
  }
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c >= 0x80 || scan::needs_reader(c)) break;
    ++p;
  }
  return p;
}

}  // namespace sio::protocol::detail
