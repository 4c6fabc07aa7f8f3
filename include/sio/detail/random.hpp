#pragma once
/// \file
/// Session ids from the operating system's CSPRNG.

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <system_error>

#include <sys/random.h>

namespace sio::detail {

/// Makes Engine.IO session ids: 20 URL-safe base64 characters encoding 15 random bytes, like
/// Node's `base64id`. Random bytes come from `getrandom()` (or `/dev/urandom` where that system
/// call is missing) in blocks, so one system call serves many ids. Owned by a server, not shared.
class SidGenerator {
 public:
  /// Length of an id, in characters.
  static constexpr std::size_t id_length = 20;

  /// Returns a fresh id. Throws std::system_error when the system has no randomness to give.
  std::string next() {
    if (available_ < raw_bytes) refill();
    unsigned char* src = buffer_.data() + (buffer_.size() - available_);
    available_ -= raw_bytes;
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string id(id_length, '\0');
    for (std::size_t i = 0, o = 0; i < raw_bytes; i += 3) {
      const unsigned v = (unsigned{src[i]} << 16) | (unsigned{src[i + 1]} << 8) | src[i + 2];
      id[o++] = alphabet[(v >> 18) & 63];
      id[o++] = alphabet[(v >> 12) & 63];
      id[o++] = alphabet[(v >> 6) & 63];
      id[o++] = alphabet[v & 63];
    }
    // The bytes are used once: wipe them so an id cannot be recovered from the buffer later.
    for (std::size_t i = 0; i < raw_bytes; ++i) src[i] = 0;
    return id;
  }

 private:
  static constexpr std::size_t raw_bytes = 15;
  static constexpr std::size_t ids_per_refill = 32;

  void refill() {
    std::size_t filled = 0;
    while (filled < buffer_.size()) {
      const ssize_t n = ::getrandom(buffer_.data() + filled, buffer_.size() - filled, 0);
      if (n > 0) {
        filled += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && errno == ENOSYS) {
        read_urandom(filled);
        break;
      } else {
        throw std::system_error(errno, std::generic_category(), "getrandom");
      }
    }
    available_ = buffer_.size();
  }

  void read_urandom(std::size_t filled) {
    std::FILE* f = std::fopen("/dev/urandom", "rb");
    if (!f) throw std::system_error(errno, std::generic_category(), "/dev/urandom");
    const std::size_t n = std::fread(buffer_.data() + filled, 1, buffer_.size() - filled, f);
    std::fclose(f);
    if (n != buffer_.size() - filled)
      throw std::system_error(EIO, std::generic_category(), "/dev/urandom");
  }

  std::array<unsigned char, raw_bytes * ids_per_refill> buffer_{};
  std::size_t available_ = 0;
};

}  // namespace sio::detail
