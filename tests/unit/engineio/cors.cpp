#include "sio/engineio/cors.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

using sio::engineio::ServerOptions;
using sio::transport::Headers;
using sio::transport::HttpRequest;

namespace {

HttpRequest request(std::string method, Headers headers) {
  HttpRequest r;
  r.method = std::move(method);
  r.path = "/engine.io/";
  r.headers = std::move(headers);
  return r;
}

// An exchange that keeps what it was answered.
struct Recorded final : sio::transport::HttpExchange {
  HttpRequest req;
  int status = 0;
  std::string body;
  Headers headers;
  explicit Recorded(HttpRequest r) : req(std::move(r)) {}
  const HttpRequest& request() const noexcept override { return req; }
  void respond(int s, std::string b, Headers h) override {
    status = s;
    body = std::move(b);
    headers = std::move(h);
  }
  bool open() const noexcept override { return status == 0; }
};

}  // namespace

TEST_CASE("cors: no headers unless origins are configured") {
  ServerOptions o;
  CHECK(sio::engineio::cors_headers(o, request("GET", {{"Origin", "http://a"}})).empty());
  CHECK_FALSE(sio::engineio::is_preflight(o, request("OPTIONS", {})));
}

TEST_CASE("cors: any origin without credentials is a plain star") {
  ServerOptions o;
  o.cors_origins = {"*"};
  CHECK(sio::engineio::cors_headers(o, request("GET", {{"Origin", "http://a"}})) ==
        Headers{{"Access-Control-Allow-Origin", "*"}});
}

TEST_CASE("cors: listed origins are echoed with Vary, others only get Vary") {
  ServerOptions o;
  o.cors_origins = {"http://a"};
  o.cors_credentials = true;
  CHECK(sio::engineio::cors_headers(o, request("GET", {{"origin", "http://a"}})) ==
        Headers{{"Access-Control-Allow-Origin", "http://a"}, {"Vary", "Origin"},
                {"Access-Control-Allow-Credentials", "true"}});
  CHECK(sio::engineio::cors_headers(o, request("GET", {{"Origin", "http://b"}})) ==
        Headers{{"Vary", "Origin"}, {"Access-Control-Allow-Credentials", "true"}});
  CHECK(sio::engineio::cors_headers(o, request("GET", {})) ==
        Headers{{"Vary", "Origin"}, {"Access-Control-Allow-Credentials", "true"}});
}

TEST_CASE("cors: any origin with credentials is still a star, as Node's cors answers origin \"*\"") {
  ServerOptions o;
  o.cors_origins = {"*"};
  o.cors_credentials = true;
  const Headers star{{"Access-Control-Allow-Origin", "*"}, {"Access-Control-Allow-Credentials", "true"}};
  CHECK(sio::engineio::cors_headers(o, request("GET", {{"Origin", "http://b"}})) == star);
  CHECK(sio::engineio::cors_headers(o, request("GET", {})) == star);
  // A star among named origins still means any origin.
  o.cors_origins = {"http://a", "*"};
  CHECK(sio::engineio::cors_headers(o, request("GET", {{"Origin", "http://b"}})) == star);
}

TEST_CASE("cors: a preflight gets 204 with methods and the asked headers") {
  ServerOptions o;
  o.cors_origins = {"*"};
  Recorded plain(request("OPTIONS", {}));
  REQUIRE(sio::engineio::is_preflight(o, plain.req));
  sio::engineio::respond_preflight(plain, o);
  CHECK(plain.status == 204);
  CHECK(plain.body.empty());
  CHECK(plain.headers == Headers{{"Access-Control-Allow-Origin", "*"},
                                 {"Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"},
                                 {"Content-Length", "0"}});
  Recorded asked(request("OPTIONS", {{"Access-Control-Request-Headers", "x-a"}}));
  sio::engineio::respond_preflight(asked, o);
  CHECK(asked.headers == Headers{{"Access-Control-Allow-Origin", "*"},
                                 {"Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE"},
                                 {"Access-Control-Allow-Headers", "x-a"},
                                 {"Vary", "Access-Control-Request-Headers"},
                                 {"Content-Length", "0"}});
}

TEST_CASE("cors: an Origin with control characters is invalid, a tab is not") {
  CHECK_FALSE(sio::engineio::is_invalid_origin(""));
  CHECK_FALSE(sio::engineio::is_invalid_origin("http://a\tb"));
  CHECK(sio::engineio::is_invalid_origin("http://a\nb"));
  CHECK(sio::engineio::is_invalid_origin(std::string("a\0b", 3)));
  CHECK(sio::engineio::is_invalid_origin("a\x7f"));
  CHECK_FALSE(sio::engineio::is_invalid_origin("http://\xc3\xa9"));
}

TEST_CASE("cors: WebSocket origins are checked only when origins are named") {
  ServerOptions o;
  const HttpRequest from_evil = request("GET", {{"Origin", "http://evil"}, {"Host", "server:3000"}});
  CHECK(sio::engineio::websocket_origin_allowed(o, from_evil));  // no CORS configured
  o.cors_origins = {"*"};
  CHECK(sio::engineio::websocket_origin_allowed(o, from_evil));
  o.cors_origins = {"http://a"};
  CHECK_FALSE(sio::engineio::websocket_origin_allowed(o, from_evil));
  CHECK(sio::engineio::websocket_origin_allowed(o, request("GET", {{"Origin", "http://a"}})));
  CHECK(sio::engineio::websocket_origin_allowed(o, request("GET", {{"Host", "server:3000"}})));  // not a browser
  CHECK_FALSE(sio::engineio::websocket_origin_allowed(o, request("GET", {{"Origin", "null"}})));
  CHECK_FALSE(sio::engineio::websocket_origin_allowed(o, request("GET", {{"Origin", "http://a.evil"}})));
}

TEST_CASE("cors: a WebSocket from the server's own origin passes") {
  ServerOptions o;
  o.cors_origins = {"http://a"};
  auto allowed = [&](std::string origin, std::string host) {
    return sio::engineio::websocket_origin_allowed(o, request("GET", {{"Origin", origin}, {"Host", host}}));
  };
  CHECK(allowed("http://server:3000", "server:3000"));
  CHECK(allowed("http://Server:3000", "server:3000"));
  CHECK(allowed("http://server", "server:80"));
  CHECK(allowed("https://server", "server:443"));
  CHECK(allowed("https://[::1]:8443", "[::1]:8443"));
  CHECK_FALSE(allowed("http://server:3001", "server:3000"));
  CHECK_FALSE(allowed("http://server", "server:443"));
  CHECK_FALSE(allowed("http://server:3000", ""));
  CHECK_FALSE(allowed("server:3000", "server:3000"));  // not an origin
  CHECK_FALSE(allowed("http://evil.server:3000", "server:3000"));
}
