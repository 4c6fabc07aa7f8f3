// sio::Ack's non-template members (declared in sio/ack.hpp).

#include "sio/ack.hpp"

#include <string>
#include <vector>

#include "sio/args.hpp"
#include "sio/detail/payload_writer.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/socketio/server_core.hpp"
#include "sio/socketio/server_link.hpp"
#include "sio/socketio/socket_state.hpp"

namespace sio {

Ack::operator bool() const noexcept {
  if (!state_ || state_->answered.load()) return false;
  if (state_->sink) return true;
  auto s = state_->socket.lock();
  if (!s) return false;
  // Off the I/O thread the socket's state cannot be read; the reply is then still due.
  return !on_io_thread() || s->phase == detail::SocketState::Phase::connected;
}

bool Ack::on_io_thread() const noexcept { return !state_ || !state_->link || state_->link->on_io_thread(); }

bool Ack::post(std::function<void()> fn) const {
  if (state_ && state_->link && state_->link->post(fn)) return true;
  return false;
}

SendStatus Ack::send(detail::FunctionRef<void(detail::PayloadWriter&)> write, bool claimed) const {
  if (!state_) return SendStatus::dropped;
  if (!claimed && state_->answered.exchange(true)) return SendStatus::dropped;
  if (!state_->link || !state_->link->core()) return SendStatus::disconnected;
  if (state_->sink) {
    // A reply to another server: the arguments as a value its adapter can carry.
    std::string payload;
    std::vector<engineio::Frame> attachments;
    {
      detail::PayloadWriter w(payload, attachments);
      w.start_array();
      write(w);
      w.end_array();
    }
    protocol::OutgoingPacket packet(protocol::PacketType::ack, "/", std::nullopt, std::move(payload), std::move(attachments));
    Args args(packet.decoded(), 0);
    state_->sink(args);
    return SendStatus::sent;
  }
  auto s = state_->socket.lock();
  if (!s || !s->connected() || !s->core()) return SendStatus::disconnected;
  return s->core()->send_ack(*s, state_->id, write);
}

}  // namespace sio
