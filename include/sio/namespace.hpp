#pragma once
/// \file
/// sio::Namespace: a communication channel multiplexed on each client connection (`io.of("/news")`).

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sio/operators.hpp"
#include "sio/socket.hpp"

namespace sio {

/// One namespace of a server: its middleware, its connection handlers and its sockets.
/// A cheap handle, valid as long as its server.
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
  explicit Namespace(detail::NamespaceState* state) noexcept : state_(state) {}

  /// The name, e.g. "/" or "/news".
  std::string_view name() const noexcept;

  /// Registers a handler for "connection" (or its alias "connect"): `(Socket)`.
  /// \throws std::invalid_argument for another event name.
  template <class F>
  Namespace& on(std::string_view event, F&& handler) {
    static_assert(std::is_invocable_v<std::decay_t<F>&, Socket&>, "sio: a connection handler takes (sio::Socket)");
    add_connection_handler(event, [f = std::forward<F>(handler)](Socket& s) mutable { f(s); });
    return *this;
  }
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

  /// Every socket (`fetchSockets`).
  std::vector<Socket> fetch_sockets() const { return all().fetch_sockets(); }
  /// Makes every socket join rooms.
  void sockets_join(const std::vector<std::string>& rooms) const { all().sockets_join(rooms); }
  /// Makes every socket leave rooms.
  void sockets_leave(const std::vector<std::string>& rooms) const { all().sockets_leave(rooms); }
  /// Disconnects every socket.
  void disconnect_sockets(bool close = false) const { all().disconnect_sockets(close); }

  /// The connected socket with this id, or an empty handle.
  Socket socket(std::string_view id) const;
  /// Number of connected sockets.
  std::size_t size() const noexcept;
  /// The namespace's adapter (its room index).
  Adapter& adapter() const noexcept;

 private:
  void add_connection_handler(std::string_view event, std::function<void(Socket&)> fn);
  detail::NamespaceState* state_;
};

}  // namespace sio

#include "sio/detail/core.hpp"
