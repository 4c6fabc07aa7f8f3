#pragma once
// A redis-server of the test's own, on 127.0.0.1 and a free port, with nothing saved to disk:
// started by the test, stopped by its process id, and restartable on the same port (to test
// what happens while Redis is away).
//
//   sio::test::RedisServer redis;          // REQUIRE(redis.start(error)) before use
//   redis.port();
//   redis.stop(); redis.start(error);      // the same port again

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"

namespace sio::test {

/// A port of 127.0.0.1 that nothing listens on now (the kernel's pick), or 0.
inline std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

class RedisServer {
 public:
  /// `extra` are further arguments of redis-server ("--requirepass", "secret", ...).
  explicit RedisServer(std::vector<std::string> extra = {}) : extra_(std::move(extra)) {}

  /// Starts redis-server: on a free port the first time, on the same port afterwards. False,
  /// with the reason in `error`, if it did not come up within the deadline.
  bool start(std::string& error) {
    const std::string program = find_on_path("redis-server");
    if (program.empty()) {
      error = "redis-server is not installed (scripts/setup-deps installs it)";
      return false;
    }
    // A free port may be taken between the pick and the bind: pick again, a few times.
    for (int attempt = 0; attempt < 5; ++attempt) {
      if (!fixed_port_) port_ = free_loopback_port();
      std::vector<std::string> argv{program, "--port", std::to_string(port_), "--bind", "127.0.0.1",
                                    "--save", "", "--appendonly", "no", "--protected-mode", "no",
                                    "--loglevel", "notice"};
      argv.insert(argv.end(), extra_.begin(), extra_.end());
      child_ = ChildProcess::spawn(argv, environment_with({}), error);
      if (!child_) return false;
      // Redis 7 prints "Ready to accept connections tcp" once it listens, and exits when it
      // cannot bind.
      std::string line;
      if (child_->wait_for_line_containing("Ready to accept connections", std::chrono::seconds(15), line)) {
        fixed_port_ = true;
        return true;
      }
      error = "redis-server did not start on port " + std::to_string(port_) + ":\n" + child_->output();
      child_->stop();
      child_.reset();
      if (fixed_port_) return false;  // the same port is wanted: no other will do
    }
    return false;
  }

  /// Stops it (SIGTERM, by its process id) and waits for its end.
  void stop() {
    if (child_) child_->stop();
    child_.reset();
  }

  /// Its port.
  std::uint16_t port() const noexcept { return port_; }
  /// Whether it runs.
  bool running() const noexcept { return child_ != nullptr; }

  ~RedisServer() { stop(); }

 private:
  std::vector<std::string> extra_;
  std::unique_ptr<ChildProcess> child_;
  std::uint16_t port_ = 0;
  bool fixed_port_ = false;
};

}  // namespace sio::test
