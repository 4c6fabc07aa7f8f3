#pragma once
// Two sio servers, A and B, on memory transports, each with its sio::redis::Cluster on a
// redis-server of the test's own, all on one io_context: what the Redis adapter tests run on.

#include <asio/io_context.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/redis/adapter.hpp"
#include "sio/server.hpp"
#include "sio/transport/memory.hpp"
#include "support/redis_server.hpp"
#include "unit/support/sio_client.hpp"

namespace sio::test {

/// Options of a Cluster on `redis` that reconnects fast; its log lines go to `log`, if given.
inline redis::ClusterOptions cluster_options(const RedisServer& redis, std::vector<std::string>* log = nullptr) {
  redis::ClusterOptions o;
  o.redis.port = redis.port();
  o.redis.reconnect_delay = std::chrono::milliseconds(10);
  o.redis.max_reconnect_delay = std::chrono::milliseconds(100);
  if (log) o.logger = [log](LogLevel, std::string_view m) { log->emplace_back(m); };
  return o;
}

/// Bytes of a hexadecimal dump.
inline std::string unhex(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) out += static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16));
  return out;
}

/// Servers A and B, their clusters made with cluster_options(), changed by `tune` if given.
struct ClusterPair {
  explicit ClusterPair(const RedisServer& redis, const std::function<void(redis::ClusterOptions&)>& tune = {})
      : cluster_a(ioc, options_of(redis, tune)), cluster_b(ioc, options_of(redis, tune)) {}
  asio::io_context ioc;
  std::vector<std::string> log;
  redis::Cluster cluster_a;
  redis::Cluster cluster_b;
  transport::memory ta{ioc}, tb{ioc};
  Server<transport::memory> a{ta, server_options(cluster_a)};
  Server<transport::memory> b{tb, server_options(cluster_b)};

  /// Runs Redis's I/O and both servers until `done()` holds, for `limit` at most.
  template <class Pred>
  bool run_until(Pred done, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      ta.run_pending();
      tb.run_pending();
      if (done()) return true;
      if (std::chrono::steady_clock::now() >= deadline) return false;
      if (ioc.stopped()) ioc.restart();
      ioc.run_one_for(std::chrono::milliseconds(5));
    }
  }
  /// Both clusters up and subscribed.
  void ready() { REQUIRE(run_until([&] { return cluster_a.up() && cluster_b.up(); })); }
  /// Whether a log line holds `text`, waiting for one a while.
  bool logged(std::string_view text) {
    return run_until([&] {
      for (const auto& l : log)
        if (l.find(text) != std::string::npos) return true;
      return false;
    });
  }

 private:
  redis::ClusterOptions options_of(const RedisServer& redis, const std::function<void(redis::ClusterOptions&)>& tune) {
    auto o = cluster_options(redis, &log);
    if (tune) tune(o);
    return o;
  }
  static ServerOptions server_options(redis::Cluster& c) {
    ServerOptions o;
    o.adapter = c.adapter();
    return o;
  }
};

/// Frames of `c` until it has `n` of them (more may come after).
inline std::vector<std::string> frames(ClusterPair& p, Client& c, std::size_t n) {
  std::vector<std::string> got;
  p.run_until([&] {
    for (auto& f : c.drain()) got.push_back(std::move(f));
    return got.size() >= n;
  });
  return got;
}

}  // namespace sio::test
