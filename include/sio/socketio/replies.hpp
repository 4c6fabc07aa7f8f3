#pragma once
// The replies a server waits for on one socket: its ack ids, their callbacks and timeouts.

#include <cstdint>
#include <functional>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "sio/detail/timer_queue.hpp"
#include "sio/fwd.hpp"

namespace sio::detail {

// Pending replies of one socket, by ack id. Few are pending at a time: a vector beats a map.
class Replies {
 public:
  using Callback = std::function<void(std::error_code, Args&)>;

  // Waits for reply `id`; `timer` (0 for none) is cancelled when the reply comes first.
  void add(std::uint64_t id, Callback fn, TimerQueue::Id timer) { pending_.push_back({id, std::move(fn), timer}); }
  // The callback of reply `id`, no longer pending (its timer cancelled); empty when none waits.
  Callback take(std::uint64_t id, TimerQueue* timers) noexcept {
    for (auto it = pending_.begin(); it != pending_.end(); ++it) {
      if (it->id != id) continue;
      Callback fn = std::move(it->fn);
      if (it->timer && timers) timers->cancel(it->timer);
      pending_.erase(it);
      return fn;
    }
    return nullptr;
  }
  // Every pending callback, none pending any more (timers cancelled).
  std::vector<Callback> take_all(TimerQueue* timers) {
    std::vector<Callback> out;
    out.reserve(pending_.size());
    for (auto& p : pending_) {
      if (p.timer && timers) timers->cancel(p.timer);
      out.push_back(std::move(p.fn));
    }
    pending_.clear();
    return out;
  }
  // Forgets every pending reply without calling it (the server is gone).
  void clear() noexcept { pending_.clear(); }
  bool empty() const noexcept { return pending_.empty(); }

 private:
  struct Pending {
    std::uint64_t id;
    Callback fn;
    TimerQueue::Id timer;
  };
  std::vector<Pending> pending_;
};

}  // namespace sio::detail
