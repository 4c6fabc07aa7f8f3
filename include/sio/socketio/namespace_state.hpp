#pragma once
// The state of one namespace: its middleware, handlers, sockets and adapter; the adapter's host.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sio/adapter/adapter.hpp"
#include "sio/fwd.hpp"
#include "sio/socketio/socket_state.hpp"

namespace sio::detail {

class NamespaceState final : public AdapterHost, public std::enable_shared_from_this<NamespaceState> {
 public:
  // A handler of an event other servers emit to this namespace (Namespace::on): `ack` is empty
  // when the sender waits for no reply.
  struct ServerEventHandler {
    std::string event;
    std::function<void(Args&, Ack&)> fn;
  };

  NamespaceState(std::string name, ServerCore* core, std::shared_ptr<ServerLink> link) noexcept
      : name_(std::move(name)), core(core), link(std::move(link)) {}

  std::string name_;   // never changed: readable from any thread
  ServerCore* core;    // null once the server is gone
  std::shared_ptr<ServerLink> link;
  std::vector<std::function<void(Socket&, Next)>> middlewares;
  std::vector<std::shared_ptr<std::function<void(Socket&)>>> connection_handlers;
  std::vector<std::shared_ptr<ServerEventHandler>> server_handlers;
  std::unordered_map<std::string, std::shared_ptr<SocketState>> sockets;  // connected ones
  std::unique_ptr<Adapter> adapter;
  bool adapter_closed = false;  // Adapter::close() was called (io.close(), or the server's end)
  // Ack ids of the namespace's emits, to one socket or many: shared, as Node does, so a socket
  // never sees one id used for two pending questions.
  std::uint64_t next_ack_id = 0;

  SocketState* find(std::string_view id) const {
    auto it = sockets.find(std::string(id));
    return it == sockets.end() ? nullptr : it->second.get();
  }

  // ---- AdapterHost ----
  std::string_view name() const noexcept override { return name_; }
  bool deliver(void* socket, const protocol::OutgoingPacket& packet, const BroadcastOptions& opts) override;
  bool deliver_with_ack(void* socket, const protocol::OutgoingPacket& packet, const BroadcastOptions& opts,
                        std::function<void(std::error_code, const Args&)> reply) override;
  SocketDetails describe(void* socket) const override;
  void disconnect(void* socket, bool close) override;
  std::uint64_t new_ack_id() noexcept override { return next_ack_id++; }
  void on_server_side_emit(const protocol::OutgoingPacket& packet, std::function<void(const Args&)> reply) override;
  void begin_deliveries() noexcept override;
  void end_deliveries() noexcept override;
};

}  // namespace sio::detail
