// The chat servers that share one chat room through Redis (--redis URL): what crosses servers is
// sio's adapter's business (sio::redis::Cluster); this only starts it, says when it is ready and
// closes it. Built without sio::redis, the chat refuses --redis with the reason.

#pragma once

#include <sio.hpp>
#ifdef SIO_CHAT_REDIS
#include <sio/redis/adapter.hpp>
#endif

#include <asio/io_context.hpp>

#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "demo.hpp"

namespace chat {

/// This server's membership of a cluster of chat servers, or none.
class Cluster {
 public:
  /// Nothing when `url` is empty. Otherwise connects to Redis at `url` (`redis://host:port`) on
  /// `ioc`, the server's event loop, and sets `options.adapter`, so that what the server emits
  /// reaches the clients of every server.
  /// \returns 0, or the program's exit status after saying why on stderr: 2 for a URL that is
  /// not one, 1 when the program was built without sio::redis.
  int join(asio::io_context& ioc, const std::string& url, sio::ServerOptions& options) {
    if (url.empty()) return 0;
#ifdef SIO_CHAT_REDIS
    sio::redis::ClusterOptions redis;
    redis.logger = demo::log_to_stderr;
    if (!sio::redis::parse_url(url, redis.redis)) {
      std::fprintf(stderr, "chat: --redis takes a URL such as redis://127.0.0.1:6379, not \"%s\"\n", url.c_str());
      return 2;
    }
    // Only where Redis is, not the URL: it may hold a password.
    where_ = redis.redis.host + ":" + std::to_string(redis.redis.port);
    cluster_.emplace(ioc, std::move(redis));
    options.adapter = cluster_->adapter();
    return 0;
#else
    (void)ioc;
    (void)options;
    std::fprintf(stderr,
                 "chat: --redis is not available: this program was built without sio::redis "
                 "(CMake option SIO_REDIS, with libhiredis-dev)\n");
    return 1;
#endif
  }

  /// Whether this server is one of several.
  bool joined() const noexcept {
#ifdef SIO_CHAT_REDIS
    return cluster_.has_value();
#else
    return false;
#endif
  }

  /// Calls `ready` once Redis has confirmed the server's subscriptions: from then on, nothing the
  /// other servers send is missed (demo::Program::announce_when's argument). While Redis cannot
  /// be reached, the log says so.
  void when_up(std::function<void()> ready) {
#ifdef SIO_CHAT_REDIS
    cluster_->on_state([ready = std::move(ready), told = false](bool up) mutable {
      if (!up || told) return;
      told = true;
      ready();
    });
#else
    ready();
#endif
  }

  /// Where Redis is, "host:port"; empty when not joined.
  const std::string& where() const noexcept { return where_; }

  /// Closes the connections to Redis for good (the program stops).
  void close() {
#ifdef SIO_CHAT_REDIS
    if (cluster_) cluster_->close();
#endif
  }

 private:
  std::string where_;
#ifdef SIO_CHAT_REDIS
  std::optional<sio::redis::Cluster> cluster_;
#endif
};

}  // namespace chat
