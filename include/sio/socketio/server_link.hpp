#pragma once
// The link between a server and every handle to it: the one thing a handle may touch from any
// thread, and what tells it that the server is gone.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "sio/fwd.hpp"

namespace sio::detail {

// Shared by the server and every handle (through NamespaceState and AckState). Calls made off
// the I/O thread are queued here and run on it, in order; once the server is gone post() refuses
// them and on_io_thread() answers true, so the call runs at once and finds no server (it then
// reports SendStatus::disconnected or an error code instead of touching freed memory).
class ServerLink : public std::enable_shared_from_this<ServerLink> {
 public:
  // `post` hands a function to the transport's I/O thread (thread-safe); `in_io_thread` tells
  // whether the caller runs there.
  ServerLink(ServerCore* core, std::function<void(std::function<void()>)> post, std::function<bool()> in_io_thread)
      : core_(core), post_(std::move(post)), in_io_thread_(std::move(in_io_thread)) {}
  ServerLink(const ServerLink&) = delete;
  ServerLink& operator=(const ServerLink&) = delete;

  // Whether the caller may act on the server now: on its I/O thread, or the server is gone.
  bool on_io_thread() const noexcept;
  // Queues `fn` for the I/O thread and takes it; false (and `fn` left as it was) once the server is gone.
  bool post(std::function<void()>& fn);
  // Posts `fn`, or, once the server is gone, runs it now (it then finds no server and reports
  // that). True when it was posted. What every handle does with a call made off the I/O thread.
  static bool post_or_run(ServerLink* link, std::function<void()> fn) {
    if (link && link->post(fn)) return true;
    fn();
    return false;
  }
  // The server; null once it is gone. On the I/O thread only.
  ServerCore* core() const noexcept { return core_; }
  // The server began serving (its first connection): from now on the I/O thread is busy with
  // it, and calls for the I/O thread only must come from there. Before, the application sets the
  // server up from whichever thread it likes, as the io_context runs nowhere yet.
  void serving() noexcept {
    if (!serving_.load(std::memory_order_relaxed)) serving_.store(true, std::memory_order_relaxed);
  }
  // Whether a call for the I/O thread only may be made now (see serving()).
  bool may_touch_state() const noexcept { return !serving_.load(std::memory_order_relaxed) || on_io_thread(); }
  // The server is going: later posts are refused, and what is queued runs now (finding no server).
  void close();

 private:
  void run_queued();

  ServerCore* core_;
  std::function<void(std::function<void()>)> post_;
  std::function<bool()> in_io_thread_;
  mutable std::mutex mutex_;
  std::vector<std::function<void()>> queue_;
  bool scheduled_ = false;
  std::atomic<bool> closed_{false};
  std::atomic<bool> serving_{false};
};

}  // namespace sio::detail
