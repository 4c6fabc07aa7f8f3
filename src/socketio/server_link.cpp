// The server's thread-safe link to its handles (declared in sio/socketio/server_link.hpp).

#include "sio/socketio/server_link.hpp"

#include <utility>

namespace sio::detail {

bool ServerLink::on_io_thread() const noexcept {
  if (closed_.load(std::memory_order_acquire)) return true;
  return !in_io_thread_ || in_io_thread_();
}

bool ServerLink::post(std::function<void()>& fn) {
  bool schedule = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_.load(std::memory_order_relaxed)) return false;
    queue_.push_back(std::move(fn));
    schedule = !scheduled_;
    scheduled_ = true;
  }
  // One task runs everything queued by then: a burst of calls costs the transport one post.
  if (schedule) post_([weak = weak_from_this()] {
      if (auto self = weak.lock()) self->run_queued();
    });
  return true;
}

void ServerLink::run_queued() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    batch.swap(queue_);
    scheduled_ = false;
  }
  for (auto& fn : batch) fn();
}

void ServerLink::close() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    core_ = nullptr;
    closed_.store(true, std::memory_order_release);
    batch.swap(queue_);
  }
  // Calls that were waiting run now, and report that the server is gone.
  for (auto& fn : batch) fn();
}

}  // namespace sio::detail
