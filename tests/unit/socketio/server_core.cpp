#include "sio/socketio/server_core.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

TEST_CASE("the server core checks its options and translates them for Engine.IO") {
  sio::ServerOptions o;
  o.path = "/custom";
  o.transports = {"websocket"};
  o.max_http_buffer_size = 1234;
  o.allow_upgrades = false;
  o.cors.origins = {"https://example.com"};
  o.cors.credentials = true;
  o.trusted_proxies = 2;
  sio::detail::ServerCore core(o);
  CHECK(core.options().path == "/custom/");
  auto e = core.engine_options();
  CHECK(e.max_payload == 1234);
  CHECK_FALSE(e.polling);
  CHECK(e.websocket);
  CHECK_FALSE(e.allow_upgrades);
  CHECK(e.cors_origins == std::vector<std::string>{"https://example.com"});
  CHECK(e.cors_credentials);
  CHECK(e.trusted_proxies == 2);

  sio::ServerOptions bad;
  bad.max_http_buffer_size = 0;
  CHECK_THROWS_AS(sio::detail::ServerCore(bad), std::invalid_argument);
  bad = {};
  bad.connect_timeout = std::chrono::milliseconds(0);
  CHECK_THROWS_AS(sio::detail::ServerCore(bad), std::invalid_argument);
  bad = {};
  bad.attachment_timeout = std::chrono::milliseconds(0);
  CHECK_THROWS_AS(sio::detail::ServerCore(bad), std::invalid_argument);
  bad = {};
  bad.max_sessions = 0;
  CHECK_THROWS_AS(sio::detail::ServerCore(bad), std::invalid_argument);
  bad = {};
  bad.max_json_depth = 0;
  CHECK_THROWS_AS(sio::detail::ServerCore(bad), std::invalid_argument);
  bad = {};
  bad.max_namespaces_per_client = 0;
  CHECK_THROWS_AS(sio::detail::ServerCore(bad), std::invalid_argument);
}
