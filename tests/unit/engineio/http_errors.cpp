#include "sio/engineio/http_errors.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using sio::error;
using sio::engineio::http_error_body;
using sio::engineio::http_error_code;
using sio::engineio::http_error_status;
using sio::transport::Headers;
using sio::transport::HttpRequest;

namespace {

struct Recorded final : sio::transport::HttpExchange {
  HttpRequest req;
  int status = 0;
  std::string body;
  Headers headers;
  const HttpRequest& request() const noexcept override { return req; }
  void respond(int s, std::string b, Headers h) override {
    status = s;
    body = std::move(b);
    headers = std::move(h);
  }
  bool open() const noexcept override { return status == 0; }
};

}  // namespace

TEST_CASE("http errors: Node's codes, statuses and bodies") {
  CHECK(http_error_code(error::unknown_transport) == 0);
  CHECK(http_error_code(error::unknown_sid) == 1);
  CHECK(http_error_code(error::bad_handshake_method) == 2);
  CHECK(http_error_code(error::bad_request) == 3);
  CHECK(http_error_code(error::payload_too_large) == 3);
  CHECK(http_error_code(error::forbidden) == 4);
  CHECK(http_error_code(error::unsupported_protocol_version) == 5);
  CHECK(http_error_status(error::forbidden) == 403);
  CHECK(http_error_status(error::unknown_sid) == 400);
  CHECK(http_error_status(error::server_busy) == 503);
  CHECK(http_error_body(error::unknown_transport) == R"({"code":0,"message":"Transport unknown"})");
  CHECK(http_error_body(error::unknown_sid) == R"({"code":1,"message":"Session ID unknown"})");
  CHECK(http_error_body(error::bad_handshake_method) == R"({"code":2,"message":"Bad handshake method"})");
  CHECK(http_error_body(error::bad_request) == R"({"code":3,"message":"Bad request"})");
  CHECK(http_error_body(error::forbidden) == R"({"code":4,"message":"Forbidden"})");
  CHECK(http_error_body(error::unsupported_protocol_version) ==
        R"({"code":5,"message":"Unsupported protocol version"})");
}

TEST_CASE("http errors: respond_error answers with JSON, CORS headers, and a log line") {
  sio::engineio::ServerOptions o;
  o.cors_origins = {"*"};
  std::vector<std::string> lines;
  o.logger = [&](sio::LogLevel level, std::string_view msg) {
    CHECK(level == sio::LogLevel::info);
    lines.emplace_back(msg);
  };
  Recorded ex;
  ex.req.method = "GET";
  ex.req.path = "/engine.io/";
  ex.req.query = "EIO=3";
  ex.req.remote_address = "127.0.0.1";
  sio::engineio::respond_error(ex, error::unsupported_protocol_version, o);
  CHECK(ex.status == 400);
  CHECK(ex.body == R"({"code":5,"message":"Unsupported protocol version"})");
  CHECK(ex.headers == Headers{{"Access-Control-Allow-Origin", "*"}, {"Content-Type", "application/json"}});
  CHECK(lines == std::vector<std::string>{"refused GET /engine.io/?EIO=3 from 127.0.0.1: Unsupported protocol version"});
}
