#pragma once
/// \file
/// sio::engineio::HandshakeLimiter: how many new sessions one client address may open in a while.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sio/transport/transport.hpp"

namespace sio::engineio {

/// A token bucket per client address: an address may open `burst` sessions at once, and one more
/// each `window / burst` after that. Addresses whose bucket is full again are forgotten (in a sweep
/// once per `window`), and at most `max_addresses` are remembered: past that, a new address is
/// admitted without being counted (the limiter fails open rather than refuse clients it has no room for; max_sessions
/// still bounds what they can open).
///
/// \code
/// HandshakeLimiter limiter(10, std::chrono::seconds(10), 65536);
/// if (!limiter.admit("203.0.113.7", now)) { /* 429 */ }
/// \endcode
class HandshakeLimiter {
 public:
  /// \throws std::invalid_argument when `burst` is 0 or `window` is not positive.
  HandshakeLimiter(std::size_t burst, std::chrono::milliseconds window, std::size_t max_addresses);

  /// Counts one handshake from `address` at `now`; false when the address has none left.
  bool admit(std::string_view address, transport::TimePoint now);
  /// Addresses remembered now.
  std::size_t size() const noexcept { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    transport::TimePoint updated;
  };
  double refill(Bucket& b, transport::TimePoint now) const noexcept;
  void forget_full(transport::TimePoint now);

  double burst_;
  double per_ms_;  // tokens regained per millisecond
  std::size_t max_addresses_;
  std::unordered_map<std::string, Bucket> buckets_;
  transport::TimePoint next_sweep_{};
};

}  // namespace sio::engineio
