#pragma once
// Template bodies of sio::Ack; included by sio/ack.hpp.

#include <tuple>
#include <utility>

#include "sio/detail/emit_args.hpp"
#include "sio/detail/payload_writer.hpp"

namespace sio {

template <class... A>
SendStatus Ack::operator()(A&&... args) const {
  if (!on_io_thread()) {
    if (!state_ || state_->answered.exchange(true)) return SendStatus::dropped;
    auto task = [self = *this, captured = std::make_tuple(detail::capture_arg(std::forward<A>(args))...)]() mutable {
      std::apply([&](auto&... a) { self.send([&](detail::PayloadWriter& w) { (w.argument(std::move(a)), ...); }, true); },
                 captured);
    };
    // A server already gone takes no task: the reply is not sent.
    return post(std::move(task)) ? SendStatus::queued : SendStatus::disconnected;
  }
  return send([&](detail::PayloadWriter& w) { (w.argument(std::forward<A>(args)), ...); });
}

}  // namespace sio
