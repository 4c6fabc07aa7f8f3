#include "sio/engineio/handshake_limiter.hpp"

#include <algorithm>
#include <stdexcept>

namespace sio::engineio {

HandshakeLimiter::HandshakeLimiter(std::size_t burst, std::chrono::milliseconds window, std::size_t max_addresses)
    : burst_(static_cast<double>(burst)), per_ms_(0), max_addresses_(max_addresses) {
  if (burst == 0 || window.count() <= 0)
    throw std::invalid_argument("sio::engineio::HandshakeLimiter: burst and window must be positive");
  per_ms_ = burst_ / static_cast<double>(window.count());
}

double HandshakeLimiter::refill(Bucket& b, transport::TimePoint now) const noexcept {
  if (now > b.updated) {
    const double ms = std::chrono::duration<double, std::milli>(now - b.updated).count();
    b.tokens = std::min(burst_, b.tokens + ms * per_ms_);
    b.updated = now;
  }
  return b.tokens;
}

void HandshakeLimiter::forget_full(transport::TimePoint now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (refill(it->second, now) >= burst_) it = buckets_.erase(it);
    else ++it;
  }
}

bool HandshakeLimiter::admit(std::string_view address, transport::TimePoint now) {
  // A full bucket says nothing a new one would not: sweep them out once per refill time (the
  // longest a bucket takes to fill), so a table kept full costs no more than one that is not.
  if (now >= next_sweep_) {
    forget_full(now);
    next_sweep_ = now + std::chrono::milliseconds(static_cast<long long>(burst_ / per_ms_) + 1);
  }
  auto it = buckets_.find(std::string(address));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_addresses_) return true;
    buckets_.emplace(std::string(address), Bucket{burst_ - 1, now});
    return true;
  }
  Bucket& b = it->second;
  if (refill(b, now) < 1) return false;
  b.tokens -= 1;
  return true;
}

}  // namespace sio::engineio
