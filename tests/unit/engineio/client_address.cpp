#include "sio/engineio/client_address.hpp"

#include <catch2/catch.hpp>

#include <string>

using sio::engineio::client_address;
using sio::transport::Headers;
using sio::transport::HttpRequest;

namespace {

HttpRequest from(std::string peer, Headers headers = {}) {
  HttpRequest r;
  r.method = "GET";
  r.remote_address = std::move(peer);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST_CASE("client_address: without trusted proxies, the peer, and X-Forwarded-For is not read") {
  CHECK(client_address(from("127.0.0.1"), 0) == "127.0.0.1");
  CHECK(client_address(from("127.0.0.1", {{"X-Forwarded-For", "10.9.9.9"}}), 0) == "127.0.0.1");
}

TEST_CASE("client_address: behind one proxy, the right-most X-Forwarded-For entry") {
  CHECK(client_address(from("10.0.0.2", {{"X-Forwarded-For", "203.0.113.7"}}), 1) == "203.0.113.7");
  // What the client wrote to the left is never read: it cannot choose its address.
  CHECK(client_address(from("10.0.0.2", {{"X-Forwarded-For", "6.6.6.6, 203.0.113.7"}}), 1) == "203.0.113.7");
  CHECK(client_address(from("10.0.0.2", {{"x-forwarded-for", "6.6.6.6,203.0.113.7 "}}), 1) == "203.0.113.7");
  // A proxy that adds a header of its own rather than extending the client's: the last one counts.
  CHECK(client_address(from("10.0.0.2", {{"X-Forwarded-For", "6.6.6.6"}, {"Host", "h"}, {"X-Forwarded-For", "203.0.113.7"}}),
                       1) == "203.0.113.7");
  // No header: the request did not come through the proxy.
  CHECK(client_address(from("10.0.0.2"), 1) == "10.0.0.2");
  CHECK(client_address(from("10.0.0.2", {{"X-Forwarded-For", " , "}}), 1) == "10.0.0.2");
}

TEST_CASE("client_address: behind n proxies, the n-th entry from the right") {
  const Headers two_hops{{"X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.0.0.1"}};
  CHECK(client_address(from("10.0.0.2", two_hops), 2) == "203.0.113.7");
  CHECK(client_address(from("10.0.0.2", {{"X-Forwarded-For", "6.6.6.6, 203.0.113.7"}, {"X-Forwarded-For", "10.0.0.1"}}),
                       2) == "203.0.113.7");
  // Fewer entries than proxies: the left-most there is.
  CHECK(client_address(from("10.0.0.2", {{"X-Forwarded-For", "10.0.0.1"}}), 2) == "10.0.0.1");
}

TEST_CASE("client_address: a port after the address is left out") {
  CHECK(client_address(from("p", {{"X-Forwarded-For", "203.0.113.7:51234"}}), 1) == "203.0.113.7");
  CHECK(client_address(from("p", {{"X-Forwarded-For", "[2001:db8::7]:51234"}}), 1) == "2001:db8::7");
  CHECK(client_address(from("p", {{"X-Forwarded-For", "[2001:db8::7]"}}), 1) == "2001:db8::7");
  CHECK(client_address(from("p", {{"X-Forwarded-For", "2001:db8::7"}}), 1) == "2001:db8::7");
}
