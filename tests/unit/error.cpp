#include "sio/error.hpp"

#include <catch2/catch.hpp>

TEST_CASE("sio errors convert to std::error_code with their own category") {
  std::error_code ec = sio::error::invalid_namespace;
  CHECK(ec.category().name() == std::string("sio"));
  CHECK(ec.message() == "Invalid namespace");
  CHECK(ec == sio::error::invalid_namespace);
  CHECK_FALSE(ec == sio::error::timeout);
}

TEST_CASE("an unreachable cluster has an error code of its own") {
  std::error_code ec = sio::error::cluster_unavailable;
  CHECK(ec.message() == "cluster unavailable");
  CHECK(ec != sio::error::timeout);
}
