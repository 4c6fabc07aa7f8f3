#pragma once
/// \file
/// Session ids from the operating system's CSPRNG (compiled in src/detail/random.cpp, which alone
/// needs the system headers).

#include <array>
#include <cstddef>
#include <string>

namespace sio::detail {

/// Whether `c` is one of the characters of a session id (URL-safe base64: `A-Z a-z 0-9 - _`).
constexpr bool is_sid_character(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/// Makes Engine.IO session ids: 20 URL-safe base64 characters encoding 15 random bytes, like
/// Node's `base64id`. Random bytes come from `getrandom()` (or `/dev/urandom` where that system
/// call is missing) in blocks, so one system call serves many ids. Owned by a server, not shared.
class SidGenerator {
 public:
  /// Length of an id, in characters.
  static constexpr std::size_t id_length = 20;

  /// Returns a fresh id. Throws std::system_error when the system has no randomness to give.
  std::string next();

 private:
  static constexpr std::size_t raw_bytes = 15;
  static constexpr std::size_t ids_per_refill = 32;

  void refill();

  void read_urandom(std::size_t filled);

  std::array<unsigned char, raw_bytes * ids_per_refill> buffer_{};
  std::size_t available_ = 0;
};

}  // namespace sio::detail
