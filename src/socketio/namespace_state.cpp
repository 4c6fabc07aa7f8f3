// A namespace as its adapter's host (declared in sio/socketio/namespace_state.hpp).

#include "sio/socketio/namespace_state.hpp"

#include "sio/args.hpp"
#include "sio/protocol/detail/json.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/socketio/server_core.hpp"

namespace sio::detail {

bool NamespaceState::deliver(void* socket, const protocol::OutgoingPacket& packet, const BroadcastOptions& opts) {
  if (!core || !socket) return false;
  return core->write(*static_cast<SocketState*>(socket), packet, opts.volatile_) != SendStatus::disconnected;
}

bool NamespaceState::deliver_with_ack(void* socket, const protocol::OutgoingPacket& packet, const BroadcastOptions& opts,
                                      std::function<void(std::error_code, const Args&)> reply) {
  if (!core || !socket || !packet.id()) return false;
  auto& s = *static_cast<SocketState*>(socket);
  const SendStatus status = core->write(s, packet, opts.volatile_);
  if (status != SendStatus::sent && status != SendStatus::queued) return false;
  core->add_pending_reply(
      s, [reply = std::move(reply)](std::error_code ec, Args& a) { reply(ec, a); }, std::nullopt, packet.id());
  return true;
}

SocketDetails NamespaceState::describe(void* socket) const {
  SocketDetails d;
  if (!socket) return d;
  const auto& s = *static_cast<const SocketState*>(socket);
  d.id = s.id;
  d.rooms = adapter ? adapter->socket_rooms(s.id) : std::vector<Room>{};
  d.data = s.shared_data;
  if (s.session) {
    const transport::HttpRequest& r = s.session->request();
    d.handshake.headers = r.headers;
    d.handshake.query = r.query;
    d.handshake.address = r.remote_address;
    d.handshake.time = s.session->opened_at();
    d.handshake.url = r.query.empty() ? r.path : r.path + "?" + r.query;
  }
  if (s.connect_packet && s.connect_packet->data.IsObject()) {
    d.handshake.auth.clear();
    protocol::detail::append_json(d.handshake.auth, s.connect_packet->data);
  }
  return d;
}

void NamespaceState::disconnect(void* socket, bool close) {
  if (core && socket) core->disconnect(*static_cast<SocketState*>(socket), close);
}

void NamespaceState::on_server_side_emit(const protocol::OutgoingPacket& packet, std::function<void(const Args&)> reply) {
  if (core) core->on_server_side_emit(*this, packet, std::move(reply));
}

void NamespaceState::begin_deliveries() noexcept {
  if (core) core->begin_deliveries();
}

void NamespaceState::end_deliveries() noexcept {
  if (core) core->end_deliveries();
}

}  // namespace sio::detail
