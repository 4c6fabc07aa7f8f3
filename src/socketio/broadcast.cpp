// Collecting a broadcast's replies (declared in sio/socketio/broadcast.hpp).

#include "sio/socketio/broadcast.hpp"

#include "sio/error.hpp"

namespace sio::detail {

void ReplyCollector::start_timer(std::optional<std::chrono::milliseconds> timeout) {
  if (!timeout) return;
  // The timer keeps the collector alive until it fires or finish() cancels it.
  timer_ = timers_.schedule_after(*timeout, [self = shared_from_this()] {
    self->timer_ = 0;
    self->finish(make_error_code(error::timeout));
  });
}

void ReplyCollector::on_server_count(std::size_t n) {
  server_count_ = n;
  check();
}

void ReplyCollector::on_count(std::size_t clients) {
  ++servers_counted_;
  expected_clients_ += clients;
  check();
}

void ReplyCollector::on_reply(std::error_code ec, const Args& reply) {
  if (finished_) return;
  if (ec == error::server_gone) return finish(ec);
  if (!ec) replies_.push_back(reply);
  else ++lost_;  // this receiver will never answer
  check();
}

void ReplyCollector::sent() { sending_ = false; }

void ReplyCollector::finish(std::error_code ec) {
  if (finished_) return;
  finished_ = true;
  if (timer_ && link_->core()) timers_.cancel(timer_);
  timer_ = 0;
  done_(ec, replies_);
}

}  // namespace sio::detail
