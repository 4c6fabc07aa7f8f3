#include "sio/detail/timer_queue.hpp"

#include <algorithm>
#include <vector>

namespace sio::detail {

void TimerQueue::compact() {
  heap_.erase(std::remove_if(heap_.begin(), heap_.end(), [this](const Entry& e) { return !is_live(e); }),
              heap_.end());
  std::make_heap(heap_.begin(), heap_.end(), later);
}

void TimerQueue::pop() {
  std::pop_heap(heap_.begin(), heap_.end(), later);
  heap_.pop_back();
}

void TimerQueue::arm(transport::TimePoint when) {
  armed_ = true;
  armed_at_ = when;
  timer_->expires_at(when);
}

void TimerQueue::rearm() {
  while (!heap_.empty() && !is_live(heap_.front())) pop();
  if (heap_.empty()) {
    if (armed_) timer_->cancel();
    armed_ = false;
    return;
  }
  if (!armed_ || heap_.front().when != armed_at_) arm(heap_.front().when);
}

void TimerQueue::on_expiry() {
  armed_ = false;
  firing_ = true;
  const transport::TimePoint current = now();
  // Callbacks scheduled while firing wait for the next expiry, even if already due, so that a
  // callback rescheduling itself "now" cannot starve the I/O thread.
  const std::uint64_t seq_limit = next_seq_;
  std::vector<Entry> deferred;
  struct Reset {
    TimerQueue& q;
    std::vector<Entry>& deferred;
    ~Reset() {
      for (const Entry& e : deferred) {
        q.heap_.push_back(e);
        std::push_heap(q.heap_.begin(), q.heap_.end(), later);
      }
      q.firing_ = false;
      q.rearm();
    }
  } reset{*this, deferred};
  while (!heap_.empty() && heap_.front().when <= current) {
    const Entry e = heap_.front();
    pop();
    if (e.seq >= seq_limit) {
      deferred.push_back(e);
      continue;
    }
    Slot* slot = find(e.id);
    if (!slot) continue;
    std::function<void()> fn = std::move(slot->fn);
    slot->fn = nullptr;
    release(*slot, static_cast<std::uint32_t>(e.id & 0xffffffffu));
    fn();
  }
}

}  // namespace sio::detail
