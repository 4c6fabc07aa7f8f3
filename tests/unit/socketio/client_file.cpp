#include "sio/socketio/client_file.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <unistd.h>

#include "sio/transport/transport.hpp"

namespace {

// An HTTP exchange that records the one response it gets.
struct Exchange final : sio::transport::HttpExchange {
  sio::transport::HttpRequest req;
  int responses = 0;
  int status = 0;
  std::string body;
  sio::transport::Headers headers;

  Exchange(std::string method, std::string path) {
    req.method = std::move(method);
    req.path = std::move(path);
  }
  const sio::transport::HttpRequest& request() const noexcept override { return req; }
  void respond(int s, std::string b, sio::transport::Headers h) override {
    if (responses++) return;
    status = s;
    body = std::move(b);
    headers = std::move(h);
  }
  bool open() const noexcept override { return responses == 0; }
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

// The bundle, and its source map when `map` is not null, written to a temporary file that is
// removed at the end of the test.
struct Bundle {
  std::string path = (std::filesystem::temp_directory_path() /
                      ("sio-client-file-" + std::to_string(::getpid()) + ".js")).string();
  explicit Bundle(const char* map = nullptr) {
    std::ofstream(path, std::ios::binary) << "/* client */";
    if (map) std::ofstream(path + ".map", std::ios::binary) << map;
  }
  ~Bundle() {
    std::remove(path.c_str());
    std::remove((path + ".map").c_str());
  }
};

// What `file` answers to `method path` under "/socket.io/"; status 0 when it does not take the request.
Exchange ask(const sio::detail::ClientFile& file, std::string method, std::string path) {
  Exchange ex(std::move(method), std::move(path));
  const bool served = file.serve("/socket.io/", ex);
  CHECK(served == (ex.responses == 1));
  CHECK(ex.responses <= 1);
  return ex;
}

}  // namespace

TEST_CASE("the bundle and its source map are served under the path") {
  Bundle bundle(R"({"version":3})");
  sio::detail::ClientFile file(true, bundle.path);
  auto js = ask(file, "GET", "/socket.io/socket.io.js");
  CHECK(js.status == 200);
  CHECK(js.body == "/* client */");
  CHECK(js.header("Content-Type") == "application/javascript; charset=utf-8");
  CHECK(js.header("Cache-Control") == "public, max-age=0");
  auto map = ask(file, "GET", "/socket.io/socket.io.js.map");
  CHECK(map.status == 200);
  CHECK(map.body == R"({"version":3})");
  CHECK(map.header("Content-Type") == "application/json; charset=utf-8");
}

TEST_CASE("HEAD answers like GET without a body") {
  Bundle bundle("{}");
  sio::detail::ClientFile file(true, bundle.path);
  auto js = ask(file, "HEAD", "/socket.io/socket.io.js");
  CHECK(js.status == 200);
  CHECK(js.body.empty());
  CHECK(js.header("Content-Type") == "application/javascript; charset=utf-8");
  auto map = ask(file, "HEAD", "/socket.io/socket.io.js.map");
  CHECK(map.status == 200);
  CHECK(map.body.empty());
}

TEST_CASE("other methods get 405 with the allowed ones") {
  Bundle bundle;
  sio::detail::ClientFile file(true, bundle.path);
  for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
    INFO(method);
    auto r = ask(file, method, "/socket.io/socket.io.js");
    CHECK(r.status == 405);
    CHECK(r.header("Allow") == "GET, HEAD");
  }
}

TEST_CASE("a missing source map, a disabled or unset bundle answer 404") {
  Bundle bundle;
  sio::detail::ClientFile without_map(true, bundle.path);
  CHECK(ask(without_map, "GET", "/socket.io/socket.io.js").status == 200);
  CHECK(ask(without_map, "GET", "/socket.io/socket.io.js.map").status == 404);

  sio::detail::ClientFile disabled(false, bundle.path);
  CHECK(ask(disabled, "GET", "/socket.io/socket.io.js").status == 404);
  CHECK(ask(disabled, "POST", "/socket.io/socket.io.js").status == 404);
  sio::detail::ClientFile unset(true, "");
  auto r = ask(unset, "GET", "/socket.io/socket.io.js.map");
  CHECK(r.status == 404);
  CHECK(r.header("Content-Type") == "text/plain");
}

TEST_CASE("requests for anything else are left to Engine.IO") {
  Bundle bundle;
  sio::detail::ClientFile file(true, bundle.path);
  for (const char* path : {"/socket.io/", "/socket.io", "/socket.io/socket.io.min.js", "/other/socket.io.js",
                           "/socket.io/x/socket.io.js", "/socket.io.js"}) {
    INFO(path);
    CHECK(ask(file, "GET", path).status == 0);
  }
}

TEST_CASE("an unreadable bundle is a setup error, unless the bundle is not served") {
  CHECK_THROWS_AS(sio::detail::ClientFile(true, "/nonexistent/socket.io.js"), std::invalid_argument);
  CHECK_NOTHROW(sio::detail::ClientFile(false, "/nonexistent/socket.io.js"));
}
