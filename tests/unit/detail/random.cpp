#include "sio/detail/random.hpp"

#include <catch2/catch.hpp>

#include <set>
#include <string>

TEST_CASE("SidGenerator makes 20 URL-safe characters per id") {
  sio::detail::SidGenerator gen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = gen.next();
    REQUIRE(id.size() == 20);
    for (char c : id) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      REQUIRE(ok);
    }
  }
}

TEST_CASE("SidGenerator ids do not repeat across refills and generators") {
  sio::detail::SidGenerator a, b;
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    REQUIRE(seen.insert(a.next()).second);
    REQUIRE(seen.insert(b.next()).second);
  }
}
