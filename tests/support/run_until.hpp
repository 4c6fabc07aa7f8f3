#pragma once
// Runs an io_context until a condition holds, with a deadline: how the tests that use real
// sockets (websocketpp, TLS, Redis) wait for events without sleeping.

#include <asio/io_context.hpp>

#include <chrono>

namespace sio::test {

/// Runs `ioc` until `done()` holds or `timeout` passes; true if it holds.
template <class Pred>
bool run_until(asio::io_context& ioc, Pred done, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (ioc.stopped()) ioc.restart();
    ioc.run_one_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace sio::test
