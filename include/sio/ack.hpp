#pragma once
/// \file
/// sio::Ack: the reply to an event whose sender waits for an acknowledgement.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "sio/detail/function_ref.hpp"
#include "sio/fwd.hpp"
#include "sio/send_status.hpp"

namespace sio {

namespace detail {
class PayloadWriter;

// One reply a sender waits for: shared by the copies of its sio::Ack, so that it is sent once
// and costs the socket nothing once every copy is gone. A client's event has a socket and an id;
// an event another server sent (Namespace::server_side_emit) has a sink for the reply instead.
struct AckState {
  AckState(std::shared_ptr<ServerLink> l, std::weak_ptr<SocketState> s, std::uint64_t i) noexcept
      : link(std::move(l)), socket(std::move(s)), id(i) {}
  AckState(std::shared_ptr<ServerLink> l, std::function<void(Args&)> to) noexcept
      : link(std::move(l)), sink(std::move(to)) {}
  std::shared_ptr<ServerLink> link;
  std::weak_ptr<SocketState> socket;
  std::uint64_t id = 0;
  std::function<void(Args&)> sink;
  std::atomic<bool> answered{false};
};
}  // namespace detail

/// Replies to an event the client sent with an acknowledgement callback.
///
/// `if (ack) ack("stored", 1);` — true only when the client asked for a reply and none was sent
/// yet. Copyable, and callable from any thread; the reply is sent once, later calls are ignored.
/// A kept Ack may outlive its socket and its server: the reply is then not sent and the call
/// returns SendStatus::disconnected.
class Ack {
 public:
  /// No reply expected.
  Ack() = default;
  /// The reply awaited by `state` (made by the server).
  explicit Ack(std::shared_ptr<detail::AckState> state) noexcept : state_(std::move(state)) {}

  /// True when the sender waits for this reply.
  explicit operator bool() const noexcept;
  /// Sends the reply with `args` (values as for Socket::emit; a sio::Args is spliced).
  /// \returns SendStatus::dropped when the reply was sent already, SendStatus::queued when called
  /// off the I/O thread.
  template <class... A>
  SendStatus operator()(A&&... args) const;

 private:
  SendStatus send(detail::FunctionRef<void(detail::PayloadWriter&)> write, bool claimed = false) const;
  bool on_io_thread() const noexcept;
  bool post(std::function<void()> fn) const;
  std::shared_ptr<detail::AckState> state_;
};

}  // namespace sio

#include "sio/impl/ack.hpp"
