// A client joining a namespace: CONNECT, the namespace's middleware, the answer
// (members of ServerCore, declared in sio/socketio/server_core.hpp).

#include <exception>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sio/detail/payload_writer.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/socket.hpp"
#include "sio/socketio/server_core.hpp"

namespace sio::detail {

void ServerCore::dispatch(Client& client, std::shared_ptr<protocol::Packet> shared) {
  using protocol::PacketType;
  protocol::Packet& packet = *shared;
  switch (packet.type) {
    case PacketType::connect: return on_connect(client, std::move(shared));
    case PacketType::disconnect:
      if (auto* s = client.socket_for(packet.nsp)) close_socket(*s, DisconnectReason::client_namespace_disconnect);
      return;
    case PacketType::event:
    case PacketType::binary_event:
      if (auto* s = client.socket_for(packet.nsp); s && s->phase == SocketState::Phase::connected)
        on_event(*s, std::move(shared));
      else
        logf(LogLevel::debug, "event for namespace ", packet.nsp, " which is not connected: ignored");
      return;
    case PacketType::ack:
    case PacketType::binary_ack:
      if (auto* s = client.socket_for(packet.nsp); s && s->phase == SocketState::Phase::connected)
        on_ack(*s, std::move(shared));
      return;
    case PacketType::connect_error:
      logf(LogLevel::warn, "a client sent CONNECT_ERROR: closing its connection");
      close_client(client, DisconnectReason::parse_error);
      return;
  }
}

void ServerCore::on_connect(Client& client, std::shared_ptr<protocol::Packet> shared) {
  protocol::Packet& packet = *shared;
  NamespaceState* nsp = find_nsp(packet.nsp);
  if (!nsp) {
    logf(LogLevel::info, "connection ", client.session->id(), " asked for unknown namespace ", packet.nsp);
    send_connect_error(client, packet.nsp, ConnectError("Invalid namespace"));
    return;
  }
  if (client.socket_for(packet.nsp)) {
    logf(LogLevel::debug, "namespace ", packet.nsp, " already connected on ", client.session->id(), ": ignored");
    return;
  }
  if (client.sockets.size() >= options_.max_namespaces_per_client) {
    logf(LogLevel::warn, "connection ", client.session->id(), " asked for namespace ", packet.nsp, " past max_namespaces_per_client (",
         std::to_string(options_.max_namespaces_per_client), "): refused");
    send_connect_error(client, packet.nsp, ConnectError("Too many namespaces"));
    return;
  }
  auto socket = std::make_shared<SocketState>();
  socket->id = random_.next();
  socket->nsp = nsp->shared_from_this();
  socket->client = &client;
  socket->session = client.session;
  // Only an auth payload is worth keeping; without one, auth() reads as an empty object.
  if (packet.has_data) socket->connect_packet = std::move(shared);
  client.sockets.push_back(socket);
  run_middleware(socket, 0);
}

void ServerCore::run_middleware(const std::shared_ptr<SocketState>& socket, std::size_t index) {
  if (socket->phase != SocketState::Phase::connecting || !socket->client) return;
  NamespaceState& nsp = *socket->nsp;
  if (index >= nsp.middlewares.size()) return finish_connect(socket);
  auto fn = std::make_shared<std::function<void(const ConnectError*)>>(
      [this, weak = std::weak_ptr<SocketState>(socket), index](const ConnectError* err) {
        auto s = weak.lock();
        if (!s || !s->core()) return;
        if (err) return refuse(s, *err);
        run_middleware(s, index + 1);
      });
  Socket handle(socket);
  try {
    nsp.middlewares[index](handle, Next(fn));
  } catch (const ConnectError& e) {
    refuse(socket, e);
  } catch (const std::exception& e) {
    logf(LogLevel::error, "middleware of ", nsp.name_, " threw: ", e.what());
    refuse(socket, ConnectError("Internal server error"));
  }
}

void ServerCore::refuse(const std::shared_ptr<SocketState>& socket, const ConnectError& err) {
  if (socket->phase != SocketState::Phase::connecting || !socket->client) return;
  Client& client = *socket->client;
  socket->phase = SocketState::Phase::closed;
  client.remove(*socket);
  socket->client = nullptr;
  socket->session = nullptr;
  send_connect_error(client, socket->nsp->name_, err);
}

void ServerCore::finish_connect(const std::shared_ptr<SocketState>& socket) {
  NamespaceState& nsp = *socket->nsp;
  Client& client = *socket->client;
  socket->phase = SocketState::Phase::connected;
  nsp.sockets.emplace(socket->id, socket);
  nsp.adapter->add_socket(socket->id, socket.get());
  nsp.adapter->add_all(socket->id, {socket->id});
  if (client.connect_timer) {
    timers().cancel(client.connect_timer);
    client.connect_timer = 0;
  }
  if (client.unconnected) {
    client.unconnected = false;
    --unconnected_;
  }
  write(*socket, protocol::OutgoingPacket::connect(nsp.name_, socket->id), false);
  auto handlers = nsp.connection_handlers;  // a handler may add more
  Socket handle(socket);
  for (const auto& h : handlers) {
    if (!socket->connected()) break;
    try {
      (*h)(handle);
    } catch (const std::exception& e) {
      logf(LogLevel::error, "connection handler of ", nsp.name_, " threw: ", e.what());
    }
  }
}

void ServerCore::send_connect_error(Client& client, std::string_view nsp, const ConnectError& err) {
  if (!client.session) return;
  std::string data;
  if (!std::holds_alternative<std::nullptr_t>(err.data().storage())) {
    std::vector<engineio::Frame> attachments;  // a connect error carries no binary
    PayloadWriter w(data, attachments);
    w.write(err.data());
  }
  auto packet = protocol::OutgoingPacket::connect_error(std::string(nsp), err.what(), data);
  const auto& frames = packet.encoded(*parser_);
  client.session->send(frames.text);
}

}  // namespace sio::detail
