#pragma once
/// \file
/// sio::Namespace: a communication channel multiplexed on each client connection (`io.of("/news")`).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "sio/fwd.hpp"
#include "sio/operators.hpp"
#include "sio/socket.hpp"

namespace sio {

/// One namespace of a server: its middleware, its connection handlers, its sockets, and the
/// events other servers send it. A cheap handle; it may outlive its server (emits then reach
/// nobody, and completion handlers get sio::error::server_gone).
///
/// Threads: the emits, the operators and what they return, server_side_emit and the
/// asynchronous fetch_sockets are safe from any thread; on(), use(), socket(), size(),
/// adapter() and the synchronous fetch_sockets() are for the I/O thread.
///
/// \code
/// auto news = io.of("/news");
/// news.use([](sio::Socket s, sio::Next next) { next(); });
/// news.on("connection", [](sio::Socket s) { s.send("welcome to /news"); });
/// news.to("sports").emit("score", 2, 1);
/// \endcode
class Namespace {
 public:
  /// A handle to `state`.
  explicit Namespace(std::shared_ptr<detail::NamespaceState> state) noexcept : state_(std::move(state)) {}

  /// The name, e.g. "/" or "/news".
  std::string_view name() const noexcept;

  /// Registers a handler for "connection" (or its alias "connect"): `(Socket)`. Any other event
  /// name registers a handler for that event sent by another server with server_side_emit:
  /// `(Args)`, `(Args, Ack)` (the Ack answers the sending server) or `()`.
  template <class F>
  Namespace& on(std::string_view event, F&& handler);
  /// Adds a connection middleware `(Socket, Next)`: call `next()` to let the client in,
  /// `next(sio::ConnectError("..."))` to refuse it (the client gets `connect_error`).
  Namespace& use(std::function<void(Socket&, Next)> middleware);

  /// Every socket of the namespace.
  BroadcastOperator all() const { return BroadcastOperator(state_); }
  /// Members of `room`.
  BroadcastOperator to(std::string room) const { return all().to(std::move(room)); }
  /// Members of several rooms (each once).
  BroadcastOperator to(const std::vector<std::string>& rooms) const { return all().to(rooms); }
  /// Same as to().
  BroadcastOperator in(std::string room) const { return all().to(std::move(room)); }
  /// Everyone but the members of `room`.
  BroadcastOperator except(std::string room) const { return all().except(std::move(room)); }
  /// Drop rather than queue for receivers that are not ready.
  BroadcastOperator volatile_() const { return all().volatile_(); }
  /// Compression wish (kept for API parity).
  BroadcastOperator compress(bool on) const { return all().compress(on); }
  /// Only this server.
  BroadcastOperator local() const { return all().local(); }
  /// Reply timeout for an emit with a reply callback.
  BroadcastOperator timeout(std::chrono::milliseconds t) const { return all().timeout(t); }

  /// Emits to every socket of the namespace (see BroadcastOperator::emit).
  template <class... A>
  std::size_t emit(std::string_view event, A&&... args) const { return all().emit(event, std::forward<A>(args)...); }
  /// Emits to every socket and collects their replies through a completion token (see
  /// BroadcastOperator::emit_with_ack).
  template <class... A>
  auto emit_with_ack(std::string_view event, A&&... args_then_token) const {
    return all().emit_with_ack(event, std::forward<A>(args_then_token)...);
  }
  /// Emits a "message" event to every socket.
  template <class... A>
  std::size_t send(A&&... args) const { return all().send(std::forward<A>(args)...); }

  /// Every socket of this server, at once (see BroadcastOperator::fetch_sockets()).
  std::vector<Socket> fetch_sockets() const { return all().fetch_sockets(); }
  /// Every socket of every server, through the adapter (see BroadcastOperator::fetch_sockets(Token)).
  template <class Token>
  auto fetch_sockets(Token&& token) const { return all().fetch_sockets(std::forward<Token>(token)); }
  /// Makes every socket join rooms.
  void sockets_join(const std::vector<std::string>& rooms) const { all().sockets_join(rooms); }
  /// Makes every socket leave rooms.
  void sockets_leave(const std::vector<std::string>& rooms) const { all().sockets_leave(rooms); }
  /// Disconnects every socket.
  void disconnect_sockets(bool close = false) const { all().disconnect_sockets(close); }

  /// Sends `event` to this namespace on every other server of the cluster (Node's
  /// `serverSideEmit`), whose Namespace::on(event) handlers receive it; this server's do not.
  /// With a last argument `(std::error_code, std::vector<Args>)`, their replies are collected:
  /// one per handler that answered, or sio::error::timeout with those that came (the adapter's
  /// request timeout bounds the wait). With one server the callback gets no reply at once.
  template <class... A>
  void server_side_emit(std::string_view event, A&&... args) const;
  /// server_side_emit() with the replies delivered through the completion token given last,
  /// with the signature `void(std::error_code, std::vector<sio::Args>)`.
  template <class... A>
  auto server_side_emit_with_ack(std::string_view event, A&&... args_then_token) const;

  /// The connected socket of this server with this id, or an empty handle.
  Socket socket(std::string_view id) const;
  /// Number of sockets connected to this server.
  std::size_t size() const noexcept;
  /// The namespace's adapter. \throws std::logic_error once the server is gone.
  Adapter& adapter() const;

 private:
  template <class Tuple, std::size_t... I>
  auto server_side_ack_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const;
  template <class Tuple, std::size_t... I>
  void server_side_emit_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const;
  void add_connection_handler(std::string_view event, std::function<void(Socket&)> fn);
  void add_server_handler(std::string_view event, std::function<void(Args&, Ack&)> fn);
  void server_side_impl(std::string_view event, detail::FunctionRef<void(detail::PayloadWriter&)> write,
                        std::function<void(std::error_code, std::vector<Args>&)> replies) const;
  bool on_io_thread() const noexcept;
  bool post(std::function<void()> fn) const;

  std::shared_ptr<detail::NamespaceState> state_;
};

}  // namespace sio

#include "sio/impl/namespace.hpp"
