#pragma once
/// \file
/// sio::Server: a Socket.IO v4 server over a transport, with the API of Node's `socket.io`.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/dispatch.hpp>
#include <asio/io_context.hpp>

#include "sio/engineio/server.hpp"
#include "sio/error.hpp"
#include "sio/namespace.hpp"
#include "sio/operators.hpp"
#include "sio/options.hpp"
#include "sio/socket.hpp"
#include "sio/socketio/server_core.hpp"

namespace sio {

/// A Socket.IO server (Node's `io`) over `Transport`: `sio::transport::websocketpp` for real
/// network traffic, `sio::transport::memory` for tests.
///
/// \code
/// asio::io_context ioc;
/// sio::Server<sio::transport::websocketpp> io(ioc);
/// io.on("connection", [](sio::Socket socket) { socket.emit("hello", "world"); });
/// io.listen(3000);
/// ioc.run();
/// \endcode
/// Handlers run on the thread running the io_context (the I/O thread), and calls are made there.
/// Emits (Socket, BroadcastOperator, Namespace, Server, with or without acknowledgement), Ack
/// replies, join/leave, disconnects, the operators' sockets_join / sockets_leave /
/// disconnect_sockets, the asynchronous fetch_sockets and server_side_emit may also be made from
/// any other thread: their arguments are copied and the call runs on the I/O thread. Anything
/// else goes through post(); each header says which of its calls are for the I/O thread.
template <class Transport>
class Server {
 public:
  /// A server with a transport of its own on `ioc`.
  /// \throws std::invalid_argument for invalid options.
  explicit Server(asio::io_context& ioc, ServerOptions options = {})
      : owned_transport_(std::make_unique<Transport>(ioc)), transport_(*owned_transport_), core_(std::move(options)) {
    start();
  }
  /// A server with a transport of its own on `ioc`, made as `Transport(ioc, transport_args...)`:
  /// the TLS context of sio::transport::websocketpp_tls, say, or a WebsocketppOptions.
  /// \code
  /// sio::Server<sio::transport::websocketpp_tls> io(ioc, {}, sio::transport::tls_from_files("cert.pem", "key.pem"));
  /// \endcode
  /// \throws std::invalid_argument for invalid options; whatever Transport's constructor throws.
  template <class TransportArg, class... MoreTransportArgs>
  Server(asio::io_context& ioc, ServerOptions options, TransportArg&& transport_arg,
         MoreTransportArgs&&... more_transport_args)
      : owned_transport_(std::make_unique<Transport>(ioc, std::forward<TransportArg>(transport_arg),
                                                     std::forward<MoreTransportArgs>(more_transport_args)...)),
        transport_(*owned_transport_),
        core_(std::move(options)) {
    start();
  }
  /// A server on an existing transport, which may carry other servers on other paths.
  /// \throws std::invalid_argument for invalid options.
  explicit Server(Transport& transport, ServerOptions options = {}) : transport_(transport), core_(std::move(options)) {
    start();
  }
  /// Closes every connection without calling the application's handlers (they may capture
  /// objects already destroyed); call close() first to have them told. Handles kept by the
  /// application stay safe: afterwards their calls do nothing and report it
  /// (SendStatus::disconnected, sio::error::server_gone), and replies still awaited complete
  /// with sio::error::server_gone.
  ~Server() {
    core_.detach_all();
    engine_.reset();
  }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Starts listening on `port` (0 picks a free one) at `address`; the transport must be able to listen.
  template <class T = Transport>
  std::error_code listen(std::uint16_t port, const std::string& address = "0.0.0.0") {
    return static_cast<T&>(transport_).listen(port, address);
  }

  /// The transport.
  Transport& transport() noexcept { return transport_; }
  /// The Engine.IO server underneath.
  engineio::Server& engine() noexcept { return *engine_; }
  /// The options in force.
  const ServerOptions& options() const noexcept { return core_.options(); }

  /// The namespace `name` ("/news"), created on first use. On the I/O thread (or while setting
  /// the server up); the handle it returns may then be used from any thread as documented.
  Namespace of(std::string_view name) { return Namespace(core_.of(name)); }
  /// The main namespace "/" (Node's `io.sockets`). Safe from any thread: it never looks the
  /// namespace up, so emits on the server from other threads race with no namespace being created.
  Namespace sockets() { return Namespace(main_); }

  /// Registers a "connection" handler on the main namespace.
  template <class F>
  Server& on(std::string_view event, F&& handler) {
    sockets().on(event, std::forward<F>(handler));
    return *this;
  }
  /// Adds a connection middleware to the main namespace.
  Server& use(std::function<void(Socket&, Next)> middleware) {
    sockets().use(std::move(middleware));
    return *this;
  }

  /// Members of `room` in the main namespace.
  BroadcastOperator to(std::string room) { return sockets().to(std::move(room)); }
  /// Members of several rooms.
  BroadcastOperator to(const std::vector<std::string>& rooms) { return sockets().to(rooms); }
  /// Same as to().
  BroadcastOperator in(std::string room) { return sockets().in(std::move(room)); }
  /// Everyone but the members of `room`.
  BroadcastOperator except(std::string room) { return sockets().except(std::move(room)); }
  /// Drop rather than queue for receivers that are not ready.
  BroadcastOperator volatile_() { return sockets().volatile_(); }
  /// Compression wish (kept for API parity).
  BroadcastOperator compress(bool on) { return sockets().compress(on); }
  /// Only this server.
  BroadcastOperator local() { return sockets().local(); }
  /// Reply timeout for an emit with a reply callback.
  BroadcastOperator timeout(std::chrono::milliseconds t) { return sockets().timeout(t); }
  /// Emits to every socket of the main namespace.
  template <class... A>
  std::size_t emit(std::string_view event, A&&... args) { return sockets().emit(event, std::forward<A>(args)...); }
  /// Emits to every socket of the main namespace and collects their replies through a
  /// completion token (see BroadcastOperator::emit_with_ack).
  template <class... A>
  auto emit_with_ack(std::string_view event, A&&... args_then_token) {
    return sockets().emit_with_ack(event, std::forward<A>(args_then_token)...);
  }
  /// Emits a "message" event to every socket of the main namespace.
  template <class... A>
  std::size_t send(A&&... args) { return sockets().send(std::forward<A>(args)...); }
  /// Every socket of the main namespace on this server, at once (on the I/O thread).
  std::vector<Socket> fetch_sockets() { return sockets().fetch_sockets(); }
  /// Every socket of the main namespace on every server, through the adapter (see
  /// BroadcastOperator::fetch_sockets(Token)).
  template <class Token>
  auto fetch_sockets(Token&& token) { return sockets().fetch_sockets(std::forward<Token>(token)); }
  /// Sends an event to the main namespace of every other server (see Namespace::server_side_emit).
  template <class... A>
  void server_side_emit(std::string_view event, A&&... args) { sockets().server_side_emit(event, std::forward<A>(args)...); }
  /// server_side_emit() with the replies through a completion token (see Namespace::server_side_emit_with_ack).
  template <class... A>
  auto server_side_emit_with_ack(std::string_view event, A&&... args_then_token) {
    return sockets().server_side_emit_with_ack(event, std::forward<A>(args_then_token)...);
  }
  /// Makes every socket of the main namespace join rooms.
  void sockets_join(const std::vector<std::string>& rooms) { sockets().sockets_join(rooms); }
  /// Makes every socket of the main namespace leave rooms.
  void sockets_leave(const std::vector<std::string>& rooms) { sockets().sockets_leave(rooms); }
  /// Disconnects every socket of the main namespace.
  void disconnect_sockets(bool close = false) { sockets().disconnect_sockets(close); }

  /// Runs `fn` on the I/O thread. Safe to call from any thread: the way to reach the server from
  /// a worker thread for anything other than emits and replies (which are safe as they are).
  void post(std::function<void()> fn) { core_.post(std::move(fn)); }

  /// Closes the server at once: every socket is disconnected with "server shutting down" and
  /// every connection closed; the path stops answering. What is queued for a client goes out only
  /// where the transport can still write it now (a WebSocket's queue, a waiting polling GET); to
  /// wait for the rest, use close(grace, token). A server with a transport of its own also stops
  /// listening, so the port is free again; a shared transport keeps listening for the other
  /// servers on it.
  void close() {
    core_.close();
    stop_listening();
  }

  /// Closes the server gracefully, Node's `io.close(callback)` with a deadline:
  /// - at once, new sessions are refused (HTTP 400); the port stays open until the completion,
  ///   because a polling client collects what is queued for it with further requests (and a
  ///   websocketpp transport serves one request per connection);
  /// - every socket is disconnected with "server shutting down" (its "disconnecting" and
  ///   "disconnect" handlers run now, pending reply callbacks get sio::error::socket_gone);
  /// - what is queued for each client is delivered, followed by the close: a WebSocket writes its
  ///   queue and finishes its closing handshake, a polling client gets its queue and the close
  ///   packet with its next GET; nothing a client sends is read any more;
  /// - the token completes with `void(std::error_code)` once every connection is done (empty
  ///   code), or when `grace` has passed first (sio::error::timeout: the connections left are cut
  ///   off, and what they had queued is lost). A server with a transport of its own closes its
  ///   transport then (the port is released); a shared transport keeps listening for the other
  ///   servers on it.
  /// No handler of the application runs after the completion, which is never made inside this
  /// call. If the server is destroyed first, the token completes with sio::error::server_gone.
  /// \code
  /// io.close(std::chrono::seconds(5), [](std::error_code ec) {
  ///   if (ec) std::cerr << "some clients were cut off: " << ec.message() << "\n";
  /// });
  /// \endcode
  template <class Token>
  auto close(std::chrono::milliseconds grace, Token&& token) {
    return asio::async_initiate<Token, void(std::error_code)>(
        [this, grace](auto handler) {
          // std::function needs a copyable callable; completion handlers may be move-only.
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          core_.close(grace, [this, shared](std::error_code ec) {
            if (ec != error::server_gone) close_owned_transport();
            auto executor = asio::get_associated_executor(*shared);
            asio::dispatch(executor, [shared, ec]() mutable { std::move(*shared)(ec); });
          });
        },
        token);
  }

 private:
  void start() {
    engine_ = std::make_unique<engineio::Server>(transport_, core_.options().path, core_.engine_options(), core_);
    core_.attach(
        *engine_, [this](std::function<void()> fn) { transport_.post(std::move(fn)); },
        [this] { return transport_.running_in_this_thread(); });
    main_ = core_.of("/");
  }

  void stop_listening() {
    if constexpr (can_stop_listening<Transport>::value) {
      if (owned_transport_) owned_transport_->stop_listening();
    }
  }
  void close_owned_transport() {
    if constexpr (can_close<Transport>::value) {
      if (owned_transport_) owned_transport_->close();
    }
  }

  template <class T, class = void>
  struct can_close : std::false_type {};
  template <class T>
  struct can_close<T, std::void_t<decltype(std::declval<T&>().close())>> : std::true_type {};
  template <class T, class = void>
  struct can_stop_listening : std::false_type {};
  template <class T>
  struct can_stop_listening<T, std::void_t<decltype(std::declval<T&>().stop_listening())>> : std::true_type {};

  std::unique_ptr<Transport> owned_transport_;
  Transport& transport_;
  detail::ServerCore core_;
  std::shared_ptr<detail::NamespaceState> main_;  // "/", kept so that sockets() needs no lookup
  std::unique_ptr<engineio::Server> engine_;
};

}  // namespace sio
