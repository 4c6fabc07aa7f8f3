#pragma once
// The Socket.IO server over Engine.IO, apart from its transport: the namespace registry, the
// Engine.IO session handler, dispatch of packets, middleware, emits and replies, closing.
// Everything here runs on the I/O thread. The bodies are compiled once, in src/socketio/.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "sio/detail/function_ref.hpp"
#include "sio/detail/random.hpp"
#include "sio/detail/timer_queue.hpp"
#include "sio/disconnect_reason.hpp"
#include "sio/engineio/detail/log.hpp"
#include "sio/engineio/server.hpp"
#include "sio/engineio/session.hpp"
#include "sio/error.hpp"
#include "sio/fwd.hpp"
#include "sio/log.hpp"
#include "sio/options.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/send_status.hpp"
#include "sio/socketio/client.hpp"
#include "sio/socketio/client_file.hpp"
#include "sio/socketio/namespace_state.hpp"
#include "sio/socketio/server_link.hpp"
#include "sio/socketio/socket_state.hpp"

namespace sio::detail {

class PayloadWriter;

class ServerCore final : public engineio::SessionHandler {
 public:
  using ReplyFn = std::function<void(std::error_code, Args&)>;
  using RepliesFn = std::function<void(std::error_code, std::vector<Args>&)>;

  // \throws std::invalid_argument for invalid options.
  explicit ServerCore(ServerOptions options);
  ~ServerCore() override;
  ServerCore(const ServerCore&) = delete;
  ServerCore& operator=(const ServerCore&) = delete;

  // The Engine.IO options these settings translate to.
  engineio::ServerOptions engine_options() const;
  // Starts serving through `engine`; `post` and `in_io_thread` are the transport's.
  void attach(engineio::Server& engine, std::function<void(std::function<void()>)> post,
              std::function<bool()> in_io_thread);

  const ServerOptions& options() const noexcept { return options_; }
  const std::shared_ptr<ServerLink>& link() const noexcept { return link_; }
  TimerQueue& timers() noexcept { return engine_->timers(); }
  const protocol::Parser& parser() const noexcept { return *parser_; }
  // Runs fn later on the I/O thread (now, when the server is gone). Safe from any thread.
  void post(std::function<void()> fn);

  // The namespace `name`, created on first use.
  const std::shared_ptr<NamespaceState>& of(std::string_view name);
  NamespaceState* find_nsp(std::string_view name) const;

  // One log line, made printable (engineio::detail::log()).
  template <class... P>
  void logf(LogLevel level, const P&... parts) const {
    engineio::detail::log(options_.logger, level, parts...);
  }

  // ---- engineio::SessionHandler (server_core.cpp) ----
  void on_open(engineio::Session& session) override;
  void on_message(engineio::Session& session, std::string_view data, bool binary) override;
  void on_close(engineio::Session& session, engineio::CloseReason reason) override;
  void on_drain(engineio::Session& session) override;
  bool accepts_session() override;
  // Starts or stops the attachment timer of `client` after a message reached its decoder.
  void watch_attachments(Client& client);

  // ---- a client's packets (connect.cpp, events.cpp) ----
  void dispatch(Client& client, std::shared_ptr<protocol::Packet> packet);
  void on_connect(Client& client, std::shared_ptr<protocol::Packet> packet);
  void run_middleware(const std::shared_ptr<SocketState>& socket, std::size_t index);
  void refuse(const std::shared_ptr<SocketState>& socket, const ConnectError& err);
  void finish_connect(const std::shared_ptr<SocketState>& socket);
  void send_connect_error(Client& client, std::string_view nsp, const ConnectError& err);
  void on_event(SocketState& s, std::shared_ptr<const protocol::Packet> packet);
  void run_packet_middleware(const std::shared_ptr<SocketState>& s, const std::shared_ptr<Event>& ev, std::size_t index);
  void emit_error(SocketState& s, const ConnectError& err);
  void emit_event(SocketState& s, Event& ev);
  void on_ack(SocketState& s, std::shared_ptr<const protocol::Packet> packet);

  // ---- sending (emit.cpp) ----
  // Hands the frames of a packet to the socket's session.
  SendStatus write(SocketState& s, const protocol::OutgoingPacket& packet, bool volatile_flag);
  // A packet of `size` bytes would take what waits for `s`'s client (`buffered`) past the budget.
  SendStatus over_budget(SocketState& s, std::size_t buffered, std::size_t size);
  // An event (or reply) packet of namespace `nsp` whose arguments `write_args` writes.
  protocol::OutgoingPacket make_packet(protocol::PacketType type, const std::string& nsp, std::optional<std::uint64_t> id,
                                       std::string_view event, FunctionRef<void(PayloadWriter&)> write_args);
  // Waits for reply `id` (a new ack id of the namespace when empty) on `s`. Returns the id.
  std::uint64_t add_pending_reply(SocketState& s, ReplyFn fn, std::optional<std::chrono::milliseconds> timeout,
                                  std::optional<std::uint64_t> id = {});
  void fail_reply(SocketState& s, std::uint64_t id, error e);
  SendStatus emit_to(SocketState& s, std::string_view event, FunctionRef<void(PayloadWriter&)> write_args, ReplyFn reply,
                     std::optional<std::chrono::milliseconds> timeout, bool volatile_flag);
  SendStatus send_ack(SocketState& s, std::uint64_t id, FunctionRef<void(PayloadWriter&)> write_args);
  std::size_t broadcast(NamespaceState& nsp, const BroadcastOptions& opts, std::string_view event,
                        FunctionRef<void(PayloadWriter&)> write_args, RepliesFn replies);
  // Namespace::server_side_emit: the event goes to the other servers' namespace `nsp`.
  void server_side_emit(NamespaceState& nsp, std::string_view event, FunctionRef<void(PayloadWriter&)> write_args,
                        RepliesFn replies, std::optional<std::chrono::milliseconds> timeout);
  // An event another server sent to `nsp` (AdapterHost::on_server_side_emit).
  void on_server_side_emit(NamespaceState& nsp, const protocol::OutgoingPacket& packet,
                           std::function<void(const Args&)> reply);

  // ---- closing (server_core.cpp) ----
  // Ends one socket: "disconnecting", leave every room, "disconnect", then drops its handlers.
  void close_socket(SocketState& s, DisconnectReason reason);
  void fire_reason(SocketState& s, bool disconnecting, DisconnectReason reason);
  // Server-side disconnect of one namespace, or of the whole connection with `close`.
  void disconnect(SocketState& s, bool close);
  // Closes a whole connection, telling its sockets `reason` first.
  void close_client(Client& client, DisconnectReason reason);
  // io.close(): every socket learns "server shutting down", then the connections close.
  void close();
  // io.close() that waits up to `grace` for what is queued to reach the clients; `done` as
  // engineio::Server::shut_down.
  void close(std::chrono::milliseconds grace, std::function<void(std::error_code)> done);
  // The server is being destroyed: every handle is cut loose without calling the application.
  void detach_all();

  // Deliveries to many sockets under way (AdapterHost::begin_deliveries): closes wait for them.
  void begin_deliveries() noexcept { ++delivering_; }
  void end_deliveries() noexcept { --delivering_; }

 private:
  // What both close() do first: sockets disconnect ("server shutting down"), adapters close, and
  // nothing clients send is read any more.
  void end_sockets();
  bool serve_client(transport::HttpExchange& ex) const { return client_file_.serve(options_.path, ex); }

  ServerOptions options_;
  std::shared_ptr<const protocol::Parser> parser_;
  engineio::Server* engine_ = nullptr;
  std::shared_ptr<ServerLink> link_;
  std::map<std::string, std::shared_ptr<NamespaceState>, std::less<>> nsps_;
  SidGenerator random_;
  std::size_t json_capacity_ = 64;  // room reserved for the next payload
  int delivering_ = 0;
  std::size_t unconnected_ = 0;  // clients that have not connected a namespace yet
  bool closed_ = false;          // close() was called
  ClientFile client_file_;
};

}  // namespace sio::detail
