#include "sio/detail/random.hpp"

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>

#include <sys/random.h>

namespace sio::detail {

std::string SidGenerator::next() {
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

void SidGenerator::refill() {
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

void SidGenerator::read_urandom(std::size_t filled) {
  std::FILE* f = std::fopen("/dev/urandom", "rb");
  if (!f) throw std::system_error(errno, std::generic_category(), "/dev/urandom");
  const std::size_t n = std::fread(buffer_.data() + filled, 1, buffer_.size() - filled, f);
  std::fclose(f);
  if (n != buffer_.size() - filled)
    throw std::system_error(EIO, std::generic_category(), "/dev/urandom");
}

}  // namespace sio::detail
