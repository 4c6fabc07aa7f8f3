#include "sio/engineio/handshake_limiter.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <stdexcept>
#include <string>

using namespace std::chrono_literals;
using sio::engineio::HandshakeLimiter;

TEST_CASE("an address gets a burst, then one handshake per window / burst") {
  HandshakeLimiter limiter(3, 3000ms, 100);
  const sio::transport::TimePoint t0{};
  CHECK(limiter.admit("a", t0));
  CHECK(limiter.admit("a", t0));
  CHECK(limiter.admit("a", t0));
  CHECK_FALSE(limiter.admit("a", t0));
  CHECK_FALSE(limiter.admit("a", t0 + 999ms));
  CHECK(limiter.admit("a", t0 + 1000ms));
  CHECK_FALSE(limiter.admit("a", t0 + 1000ms));
  // Others are counted apart.
  CHECK(limiter.admit("b", t0 + 1000ms));
  // A long pause gives back the burst, never more.
  CHECK(limiter.admit("a", t0 + 60s));
  CHECK(limiter.admit("a", t0 + 60s));
  CHECK(limiter.admit("a", t0 + 60s));
  CHECK_FALSE(limiter.admit("a", t0 + 60s));
}

TEST_CASE("the limiter forgets addresses whose bucket is full again and remembers a bounded number") {
  HandshakeLimiter limiter(2, 1000ms, 10);
  const sio::transport::TimePoint t0{};
  for (int i = 0; i < 10; ++i) CHECK(limiter.admit("addr" + std::to_string(i), t0));
  CHECK(limiter.size() == 10);
  // The table is full: a new address passes, uncounted.
  for (int i = 0; i < 5; ++i) CHECK(limiter.admit("new", t0));
  CHECK(limiter.size() == 10);
  // Once their buckets refill, the old ones are forgotten and new ones counted.
  CHECK(limiter.admit("new", t0 + 2s));
  CHECK(limiter.size() == 1);
  CHECK(limiter.admit("new", t0 + 2s));
  CHECK_FALSE(limiter.admit("new", t0 + 2s));
}

TEST_CASE("a limiter with no burst or no window is a setup mistake") {
  CHECK_THROWS_AS(HandshakeLimiter(0, 1000ms, 10), std::invalid_argument);
  CHECK_THROWS_AS(HandshakeLimiter(1, 0ms, 10), std::invalid_argument);
}
