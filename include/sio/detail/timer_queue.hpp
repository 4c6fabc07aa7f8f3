#pragma once
/// \file
/// Every deadline of a server (heartbeats, upgrade, connect and ack timeouts) on one transport timer.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "sio/transport/transport.hpp"

namespace sio::detail {

/// A queue of callbacks due at points in time, driven by a single transport::Timer armed for the
/// earliest deadline, so that a server with many sessions never owns one timer per session.
///
/// Cancelling is O(1): the entry stays in the heap and is skipped when it comes due (the heap is
/// compacted when stale entries outnumber live ones). Callbacks may schedule and cancel timers,
/// including their own queue's, while running. Due callbacks run in deadline order, and those with
/// the same deadline in the order they were scheduled.
///
/// \code
/// sio::detail::TimerQueue timers(transport);
/// auto id = timers.schedule_after(std::chrono::seconds(5), [] { /* timed out */ });
/// timers.cancel(id);
/// \endcode
class TimerQueue {
 public:
  /// Identifies a scheduled callback; 0 is never a valid id, so it can mean "none".
  using Id = std::uint64_t;

  /// Uses `transport.now()` as the clock and one `transport.make_timer()` timer; `transport` must
  /// outlive the queue.
  template <class Transport>
  explicit TimerQueue(Transport& transport)
      : now_([&transport] { return transport.now(); }),
        timer_(transport.make_timer([this] { on_expiry(); })) {}

  TimerQueue(const TimerQueue&) = delete;
  TimerQueue& operator=(const TimerQueue&) = delete;

  // schedule() and cancel() stay inline: the Socket.IO layer calls them for every emit that
  // awaits a reply with a timeout, and for every reply. What they call out of line (arm(),
  // compact()) runs only when the earliest deadline changes or the heap has to shrink.

  /// Runs `fn` at `when` (as soon as possible when `when` has passed). Returns its id.
  Id schedule(transport::TimePoint when, std::function<void()> fn) {
    std::uint32_t index;
    if (free_.empty()) {
      index = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
      // Keeps release() (called from the noexcept cancel()) from allocating.
      free_.reserve(slots_.capacity());
    } else {
      index = free_.back();
      free_.pop_back();
    }
    Slot& slot = slots_[index];
    slot.fn = std::move(fn);
    slot.live = true;
    const Id id = (Id{slot.generation} << 32) | index;
    heap_.push_back(Entry{when, next_seq_++, id});
    std::push_heap(heap_.begin(), heap_.end(), later);
    ++live_;
    if (!firing_ && (!armed_ || when < armed_at_)) arm(when);
    return id;
  }

  /// Runs `fn` `delay` from now. Returns its id.
  Id schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) {
    return schedule(now() + delay, std::move(fn));
  }

  /// Cancels a pending callback; true if it was pending (false for 0, a fired or a cancelled id).
  bool cancel(Id id) noexcept {
    Slot* slot = find(id);
    if (!slot) return false;
    release(*slot, static_cast<std::uint32_t>(id & 0xffffffffu));
    // A callback may be a large capture: free it now rather than when its deadline comes.
    slot->fn = nullptr;
    // Nothing left to wait for: disarm, so that an io_context with no other work returns from run().
    if (!firing_ && live_ == 0) {
      heap_.clear();
      if (armed_) timer_->cancel();
      armed_ = false;
      return true;
    }
    if (!firing_ && heap_.size() > 64 && heap_.size() > 2 * live_) compact();
    return true;
  }

  /// The transport's current time.
  transport::TimePoint now() const { return now_(); }

  /// Number of pending callbacks.
  std::size_t size() const noexcept { return live_; }

 private:
  struct Slot {
    std::function<void()> fn;
    std::uint32_t generation = 1;  // starts at 1 so that no id is 0
    bool live = false;
  };
  struct Entry {
    transport::TimePoint when;
    std::uint64_t seq;
    Id id;
  };
  // Heap order: the earliest deadline (then the earliest scheduled) on top.
  static bool later(const Entry& a, const Entry& b) noexcept {
    return a.when != b.when ? a.when > b.when : a.seq > b.seq;
  }

  Slot* find(Id id) noexcept {
    const auto index = static_cast<std::uint32_t>(id & 0xffffffffu);
    const auto generation = static_cast<std::uint32_t>(id >> 32);
    if (index >= slots_.size()) return nullptr;
    Slot& slot = slots_[index];
    if (!slot.live || slot.generation != generation) return nullptr;
    return &slot;
  }

  void release(Slot& slot, std::uint32_t index) noexcept {
    slot.live = false;
    if (++slot.generation == 0) slot.generation = 1;
    --live_;
    // Never reallocates: schedule() reserved room for every slot.
    free_.push_back(index);
  }

  bool is_live(const Entry& e) noexcept { return find(e.id) != nullptr; }

  // Out of line (src/detail/timer_queue.cpp): they run when a deadline comes due or the earliest
  // one changes, not on every schedule() or cancel().
  void compact();
  void pop();
  void arm(transport::TimePoint when);
  // Re-arms the transport timer for the earliest live deadline, if any.
  void rearm();
  void on_expiry();

  std::function<transport::TimePoint()> now_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> free_;
  std::vector<Entry> heap_;
  std::unique_ptr<transport::Timer> timer_;
  std::uint64_t next_seq_ = 0;
  std::size_t live_ = 0;
  transport::TimePoint armed_at_{};
  bool armed_ = false;
  bool firing_ = false;
};

}  // namespace sio::detail
