#pragma once
/// \file
/// sio::RemoteSocket: a socket as fetch_sockets() reports it, on this server or another one.

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sio/adapter/adapter.hpp"
#include "sio/fwd.hpp"
#include "sio/operators.hpp"

namespace sio {

/// A socket of any server of the cluster (Node's `RemoteSocket`): a description (id, handshake,
/// rooms, shared data) taken when it was fetched, and the operations that work wherever the
/// socket is, because they go through the adapter as operations on the room of its id.
///
/// \code
/// io.fetch_sockets([](std::error_code, std::vector<sio::RemoteSocket> sockets) {
///   for (auto& s : sockets)
///     if (s.data() == R"({"admin":true})") s.join("admins");
/// });
/// \endcode
class RemoteSocket {
 public:
  /// The socket `details` describes, in the namespace behind `nsp`.
  RemoteSocket(std::shared_ptr<detail::NamespaceState> nsp, SocketDetails details)
      : details_(std::move(details)), self_(std::move(nsp), self_options(details_.id)) {}

  /// The socket id.
  const SocketId& id() const noexcept { return details_.id; }
  /// Its handshake, as it was when fetched.
  const HandshakeDetails& handshake() const noexcept { return details_.handshake; }
  /// Its rooms, as they were when fetched (its own id first).
  const std::vector<Room>& rooms() const noexcept { return details_.rooms; }
  /// Its shared data (Socket::shared_data()), as JSON text; empty for none.
  const std::string& data() const noexcept { return details_.data; }
  /// The whole description.
  const SocketDetails& details() const noexcept { return details_; }

  /// Emits `event` to the socket, wherever it is (see BroadcastOperator::emit).
  template <class... A>
  std::size_t emit(std::string_view event, A&&... args) const { return self_.emit(event, std::forward<A>(args)...); }
  /// Flags a reply timeout for emit_with_ack (see BroadcastOperator::emit_with_ack).
  BroadcastOperator timeout(std::chrono::milliseconds t) const { return self_.timeout(t); }
  /// Makes the socket join `room`.
  void join(const std::string& room) const { self_.sockets_join(room); }
  /// Makes the socket join `rooms`.
  void join(const std::vector<std::string>& rooms) const { self_.sockets_join(rooms); }
  /// Makes the socket leave `room`.
  void leave(const std::string& room) const { self_.sockets_leave(room); }
  /// Makes the socket leave `rooms`.
  void leave(const std::vector<std::string>& rooms) const { self_.sockets_leave(rooms); }
  /// Disconnects the socket (with `close`, its whole connection).
  void disconnect(bool close = false) const { self_.disconnect_sockets(close); }

 private:
  static BroadcastOptions self_options(const SocketId& id) {
    BroadcastOptions o;
    o.rooms.push_back(id);
    return o;
  }
  SocketDetails details_;
  BroadcastOperator self_;
};

}  // namespace sio
