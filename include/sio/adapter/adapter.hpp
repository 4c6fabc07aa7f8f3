#pragma once
/// \file
/// sio::Adapter: the one seam through which everything that may cross servers goes: broadcasts
/// (with or without acknowledgements), fetch_sockets, sockets_join / sockets_leave,
/// disconnect_sockets, server_side_emit and the server count.
///
/// A namespace holds one adapter. The adapter keeps the room index of this server's sockets
/// (sio::InMemoryAdapter, in sio/adapter/in_memory_adapter.hpp, is the one-server adapter) and
/// runs each operation on this server's sockets; an adapter that joins several servers (Redis,
/// several threads of one process) overrides the `forward_*` hooks to reach the others. The seam
/// honours BroadcastOptions::local: a local operation never reaches a `forward_*` hook.
///
/// This header is light on purpose (no JSON, no Args): an adapter's own header includes what its
/// wire format needs. Everything here runs on the namespace's I/O thread.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "sio/detail/function_ref.hpp"
#include "sio/fwd.hpp"

namespace sio {

/// A room name.
using Room = std::string;
/// A socket id.
using SocketId = std::string;

/// Who receives a broadcast and how. A plain value, so that it can travel between servers.
struct BroadcastOptions {
  std::vector<Room> rooms;    ///< Receivers are the members of these rooms; empty means every socket.
  std::vector<Room> except;   ///< Members of these rooms are left out (a socket's own id is a room).
  bool volatile_ = false;     ///< Drop for receivers that are not ready rather than queue.
  bool compress = true;       ///< Compression wish (kept for parity).
  bool local = false;         ///< Only this server, even with a multi-server adapter.
  /// How long the sender of a broadcast with acknowledgements waits for the replies; a remote
  /// adapter may bound its own wait by it.
  std::optional<std::chrono::milliseconds> timeout;
};

/// A socket's handshake as a plain value (Node's `socket.handshake`), for sockets of any server.
struct HandshakeDetails {
  std::vector<std::pair<std::string, std::string>> headers;  ///< Headers of the first request.
  std::string query;                                         ///< Its raw query string.
  std::string address;                                       ///< The client's address.
  std::chrono::system_clock::time_point time;                ///< When the connection opened.
  std::string url;                                           ///< Path and query of the first request.
  std::string auth = "{}";                                   ///< The CONNECT `auth` payload, as JSON text.
};

/// A socket as fetch_sockets() reports it (Node's `RemoteSocket` fields).
struct SocketDetails {
  SocketId id;                 ///< The socket id.
  HandshakeDetails handshake;  ///< Its handshake.
  std::vector<Room> rooms;     ///< Its rooms, its own id first.
  std::string data;            ///< Socket::shared_data(): JSON text, empty for none.
};

/// What an adapter needs from its namespace: acting on one of this server's sockets, named by the
/// pointer the namespace registered with Adapter::add_socket, and running server-side events.
class AdapterHost {
 public:
  virtual ~AdapterHost() = default;
  /// The namespace's name.
  virtual std::string_view name() const noexcept = 0;
  /// Sends `packet` to `socket`; true when it was handed to its connection (sent or queued).
  /// The packet is encoded once, on its first delivery, for every receiver.
  virtual bool deliver(void* socket, const protocol::OutgoingPacket& packet, const BroadcastOptions& opts) = 0;
  /// Same, and the socket's reply to the packet's ack id goes to `reply` (with an error instead
  /// when the socket disconnects first). True when the socket was reached, and so will answer.
  virtual bool deliver_with_ack(void* socket, const protocol::OutgoingPacket& packet, const BroadcastOptions& opts,
                                std::function<void(std::error_code, const Args&)> reply) = 0;
  /// Describes `socket`.
  virtual SocketDetails describe(void* socket) const = 0;
  /// Deliveries to many sockets begin: a connection that closes from now until the matching
  /// end_deliveries() is finished after it, so that the walk over the room index stays valid.
  virtual void begin_deliveries() noexcept {}
  /// The deliveries begun by begin_deliveries() are over.
  virtual void end_deliveries() noexcept {}
  /// Disconnects `socket` (with `close`, its whole connection).
  virtual void disconnect(void* socket, bool close) = 0;
  /// An acknowledgement id for a packet another server asks this one to broadcast with
  /// acknowledgements (deliver_with_ack replies to the packet's id): one that none of the
  /// namespace's own broadcasts uses. The default counts on its own; a namespace shares its
  /// counter.
  virtual std::uint64_t new_ack_id() noexcept { return own_ack_ids_++; }
  /// An event another server emitted with server_side_emit: `packet` is an event packet of this
  /// namespace (`["event", args...]`). `reply` is empty when the sender waits for no reply;
  /// otherwise the namespace's handler answers through it, once.
  virtual void on_server_side_emit(const protocol::OutgoingPacket& packet, std::function<void(const Args&)> reply) = 0;

 private:
  std::uint64_t own_ack_ids_ = 0;
};

/// The adapter of one namespace (Node's `Adapter`): this server's room index, and every operation
/// that may cross servers. See the file comment.
class Adapter {
 public:
  /// Receives one reply of a broadcast with acknowledgements.
  using ReplyHandler = std::function<void(std::error_code, const Args&)>;
  /// Receives the number of clients one server reached with a broadcast with acknowledgements.
  using CountHandler = std::function<void(std::size_t clients)>;
  /// Receives the sockets fetch_sockets() found.
  using FetchHandler = std::function<void(std::error_code, std::vector<SocketDetails>)>;
  /// Receives the replies of the other servers to a server_side_emit with acknowledgement.
  using RepliesHandler = std::function<void(std::error_code, std::vector<Args>)>;

  /// An adapter serving the namespace `host`.
  explicit Adapter(AdapterHost& host) noexcept : host_(host) {}
  virtual ~Adapter() = default;
  Adapter(const Adapter&) = delete;
  Adapter& operator=(const Adapter&) = delete;

  /// The namespace served.
  AdapterHost& host() const noexcept { return host_; }

  // ---- life cycle ----

  /// Called once the namespace is ready, before any socket connects (subscribe here).
  virtual void init() {}
  /// Called when the server closes (unsubscribe here); no operation follows.
  virtual void close() {}
  /// Number of servers in the cluster, this one included (1 for one server).
  virtual void server_count(std::function<void(std::size_t)> done) { done(1); }

  // ---- this server's room index ----

  /// Registers a socket connected to this server, with the namespace's pointer for it.
  virtual void add_socket(const SocketId& sid, void* socket) = 0;
  /// Adds socket `sid` to `rooms` (its own id among them, possibly).
  virtual void add_all(const SocketId& sid, const std::vector<Room>& rooms) = 0;
  /// Removes socket `sid` from `room`.
  virtual void del(const SocketId& sid, const Room& room) = 0;
  /// Removes socket `sid` from every room and forgets it (on disconnect).
  virtual void del_all(const SocketId& sid) = 0;
  /// The rooms socket `sid` is in, its own id first when it is in that room.
  virtual std::vector<Room> socket_rooms(const SocketId& sid) const = 0;
  /// Calls `fn(sid, socket)` once for every socket of this server that `opts` selects. `fn` must
  /// not change the index (collect first, as the local_* operations do).
  virtual void for_each_socket(const BroadcastOptions& opts,
                               detail::FunctionRef<void(const SocketId&, void*)> fn) const = 0;
  /// The namespace's pointer for socket `sid` of this server, or null.
  virtual void* find_socket(const SocketId& sid) const = 0;
  /// The ids of this server's sockets that `opts` selects.
  std::vector<SocketId> sockets(const BroadcastOptions& opts) const;

  // ---- operations of the cluster: the namespace calls these ----

  /// Sends `packet` to the sockets `opts` selects, each once, on every server (this one only
  /// with `opts.local`). \returns the receivers on this server.
  std::size_t broadcast(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts);
  /// Same, asking each receiver for a reply to the packet's ack id: `on_count` is called once per
  /// server with the clients it reached, `on_reply` once per reply.
  void broadcast_with_ack(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts, CountHandler on_count,
                          ReplyHandler on_reply);
  /// The sockets `opts` selects on every server; `done` runs once.
  void fetch_sockets(const BroadcastOptions& opts, FetchHandler done);
  /// Makes the sockets `opts` selects join `rooms`, on every server.
  void add_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms);
  /// Makes the sockets `opts` selects leave `rooms`, on every server.
  void del_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms);
  /// Disconnects the sockets `opts` selects, on every server.
  void disconnect_sockets(const BroadcastOptions& opts, bool close);
  /// Sends an event to the other servers' namespace of the same name (not to this server's);
  /// with `replies`, each of their handlers' replies is collected, within `timeout`.
  void server_side_emit(const protocol::OutgoingPacket& packet, RepliesHandler replies,
                        std::optional<std::chrono::milliseconds> timeout);

  // ---- this server's part (also how another server's operations are applied here) ----

  /// broadcast() on this server's sockets. \returns the receivers.
  virtual std::size_t local_broadcast(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts);
  /// broadcast_with_ack() on this server's sockets. \returns the clients reached.
  virtual std::size_t local_broadcast_with_ack(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts,
                                               const ReplyHandler& on_reply);
  /// fetch_sockets() on this server's sockets.
  virtual std::vector<SocketDetails> local_fetch_sockets(const BroadcastOptions& opts) const;
  /// add_sockets() on this server's sockets.
  virtual void local_add_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms);
  /// del_sockets() on this server's sockets.
  virtual void local_del_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms);
  /// disconnect_sockets() on this server's sockets.
  virtual void local_disconnect_sockets(const BroadcastOptions& opts, bool close);

 protected:
  // ---- hooks of a multi-server adapter: reach the other servers (default: there are none) ----

  /// Sends a broadcast to the other servers.
  virtual void forward_broadcast(const protocol::OutgoingPacket& /*packet*/, const BroadcastOptions& /*opts*/) {}
  /// Sends a broadcast with acknowledgements to the other servers: `on_count` once per other
  /// server, `on_reply` once per reply of their clients.
  virtual void forward_broadcast_with_ack(const protocol::OutgoingPacket& /*packet*/, const BroadcastOptions& /*opts*/,
                                          const CountHandler& /*on_count*/, const ReplyHandler& /*on_reply*/) {}
  /// Asks the other servers for their sockets; `done` runs once with all of them.
  virtual void forward_fetch_sockets(const BroadcastOptions& opts, FetchHandler done);
  /// Asks the other servers to make their sockets join rooms.
  virtual void forward_add_sockets(const BroadcastOptions& /*opts*/, const std::vector<Room>& /*rooms*/) {}
  /// Asks the other servers to make their sockets leave rooms.
  virtual void forward_del_sockets(const BroadcastOptions& /*opts*/, const std::vector<Room>& /*rooms*/) {}
  /// Asks the other servers to disconnect their sockets.
  virtual void forward_disconnect_sockets(const BroadcastOptions& /*opts*/, bool /*close*/) {}
  /// Sends a server-side event to the other servers; with `replies`, collects their replies
  /// within `timeout` (sio::error::timeout with those that came).
  virtual void forward_server_side_emit(const protocol::OutgoingPacket& packet, RepliesHandler replies,
                                        std::optional<std::chrono::milliseconds> timeout);
  /// The room index tells: `room` got its first member here, or lost its last (Node's "create-room",
  /// "delete-room"; sockets' own rooms too, the socket still registered). Must not change the index.
  virtual void on_room_created(const Room& /*room*/) {}
  virtual void on_room_deleted(const Room& /*room*/) {}  ///< See on_room_created().

 private:
  AdapterHost& host_;
};

/// Makes the adapter of a namespace; set ServerOptions::adapter to use another one than
/// sio::InMemoryAdapter.
using AdapterFactory = std::function<std::unique_ptr<Adapter>(AdapterHost& host)>;

}  // namespace sio
