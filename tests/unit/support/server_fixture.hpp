#pragma once
// What the server tests share: a server over the memory transport whose log a test can read, and
// three connected clients in rooms for the broadcast tests.

#include <catch2/catch.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sio/server.hpp"
#include "sio/transport/memory.hpp"
#include "sio_client.hpp"

namespace sio::test {

using MemoryServer = sio::Server<sio::transport::memory>;

// A memory transport and server options that keep every message of level info and above, so a
// test can check what the server logged.
struct Fixture {
  asio::io_context ioc;
  sio::transport::memory t{ioc};
  std::vector<std::string> log;
  sio::ServerOptions options() {
    sio::ServerOptions o;
    o.logger = [this](sio::LogLevel level, std::string_view msg) {
      if (level >= sio::LogLevel::info) log.emplace_back(msg);
    };
    return o;
  }
};

// Clients a, b and c connected to the main namespace; a and b in room r1, c in room r2.
struct Three {
  Fixture f;
  MemoryServer io{f.t, f.options()};
  std::map<std::string, sio::Socket> by_name;
  std::unique_ptr<Client> a, b, c;
  Three() {
    io.on("connection", [this](sio::Socket s) { by_name[s.handshake().query("name").value_or("?")] = s; });
    a = std::make_unique<Client>(f.t, "/socket.io/", sio::transport::Headers{}, "&name=a");
    b = std::make_unique<Client>(f.t, "/socket.io/", sio::transport::Headers{}, "&name=b");
    c = std::make_unique<Client>(f.t, "/socket.io/", sio::transport::Headers{}, "&name=c");
    a->connect();
    b->connect();
    c->connect();
    by_name["a"].join("r1");
    by_name["b"].join("r1");
    by_name["c"].join("r2");
  }
  // Which clients received exactly one frame `expected` (and nothing else).
  std::string receivers(const std::string& expected) {
    std::string out;
    for (auto [name, cl] : {std::pair{"a", a.get()}, {"b", b.get()}, {"c", c.get()}}) {
      auto frames = cl->drain();
      if (frames.empty()) continue;
      CHECK(frames == std::vector<std::string>{expected});
      out += name;
    }
    return out;
  }
};

}  // namespace sio::test
