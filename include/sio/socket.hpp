#pragma once
/// \file
/// sio::Socket: one client connected to one namespace, and the small types its API uses.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/dispatch.hpp>

#include "sio/args.hpp"
#include "sio/detail/function_ref.hpp"
#include "sio/detail/payload_writer.hpp"
#include "sio/error.hpp"
#include "sio/transport/transport.hpp"
#include "sio/value.hpp"

namespace sio {

namespace detail {
struct SocketState;
struct NamespaceState;
class ServerCore;
}  // namespace detail

class Socket;
class BroadcastOperator;

/// Why a socket disconnected; to_string() gives Node's reason string.
enum class DisconnectReason : unsigned char {
  client_namespace_disconnect,  ///< The client left the namespace (`socket.disconnect()` on the client).
  server_namespace_disconnect,  ///< The server disconnected the socket (Socket::disconnect).
  transport_close,              ///< The client closed the connection, or its page went away.
  transport_error,              ///< The connection failed.
  ping_timeout,                 ///< The client did not answer a ping in time.
  parse_error,                  ///< The client sent something that does not parse.
  forced_close,                 ///< The server closed the Engine.IO connection under the socket.
  server_shutting_down,         ///< The server is closing (Server::close).
};

/// Node's string for `reason`, e.g. "ping timeout".
inline std::string_view to_string(DisconnectReason reason) noexcept {
  switch (reason) {
    case DisconnectReason::client_namespace_disconnect: return "client namespace disconnect";
    case DisconnectReason::server_namespace_disconnect: return "server namespace disconnect";
    case DisconnectReason::transport_close: return "transport close";
    case DisconnectReason::transport_error: return "transport error";
    case DisconnectReason::ping_timeout: return "ping timeout";
    case DisconnectReason::parse_error: return "parse error";
    case DisconnectReason::forced_close: return "forced close";
    case DisconnectReason::server_shutting_down: return "server shutting down";
  }
  return "transport close";
}

/// What happened to a packet handed to emit().
enum class SendStatus {
  sent,          ///< Handed to the transport.
  queued,        ///< Queued until the transport can take it (a long-polling client between requests).
  dropped,       ///< Not sent: a volatile packet while the client was not ready.
  disconnected,  ///< Not sent: the socket is no longer connected.
};

/// An error a middleware passes to Next: the client receives it as `connect_error` with this
/// message and data (`err.message`, `err.data`).
///
/// \code
/// io.use([](sio::Socket s, sio::Next next) { next(sio::ConnectError("not authorized", sio::object{{"code", 42}})); });
/// \endcode
class ConnectError : public std::runtime_error {
 public:
  /// An error with a message and optional data (null for none).
  explicit ConnectError(std::string message, Value data = nullptr)
      : std::runtime_error(message), data_(std::move(data)) {}
  /// The `data` sent to the client beside the message.
  const Value& data() const noexcept { return data_; }

 private:
  Value data_;
};

/// Continues a middleware chain: `next()` passes, `next(ConnectError(...))` stops it.
/// Copyable; may be called later from any handler on the I/O thread; only the first call counts.
class Next {
 public:
  /// A continuation that runs `fn` once.
  explicit Next(std::shared_ptr<std::function<void(const ConnectError*)>> fn) noexcept : fn_(std::move(fn)) {}
  /// Passes to the next middleware (or finishes the chain).
  void operator()() const { call(nullptr); }
  /// Stops the chain with an error.
  void operator()(const ConnectError& err) const { call(&err); }

 private:
  void call(const ConnectError* err) const {
    if (!fn_ || !*fn_) return;
    auto fn = std::move(*fn_);
    *fn_ = nullptr;
    fn(err);
  }
  std::shared_ptr<std::function<void(const ConnectError*)>> fn_;
};

namespace detail {
// One reply a client waits for: shared by the copies of its sio::Ack, so that it is sent once
// and costs the socket nothing once every copy is gone.
struct AckState {
  AckState(std::weak_ptr<SocketState> s, std::uint64_t i) noexcept : socket(std::move(s)), id(i) {}
  std::weak_ptr<SocketState> socket;
  std::uint64_t id;
  std::atomic<bool> answered{false};
};
}  // namespace detail

/// Replies to an event the client sent with an acknowledgement callback.
///
/// `if (ack) ack("stored", 1);` — true only when the client asked for a reply and none was sent
/// yet. Copyable, and callable from any thread; the reply is sent once, later calls are ignored.
class Ack {
 public:
  /// No reply expected.
  Ack() = default;
  /// Reply `id` on `socket`.
  Ack(std::weak_ptr<detail::SocketState> socket, std::uint64_t id)
      : state_(std::make_shared<detail::AckState>(std::move(socket), id)) {}

  /// True when the client waits for this reply.
  explicit operator bool() const noexcept;
  /// Sends the reply with `args` (values as for Socket::emit; a sio::Args is spliced).
  /// \returns SendStatus::dropped when the reply was sent already.
  template <class... A>
  SendStatus operator()(A&&... args) const;

 private:
  SendStatus send(detail::FunctionRef<void(detail::PayloadWriter&)> write, bool claimed = false) const;
  bool on_io_thread() const noexcept;
  void post(std::function<void()> fn) const;
  std::shared_ptr<detail::AckState> state_;
};

/// An event as a `socket.use` middleware sees it.
struct Event {
  std::string_view name;  ///< Event name.
  Args args;              ///< Its arguments.
  Ack ack;                ///< Its acknowledgement (empty when the client asked for none).
};

/// The handshake of a socket's connection: what the client sent when it connected.
/// Valid while the socket is connected; afterwards headers and query read as empty.
class Handshake {
 public:
  /// A view of `socket`'s handshake.
  explicit Handshake(std::shared_ptr<const detail::SocketState> socket) noexcept : socket_(std::move(socket)) {}
  /// Request headers of the first HTTP request.
  const transport::Headers& headers() const noexcept;
  /// The value of a header (case-insensitive name), or empty.
  std::string_view header(std::string_view name) const noexcept;
  /// The raw query string of the first request.
  std::string_view query_string() const noexcept;
  /// A query parameter, percent-decoded, or nullopt when absent.
  std::optional<std::string> query(std::string_view name) const;
  /// The `auth` payload of the CONNECT packet (an empty object when none was sent).
  const rapidjson::Value& auth() const noexcept;
  /// Remote address of the client.
  std::string_view address() const noexcept;
  /// When the connection was opened.
  std::chrono::system_clock::time_point time() const noexcept;
  /// The request target (path and query) of the first request.
  std::string url() const;

 private:
  std::shared_ptr<const detail::SocketState> socket_;
};

/// Emits to one socket with flags set: `socket.timeout(5s).emit(...)`, `socket.volatile_().emit(...)`.
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
  /// sio::object / sio::array, RapidJSON values, and sio::Args (spliced).
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
  void post(std::function<void()> fn) const;

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

  /// Arbitrary application data attached to the socket (null until set).
  std::shared_ptr<void>& data();

  /// True for a non-empty handle.
  explicit operator bool() const noexcept { return state_ != nullptr; }
  /// Same socket.
  friend bool operator==(const Socket& a, const Socket& b) noexcept { return a.state_ == b.state_; }
  /// Different sockets.
  friend bool operator!=(const Socket& a, const Socket& b) noexcept { return a.state_ != b.state_; }

  /// The state behind the handle (for sio's own layers).
  const std::shared_ptr<detail::SocketState>& state() const noexcept { return state_; }

 private:
  void add_handler(std::string_view event, std::function<void(Socket&, Args&, Ack&)> fn, bool once);
  void add_reason_handler(std::string_view event, std::function<void(Socket&, DisconnectReason)> fn, bool once);
  void add_error_handler(std::function<void(Socket&, const ConnectError&)> fn, bool once);
  template <class F>
  Socket& register_handler(std::string_view event, F&& handler, bool once);

  std::shared_ptr<detail::SocketState> state_;
};

// ---- templates ----

namespace detail {
template <class T, class = void>
struct is_reply_callback : std::false_type {};
template <class T>
struct is_reply_callback<T, std::enable_if_t<std::is_invocable_v<T&, std::error_code, Args&> ||
                                             std::is_invocable_v<T&, Args&>>> : std::true_type {};

template <class T>
struct is_rapidjson_value : std::false_type {};
template <class E, class Al>
struct is_rapidjson_value<rapidjson::GenericValue<E, Al>> : std::true_type {};
template <class E, class Al, class S>
struct is_rapidjson_value<rapidjson::GenericDocument<E, Al, S>> : std::true_type {};

// An argument copied so that an emit made on another thread can run later on the I/O thread:
// views become strings, RapidJSON values become owning sio::Values.
template <class T>
auto capture_arg(T&& v) {
  using D = std::decay_t<T>;
  if constexpr (is_rapidjson_value<D>::value) return Value(static_cast<const rapidjson::Value&>(v));
  else if constexpr (std::is_same_v<D, const char*> || std::is_same_v<D, char*> || std::is_same_v<D, std::string_view>)
    return std::string(v);
  else return D(std::forward<T>(v));
}

template <class... A>
constexpr bool last_is_reply_callback() {
  if constexpr (sizeof...(A) == 0) {
    return false;
  } else {
    using Last = std::decay_t<std::tuple_element_t<sizeof...(A) - 1, std::tuple<A...>>>;
    return is_reply_callback<Last>::value;
  }
}

template <class F>
std::function<void(std::error_code, Args&)> make_reply(F&& f) {
  if constexpr (std::is_invocable_v<F&, std::error_code, Args&>) {
    return [f = std::forward<F>(f)](std::error_code ec, Args& a) mutable { f(ec, a); };
  } else {
    return [f = std::forward<F>(f)](std::error_code ec, Args& a) mutable {
      if (!ec) f(a);
    };
  }
}
}  // namespace detail

template <class... A>
SendStatus SocketEmitter::emit(std::string_view event, A&&... args) const {
  if (!on_io_thread()) {
    // Called from another thread: copy the arguments and emit on the I/O thread.
    post([self = *this, ev = std::string(event),
          captured = std::make_tuple(detail::capture_arg(std::forward<A>(args))...)]() mutable {
      std::apply([&](auto&... a) { self.emit(ev, std::move(a)...); }, captured);
    });
    return SendStatus::queued;
  }
  if constexpr (detail::last_is_reply_callback<A...>()) {
    return emit_tuple(event, std::forward_as_tuple(std::forward<A>(args)...),
                      std::make_index_sequence<sizeof...(A) - 1>{});
  } else {
    return emit_impl(event, [&](detail::PayloadWriter& w) { (w.argument(std::forward<A>(args)), ...); }, nullptr);
  }
}

template <class... A>
SendStatus Ack::operator()(A&&... args) const {
  if (!on_io_thread()) {
    if (!state_ || state_->answered.exchange(true)) return SendStatus::dropped;
    post([self = *this, captured = std::make_tuple(detail::capture_arg(std::forward<A>(args))...)]() mutable {
      std::apply([&](auto&... a) { self.send([&](detail::PayloadWriter& w) { (w.argument(std::move(a)), ...); }, true); },
                 captured);
    });
    return SendStatus::queued;
  }
  return send([&](detail::PayloadWriter& w) { (w.argument(std::forward<A>(args)), ...); });
}

template <class... A>
auto SocketEmitter::emit_with_ack(std::string_view event, A&&... args_then_token) const {
  static_assert(sizeof...(A) >= 1, "sio: emit_with_ack takes a completion token as its last argument");
  return emit_with_ack_tuple(event, std::forward_as_tuple(std::forward<A>(args_then_token)...),
                             std::make_index_sequence<sizeof...(A) - 1>{});
}

namespace detail {
// Waits for a reply the Asio way: `start(callback)` registers `callback(std::error_code, Reply&)`,
// which completes the token's handler on the handler's own executor.
template <class Reply, class Token, class Start>
auto async_reply(Token&& token, Start&& start) {
  return asio::async_initiate<Token, void(std::error_code, Reply)>(
      [&start](auto handler) {
        // std::function needs a copyable callable; completion handlers may be move-only.
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        start([shared](std::error_code ec, Reply& reply) {
          auto executor = asio::get_associated_executor(*shared);
          asio::dispatch(executor, [shared, ec, reply]() mutable { std::move(*shared)(ec, std::move(reply)); });
        });
      },
      token);
}
}  // namespace detail

template <class Tuple, std::size_t... I>
auto SocketEmitter::emit_with_ack_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const {
  constexpr std::size_t last = std::tuple_size_v<std::decay_t<Tuple>> - 1;
  return detail::async_reply<Args>(std::get<last>(std::forward<Tuple>(t)), [&](auto callback) {
    emit_impl(
        event, [&](detail::PayloadWriter& w) { (w.argument(std::get<I>(std::forward<Tuple>(t))), ...); },
        std::move(callback));
  });
}

template <class Tuple, std::size_t... I>
SendStatus SocketEmitter::emit_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const {
  constexpr std::size_t last = std::tuple_size_v<std::decay_t<Tuple>> - 1;
  auto reply = detail::make_reply(std::get<last>(std::forward<Tuple>(t)));
  return emit_impl(
      event, [&](detail::PayloadWriter& w) { (w.argument(std::get<I>(std::forward<Tuple>(t))), ...); },
      std::move(reply));
}

template <class F>
Socket& Socket::on(std::string_view event, F&& handler) {
  return register_handler(event, std::forward<F>(handler), false);
}

template <class F>
Socket& Socket::once(std::string_view event, F&& handler) {
  return register_handler(event, std::forward<F>(handler), true);
}

template <class F>
Socket& Socket::register_handler(std::string_view event, F&& h, bool once) {
  using Fn = std::decay_t<F>;
  constexpr bool typed_socket = std::is_invocable_v<Fn&, Socket&, DisconnectReason>;
  constexpr bool typed_only = std::is_invocable_v<Fn&, DisconnectReason>;
  constexpr bool reason_socket = typed_socket || std::is_invocable_v<Fn&, Socket&, std::string_view>;
  constexpr bool reason_only = typed_only || std::is_invocable_v<Fn&, std::string_view>;
  constexpr bool error_socket = std::is_invocable_v<Fn&, Socket&, const ConnectError&>;
  constexpr bool error_only = std::is_invocable_v<Fn&, const ConnectError&>;
  constexpr bool ev_socket_args_ack = std::is_invocable_v<Fn&, Socket&, Args&, Ack&>;
  constexpr bool ev_socket_args = std::is_invocable_v<Fn&, Socket&, Args&>;
  constexpr bool ev_socket_ack = std::is_invocable_v<Fn&, Socket&, Ack&>;
  constexpr bool ev_args_ack = std::is_invocable_v<Fn&, Args&, Ack&>;
  constexpr bool ev_args = std::is_invocable_v<Fn&, Args&>;
  constexpr bool ev_socket = std::is_invocable_v<Fn&, Socket&>;
  constexpr bool ev_none = std::is_invocable_v<Fn&>;
  constexpr bool any_event =
      ev_socket_args_ack || ev_socket_args || ev_socket_ack || ev_args_ack || ev_args || ev_socket || ev_none;
  static_assert(reason_socket || reason_only || error_socket || error_only || any_event,
                "sio: an event handler takes (Socket, Args, Ack), (Socket, Args), (Socket, Ack), (Args, Ack), (Args), "
                "(Socket) or (); a \"disconnect\" handler (Socket, std::string_view) or (std::string_view); an "
                "\"error\" handler (Socket, const ConnectError&) or (const ConnectError&)");

  if (event == "disconnect" || event == "disconnecting") {
    if constexpr (typed_socket) {
      add_reason_handler(event, [f = std::forward<F>(h)](Socket& s, DisconnectReason r) mutable { f(s, r); }, once);
    } else if constexpr (typed_only) {
      add_reason_handler(event, [f = std::forward<F>(h)](Socket&, DisconnectReason r) mutable { f(r); }, once);
    } else if constexpr (reason_socket) {
      add_reason_handler(event, [f = std::forward<F>(h)](Socket& s, DisconnectReason r) mutable { f(s, to_string(r)); }, once);
    } else if constexpr (reason_only) {
      add_reason_handler(event, [f = std::forward<F>(h)](Socket&, DisconnectReason r) mutable { f(to_string(r)); }, once);
    } else if constexpr (ev_socket) {
      add_reason_handler(event, [f = std::forward<F>(h)](Socket& s, DisconnectReason) mutable { f(s); }, once);
    } else if constexpr (ev_none) {
      add_reason_handler(event, [f = std::forward<F>(h)](Socket&, DisconnectReason) mutable { f(); }, once);
    } else {
      throw std::invalid_argument("sio: a \"" + std::string(event) +
                                  "\" handler takes (Socket, std::string_view reason) or (std::string_view reason)");
    }
    return *this;
  }
  if (event == "error") {
    if constexpr (error_socket) {
      add_error_handler([f = std::forward<F>(h)](Socket& s, const ConnectError& e) mutable { f(s, e); }, once);
    } else if constexpr (error_only) {
      add_error_handler([f = std::forward<F>(h)](Socket&, const ConnectError& e) mutable { f(e); }, once);
    } else {
      throw std::invalid_argument("sio: an \"error\" handler takes (Socket, const ConnectError&) or (const ConnectError&)");
    }
    return *this;
  }
  if constexpr (any_event) {
    std::function<void(Socket&, Args&, Ack&)> fn;
    if constexpr (ev_socket_args_ack) {
      fn = [f = std::forward<F>(h)](Socket& s, Args& a, Ack& k) mutable { f(s, a, k); };
    } else if constexpr (ev_socket_args) {
      fn = [f = std::forward<F>(h)](Socket& s, Args& a, Ack&) mutable { f(s, a); };
    } else if constexpr (ev_socket_ack) {
      fn = [f = std::forward<F>(h)](Socket& s, Args&, Ack& k) mutable { f(s, k); };
    } else if constexpr (ev_args_ack) {
      fn = [f = std::forward<F>(h)](Socket&, Args& a, Ack& k) mutable { f(a, k); };
    } else if constexpr (ev_args) {
      fn = [f = std::forward<F>(h)](Socket&, Args& a, Ack&) mutable { f(a); };
    } else if constexpr (ev_socket) {
      fn = [f = std::forward<F>(h)](Socket& s, Args&, Ack&) mutable { f(s); };
    } else {
      fn = [f = std::forward<F>(h)](Socket&, Args&, Ack&) mutable { f(); };
    }
    add_handler(event, std::move(fn), once);
  } else {
    throw std::invalid_argument("sio: the handler for \"" + std::string(event) +
                                "\" has the signature of a disconnect or error handler");
  }
  return *this;
}

}  // namespace sio

// The member bodies (detail/core.hpp) need Socket, BroadcastOperator and Namespace complete,
// whichever of their headers comes first: socket.hpp ends by including operators.hpp, which ends
// by including namespace.hpp, which ends by including the bodies.
#include "sio/operators.hpp"
