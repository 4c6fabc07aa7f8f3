#pragma once
// The state of one socket (one client in one namespace): its handlers, its phase, its replies.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sio/disconnect_reason.hpp"
#include "sio/engineio/session.hpp"
#include "sio/fwd.hpp"
#include "sio/socketio/replies.hpp"

namespace sio::detail {

struct SocketState : std::enable_shared_from_this<SocketState> {
  enum class Phase : unsigned char { connecting, connected, closed };

  struct EventHandler {
    std::string event;  // empty for an on_any handler
    std::function<void(Socket&, Args&, Ack&)> fn;
    std::function<void(Socket&, std::string_view, Args&)> any;
    bool once = false;
  };
  struct ReasonHandler {
    bool disconnecting = false;
    std::function<void(Socket&, DisconnectReason)> fn;
    bool once = false;
  };
  struct ErrorHandler {
    std::function<void(Socket&, const ConnectError&)> fn;
    bool once = false;
  };

  std::string id;  // set at creation, never changed: readable from any thread
  // Kept, not borrowed: a handle that outlives its server still names its namespace, and finds
  // there that the server is gone.
  std::shared_ptr<NamespaceState> nsp;
  Client* client = nullptr;                // null once closed
  engineio::Session* session = nullptr;    // the client's session; null once closed
  Phase phase = Phase::connecting;
  std::shared_ptr<const protocol::Packet> connect_packet;  // holds the auth payload
  std::vector<std::shared_ptr<EventHandler>> handlers;
  std::vector<std::shared_ptr<ReasonHandler>> reason_handlers;
  std::vector<std::shared_ptr<ErrorHandler>> error_handlers;
  std::vector<std::shared_ptr<std::function<void(Event&, Next)>>> middlewares;
  std::vector<std::shared_ptr<std::function<void(Socket&)>>> drain_handlers;
  Replies replies;  // replies this server waits for
  std::shared_ptr<void> data;
  std::string shared_data;  // JSON text that fetch_sockets() shows other servers

  bool connected() const noexcept { return phase == Phase::connected && client != nullptr; }
  // The server, or null once it is gone (or the socket never had one). I/O thread only.
  ServerCore* core() const noexcept;
  // Drops the handlers and replies (they often hold a handle to their own socket: this breaks the cycle).
  void clear_handlers() noexcept {
    handlers.clear();
    reason_handlers.clear();
    error_handlers.clear();
    middlewares.clear();
    drain_handlers.clear();
  }
};

}  // namespace sio::detail
