// The adapter seam (declared in sio/adapter/adapter.hpp): what runs on this server's sockets,
// and where a multi-server adapter's hooks are called.

#include "sio/adapter/adapter.hpp"

#include "sio/args.hpp"

namespace sio {

std::vector<SocketId> Adapter::sockets(const BroadcastOptions& opts) const {
  std::vector<SocketId> out;
  for_each_socket(opts, [&](const SocketId& sid, void*) { out.push_back(sid); });
  return out;
}

std::size_t Adapter::broadcast(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts) {
  if (!opts.local) forward_broadcast(packet, opts);
  return local_broadcast(packet, opts);
}

void Adapter::broadcast_with_ack(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts,
                                 CountHandler on_count, ReplyHandler on_reply) {
  if (!opts.local) forward_broadcast_with_ack(packet, opts, on_count, on_reply);
  on_count(local_broadcast_with_ack(packet, opts, on_reply));
}

void Adapter::fetch_sockets(const BroadcastOptions& opts, FetchHandler done) {
  auto here = local_fetch_sockets(opts);
  if (opts.local) return done({}, std::move(here));
  forward_fetch_sockets(opts, [here = std::move(here), done = std::move(done)](std::error_code ec,
                                                                               std::vector<SocketDetails> there) mutable {
    here.insert(here.end(), std::make_move_iterator(there.begin()), std::make_move_iterator(there.end()));
    done(ec, std::move(here));
  });
}

void Adapter::add_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) {
  if (!opts.local) forward_add_sockets(opts, rooms);
  local_add_sockets(opts, rooms);
}

void Adapter::del_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) {
  if (!opts.local) forward_del_sockets(opts, rooms);
  local_del_sockets(opts, rooms);
}

void Adapter::disconnect_sockets(const BroadcastOptions& opts, bool close) {
  if (!opts.local) forward_disconnect_sockets(opts, close);
  local_disconnect_sockets(opts, close);
}

void Adapter::server_side_emit(const protocol::OutgoingPacket& packet, RepliesHandler replies,
                               std::optional<std::chrono::milliseconds> timeout) {
  forward_server_side_emit(packet, std::move(replies), timeout);
}

std::size_t Adapter::local_broadcast(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts) {
  std::size_t reached = 0;
  host_.begin_deliveries();
  for_each_socket(opts, [&](const SocketId&, void* socket) {
    if (host_.deliver(socket, packet, opts)) ++reached;
  });
  host_.end_deliveries();
  return reached;
}

std::size_t Adapter::local_broadcast_with_ack(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts,
                                              const ReplyHandler& on_reply) {
  std::size_t reached = 0;
  host_.begin_deliveries();
  for_each_socket(opts, [&](const SocketId&, void* socket) {
    if (host_.deliver_with_ack(socket, packet, opts, on_reply)) ++reached;
  });
  host_.end_deliveries();
  return reached;
}

std::vector<SocketDetails> Adapter::local_fetch_sockets(const BroadcastOptions& opts) const {
  std::vector<SocketDetails> out;
  for_each_socket(opts, [&](const SocketId&, void* socket) { out.push_back(host_.describe(socket)); });
  return out;
}

void Adapter::local_add_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) {
  // Joining changes the index being walked: collect first.
  for (const auto& sid : sockets(opts)) add_all(sid, rooms);
}

void Adapter::local_del_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) {
  for (const auto& sid : sockets(opts))
    for (const auto& room : rooms) del(sid, room);
}

void Adapter::local_disconnect_sockets(const BroadcastOptions& opts, bool close) {
  // Each disconnect runs the application's handlers, which may disconnect others: look each up again.
  for (const auto& sid : sockets(opts))
    if (void* socket = find_socket(sid)) host_.disconnect(socket, close);
}

void Adapter::forward_fetch_sockets(const BroadcastOptions&, FetchHandler done) { done({}, {}); }

void Adapter::forward_server_side_emit(const protocol::OutgoingPacket&, RepliesHandler replies,
                                       std::optional<std::chrono::milliseconds>) {
  // One server: no other server to hear it, and so no reply to wait for.
  if (replies) replies({}, {});
}

}  // namespace sio
