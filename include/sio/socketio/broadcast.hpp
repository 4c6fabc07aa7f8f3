#pragma once
// Collecting the replies of a broadcast with acknowledgements, from every server it reached.

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <system_error>
#include <vector>

#include "sio/args.hpp"
#include "sio/detail/timer_queue.hpp"
#include "sio/socketio/server_link.hpp"

namespace sio::detail {

// Counts what a broadcast with acknowledgements waits for, as Node's BroadcastOperator does: it
// is complete once every server of the cluster has said how many clients it reached and that
// many replies came, or when the timeout runs out (sio::error::timeout, with the replies that
// came). A receiver that disconnects before answering is no longer waited for.
class ReplyCollector : public std::enable_shared_from_this<ReplyCollector> {
 public:
  using Done = std::function<void(std::error_code, std::vector<Args>&)>;

  // `timers` belongs to the server behind `link`: it is touched only while that server lives.
  ReplyCollector(std::shared_ptr<ServerLink> link, TimerQueue& timers, Done done)
      : link_(std::move(link)), timers_(timers), done_(std::move(done)) {}

  // Starts the timeout, if any.
  void start_timer(std::optional<std::chrono::milliseconds> timeout);
  // The cluster has `n` servers.
  void on_server_count(std::size_t n);
  // One server reached `clients` clients.
  void on_count(std::size_t clients);
  // A reply came (or, with `ec`, a receiver will never answer).
  void on_reply(std::error_code ec, const Args& reply);
  // The broadcast was handed to every server: from now on, completeness finishes the collection
  // (before, it waits, so that the callback never runs inside the emit).
  void sent();
  // Whether the callback ran.
  bool done() const noexcept { return finished_; }
  // Clients reached so far.
  std::size_t expected() const noexcept { return expected_clients_; }
  // Whether every server answered and every reached client replied or is gone.
  bool complete() const noexcept {
    return server_count_ && servers_counted_ >= *server_count_ && replies_.size() + lost_ >= expected_clients_;
  }
  void finish(std::error_code ec);

 private:
  void check() {
    if (sending_ || finished_ || !complete()) return;
    finish({});
  }

  std::shared_ptr<ServerLink> link_;
  TimerQueue& timers_;
  Done done_;
  std::vector<Args> replies_;
  std::optional<std::size_t> server_count_;
  std::size_t servers_counted_ = 0;
  std::size_t expected_clients_ = 0;
  // Receivers that will never answer (disconnected); counted apart, as their error may come
  // before their server's client count.
  std::size_t lost_ = 0;
  TimerQueue::Id timer_ = 0;
  bool sending_ = true;
  bool finished_ = false;
};

}  // namespace sio::detail
