#include "sio/error.hpp"

#include <catch2/catch.hpp>

TEST_CASE("sio errors convert to std::error_code with their own category") {
  std::error_code ec = sio::error::invalid_namespace;
  CHECK(ec.category().name() == std::string("sio"));
  CHECK(ec.message() == "Invalid namespace");
  CHECK(ec == sio::error::invalid_namespace);
  CHECK_FALSE(ec == sio::error::timeout);
}
