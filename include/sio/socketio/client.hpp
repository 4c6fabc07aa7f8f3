#pragma once
// A Socket.IO client: one Engine.IO session and the sockets of the namespaces it connected.

#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "sio/detail/timer_queue.hpp"
#include "sio/engineio/session.hpp"
#include "sio/fwd.hpp"
#include "sio/protocol/packet_decoder.hpp"
#include "sio/socketio/socket_state.hpp"

namespace sio::detail {

struct Client {
  engineio::Session* session;  // null once the connection closed
  std::unique_ptr<protocol::PacketDecoder> decoder;
  std::vector<std::shared_ptr<SocketState>> sockets;  // one per namespace, connecting or connected
  TimerQueue::Id connect_timer = 0;
  TimerQueue::Id attachment_timer = 0;  // runs while a binary packet waits for its attachments
  bool unconnected = true;    // no namespace connected yet: counted in ServerCore::unconnected_
  bool drain_wanted = false;  // a socket with drain handlers sent or was refused since the last drain
  bool over_budget = false;   // closed for what waited for it (DisconnectReason::send_buffer_full)

  Client(engineio::Session* s, std::unique_ptr<protocol::PacketDecoder> d) noexcept
      : session(s), decoder(std::move(d)) {}
  // The socket of namespace `nsp` that is not closed, or null.
  SocketState* socket_for(std::string_view nsp) const noexcept;
  bool has_connected_socket() const noexcept {
    for (const auto& s : sockets)
      if (s->phase == SocketState::Phase::connected) return true;
    return false;
  }
  // Forgets `s` (closed or refused).
  void remove(const SocketState& s) noexcept;
};

}  // namespace sio::detail
