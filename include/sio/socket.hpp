#pragma once
/// \file
/// sio::Socket: one client connected to one namespace (Node's `socket`), and sio::SocketEmitter,
/// its emit with flags.
///
/// Threads: emit(), emit_with_ack(), join(), leave(), disconnect() and the flag setters are safe
/// from any thread (off the I/O thread they run later on it); id() and nsp() too. Everything else
/// is for the I/O thread (handlers run there), or for the thread setting the server up before it
/// serves its first connection, and asserts so in debug builds.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "sio/ack.hpp"
#include "sio/args.hpp"
#include "sio/disconnect_reason.hpp"
#include "sio/detail/function_ref.hpp"
#include "sio/fwd.hpp"
#include "sio/handshake.hpp"
#include "sio/middleware.hpp"
#include "sio/send_status.hpp"

namespace sio {

namespace detail {
class PayloadWriter;
}  // namespace detail

/// An event as a `socket.use` middleware sees it.
struct Event {
  std::string_view name;  ///< Event name.
  Args args;              ///< Its arguments.
  Ack ack;                ///< Its acknowledgement (empty when the client asked for none).
};

/// Emits to one socket with flags set: `socket.timeout(5s).emit(...)`, `socket.volatile_().emit(...)`.
/// Safe to use from any thread: off the I/O thread the arguments are copied and the emit runs on it.
class SocketEmitter {
 public:
  /// Emitter for `socket` with no flags.
  explicit SocketEmitter(std::shared_ptr<detail::SocketState> socket) noexcept : socket_(std::move(socket)) {}
  /// The reply callback gets `sio::error::timeout` when no reply came within `timeout`.
  SocketEmitter timeout(std::chrono::milliseconds timeout) const { auto e = *this; e.timeout_ = timeout; return e; }
  /// Drops the packet instead of queueing it when the client is not ready to receive.
  SocketEmitter volatile_() const { auto e = *this; e.volatile_flag_ = true; return e; }
  /// Whether the packet may be compressed (kept for API parity; sio sends uncompressed frames).
  SocketEmitter compress(bool on) const { auto e = *this; e.compress_ = on; return e; }

  /// Emits `event` with `args`. When the last argument is callable it is the reply callback:
  /// `(std::error_code, sio::Args)` gets an error on timeout or disconnection, `(sio::Args)` only
  /// the reply. Arguments: C++ scalars and strings, nullptr, sio::Binary, sio::Value /
  /// sio::object / sio::array, RapidJSON values, and sio::Args (spliced). Strings, the event name
  /// included, are UTF-8; bytes that are not are sent repaired (each ill-formed sequence as
  /// U+FFFD, see sio::Value), so the frame is always valid UTF-8.
  template <class... A>
  SendStatus emit(std::string_view event, A&&... args) const;

  /// Emits `event` with `args` and asks for a reply, delivered through the Asio completion token
  /// given as the last argument, with the signature `void(std::error_code, sio::Args)`:
  /// a callback, `asio::use_future`, `asio::use_awaitable`, `asio::deferred`...
  /// The error is sio::error::timeout (with timeout()), sio::error::socket_gone, or
  /// sio::error::dropped (volatile_() while the client was not ready).
  /// \code
  /// // C++20, inside an asio::awaitable<void> coroutine:
  /// auto [ec, reply] = co_await socket.timeout(5s).emit_with_ack(
  ///     "question", "ok?", asio::experimental::as_tuple(asio::use_awaitable));  // Asio 1.22
  /// \endcode
  template <class... A>
  auto emit_with_ack(std::string_view event, A&&... args_then_token) const;

 private:
  template <class Tuple, std::size_t... I>
  auto emit_with_ack_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const;
  template <class Tuple, std::size_t... I>
  SendStatus emit_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const;

  SendStatus emit_impl(std::string_view event, detail::FunctionRef<void(detail::PayloadWriter&)> write,
                       std::function<void(std::error_code, Args&)> reply) const;
  bool on_io_thread() const noexcept;
  bool post(std::function<void()> fn) const;

  std::shared_ptr<detail::SocketState> socket_;
  std::optional<std::chrono::milliseconds> timeout_;
  bool volatile_flag_ = false;
  bool compress_ = true;
};

/// One client connected to one namespace. A cheap handle: copy it into lambdas freely.
///
/// A handle that outlives its connection is safe: emit() then returns SendStatus::disconnected.
/// \code
/// io.on("connection", [](sio::Socket socket) {
///   socket.emit("welcome", "hello", 42);
///   socket.on("chat", [](sio::Socket s, sio::Args args, sio::Ack ack) {
///     s.broadcast().emit("chat", args);
///     if (ack) ack("ok");
///   });
///   socket.on("disconnect", [](sio::Socket s, sio::DisconnectReason reason) {});
/// });
/// \endcode
class Socket {
 public:
  /// An empty handle.
  Socket() = default;
  /// A handle to `state`.
  explicit Socket(std::shared_ptr<detail::SocketState> state) noexcept : state_(std::move(state)) {}

  /// The socket id (20 characters), unique per namespace connection.
  const std::string& id() const noexcept;
  /// The namespace's name, e.g. "/" or "/news".
  std::string_view nsp() const noexcept;
  /// True while the socket is connected.
  bool connected() const noexcept;
  /// The handshake data.
  Handshake handshake() const noexcept { return Handshake(state_); }
  /// The id of the underlying Engine.IO connection (shared by the client's namespaces).
  std::string_view conn_id() const noexcept;

  /// Rooms the socket is in, its own id room included.
  std::vector<std::string> rooms() const;

  /// Bytes waiting to be sent to the client: its polling queue, or what its WebSocket has not
  /// handed to the kernel yet. Shared by the client's namespaces (one connection). 0 once the
  /// socket is disconnected. ServerOptions::max_buffered_bytes bounds it. I/O thread only.
  std::size_t buffered_amount() const noexcept;
  /// Joins a room (no-op when already in it or disconnected).
  void join(const std::string& room);
  /// Joins several rooms.
  void join(const std::vector<std::string>& rooms);
  /// Leaves a room.
  void leave(const std::string& room);

  /// Registers a handler for `event`. Accepted signatures, by what they take:
  /// `(Socket, Args, Ack)`, `(Socket, Args)`, `(Socket, Ack)`, `(Args, Ack)`, `(Args)`, `(Socket)`, `()`.
  /// For "disconnecting" and "disconnect": `(Socket, DisconnectReason)`, `(DisconnectReason)`,
  /// `(Socket, std::string_view reason)` or `(std::string_view reason)` (Node's reason strings).
  /// For "error" (raised by `use()` middleware): `(Socket, const ConnectError&)` or `(const ConnectError&)`.
  /// \throws std::invalid_argument when the signature does not fit the event.
  template <class F>
  Socket& on(std::string_view event, F&& handler);
  /// Like on(), removed after its first call.
  template <class F>
  Socket& once(std::string_view event, F&& handler);
  /// Removes every handler of `event`.
  Socket& off(std::string_view event);
  /// Registers a handler for every event (`onAny`): `(Socket, std::string_view event, Args)`.
  Socket& on_any(std::function<void(Socket&, std::string_view, Args&)> handler);
  /// Registers a handler that runs when everything sent to the client has been written out
  /// (buffered_amount() is 0 again) after this socket sent something or had a packet refused
  /// (SendStatus::queue_full): the moment to resume a stream paused for a slow client. Not an
  /// event name, so a client event called "drain" stays the application's. I/O thread only.
  ///
  /// \code
  /// if (socket.emit("frame", chunk) == sio::SendStatus::queue_full) paused = true;
  /// socket.on_drain([&](sio::Socket& s) { paused = false; send_more(s); });
  /// \endcode
  Socket& on_drain(std::function<void(Socket&)> handler);
  /// Per-packet middleware, run before the handlers: `(Event&, Next)`. `next(ConnectError)` stops
  /// the packet and raises "error" on the socket.
  Socket& use(std::function<void(Event&, Next)> middleware);

  /// Emits `event` to this client. See SocketEmitter::emit for arguments and reply callbacks.
  template <class... A>
  SendStatus emit(std::string_view event, A&&... args) const {
    return SocketEmitter(state_).emit(event, std::forward<A>(args)...);
  }
  /// Emits `event` and delivers the reply through the completion token given last (see
  /// SocketEmitter::emit_with_ack).
  template <class... A>
  auto emit_with_ack(std::string_view event, A&&... args_then_token) const {
    return SocketEmitter(state_).emit_with_ack(event, std::forward<A>(args_then_token)...);
  }
  /// Emits a "message" event.
  template <class... A>
  SendStatus send(A&&... args) const { return emit("message", std::forward<A>(args)...); }
  /// Flags for the next emit: a reply timeout.
  SocketEmitter timeout(std::chrono::milliseconds t) const { return SocketEmitter(state_).timeout(t); }
  /// Flags for the next emit: drop rather than queue when the client is not ready.
  SocketEmitter volatile_() const { return SocketEmitter(state_).volatile_(); }
  /// Flags for the next emit: compression (kept for API parity).
  SocketEmitter compress(bool on) const { return SocketEmitter(state_).compress(on); }

  /// Broadcast to a room's members except this socket.
  BroadcastOperator to(std::string room) const;
  /// Same as to().
  BroadcastOperator in(std::string room) const;
  /// Broadcast to everyone in the namespace but the members of `room` and this socket.
  BroadcastOperator except(std::string room) const;
  /// Broadcast to everyone in the namespace but this socket.
  BroadcastOperator broadcast() const;

  /// Disconnects from this namespace (the client sees "io server disconnect"); with `close`,
  /// closes the whole connection and every namespace on it.
  void disconnect(bool close = false);

  /// Arbitrary application data attached to the socket (null until set). It stays on this
  /// server; see shared_data() for what other servers see. On the I/O thread only.
  std::shared_ptr<void>& data();
  /// The part of the socket's data that other servers see in fetch_sockets() (Node's
  /// `socket.data` as it crosses servers): JSON text, empty for none. On the I/O thread only.
  const std::string& shared_data() const noexcept;
  /// Sets shared_data() to `json` (JSON text, e.g. `{"user":"alice"}`). On the I/O thread only.
  void set_shared_data(std::string json);

  /// True for a non-empty handle.
  explicit operator bool() const noexcept { return state_ != nullptr; }
  /// Same socket.
  friend bool operator==(const Socket& a, const Socket& b) noexcept { return a.state_ == b.state_; }
  /// Different sockets.
  friend bool operator!=(const Socket& a, const Socket& b) noexcept { return a.state_ != b.state_; }

  /// The state behind the handle (for sio's own layers).
  const std::shared_ptr<detail::SocketState>& state() const noexcept { return state_; }
  /// Describes the socket as fetch_sockets() does for any server: id, handshake, rooms,
  /// shared_data(). Empty once the socket is disconnected. On the I/O thread only.
  SocketDetails details() const;

 private:
  void add_handler(std::string_view event, std::function<void(Socket&, Args&, Ack&)> fn, bool once);
  void add_reason_handler(std::string_view event, std::function<void(Socket&, DisconnectReason)> fn, bool once);
  void add_error_handler(std::function<void(Socket&, const ConnectError&)> fn, bool once);
  template <class F>
  Socket& register_handler(std::string_view event, F&& handler, bool once);

  std::shared_ptr<detail::SocketState> state_;
};

}  // namespace sio

#include "sio/impl/socket.hpp"
