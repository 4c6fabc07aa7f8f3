#pragma once
/// \file
/// Broadcast operators: `io.to("room").except("other").emit(...)` and the operations on the
/// sockets they select (fetch_sockets, sockets_join, sockets_leave, disconnect_sockets).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sio/adapter/adapter.hpp"
#include "sio/socket.hpp"

namespace sio {

/// Selects receivers in a namespace, then emits to them or acts on them. A cheap value: each
/// call returns a new operator, so a partly built one can be reused.
///
/// \code
/// io.to("room1").to("room2").except("muted").emit("news", sio::object{{"title", t}});
/// io.timeout(std::chrono::seconds(2)).emit("ping?", [](std::error_code ec, std::vector<sio::Args> replies) {});
/// \endcode
class BroadcastOperator {
 public:
  /// Every socket of the namespace behind `nsp`.
  explicit BroadcastOperator(detail::NamespaceState* nsp, BroadcastOptions opts = {}) noexcept
      : nsp_(nsp), opts_(std::move(opts)) {}

  /// Adds a room whose members receive (several rooms: each member receives once).
  BroadcastOperator to(std::string room) const { auto o = *this; o.opts_.rooms.push_back(std::move(room)); return o; }
  /// Adds several rooms.
  BroadcastOperator to(const std::vector<std::string>& rooms) const {
    auto o = *this;
    o.opts_.rooms.insert(o.opts_.rooms.end(), rooms.begin(), rooms.end());
    return o;
  }
  /// Same as to().
  BroadcastOperator in(std::string room) const { return to(std::move(room)); }
  /// Same as to().
  BroadcastOperator in(const std::vector<std::string>& rooms) const { return to(rooms); }
  /// Leaves out the members of `room`.
  BroadcastOperator except(std::string room) const { auto o = *this; o.opts_.except.push_back(std::move(room)); return o; }
  /// Leaves out the members of several rooms.
  BroadcastOperator except(const std::vector<std::string>& rooms) const {
    auto o = *this;
    o.opts_.except.insert(o.opts_.except.end(), rooms.begin(), rooms.end());
    return o;
  }
  /// Drops the packet for receivers that are not ready instead of queueing it.
  BroadcastOperator volatile_() const { auto o = *this; o.opts_.volatile_ = true; return o; }
  /// Compression wish (kept for API parity).
  BroadcastOperator compress(bool on) const { auto o = *this; o.opts_.compress = on; return o; }
  /// Only this server, with a multi-server adapter.
  BroadcastOperator local() const { auto o = *this; o.opts_.local = true; return o; }
  /// With a reply callback as last emit argument: wait at most `t` for every receiver's reply.
  BroadcastOperator timeout(std::chrono::milliseconds t) const { auto o = *this; o.timeout_ = t; return o; }

  /// Emits to every selected socket; the packet is encoded once. When the last argument is a
  /// callback `(std::error_code, std::vector<Args>)`, each receiver is asked for a reply and the
  /// callback runs once with every reply, or with sio::error::timeout and the replies that came.
  /// Safe to call from any thread: off the I/O thread the arguments are copied, the emit runs on
  /// the I/O thread, and 0 is returned.
  /// \returns the number of receivers.
  template <class... A>
  std::size_t emit(std::string_view event, A&&... args) const;
  /// Emits `event` to every selected socket and delivers every reply through the completion
  /// token given as the last argument, with the signature
  /// `void(std::error_code, std::vector<sio::Args>)` (sio::error::timeout with the replies that
  /// came when timeout() ran out).
  template <class... A>
  auto emit_with_ack(std::string_view event, A&&... args_then_token) const;
  /// Emits a "message" event.
  template <class... A>
  std::size_t send(A&&... args) const { return emit("message", std::forward<A>(args)...); }

  /// The selected sockets.
  std::vector<Socket> fetch_sockets() const;
  /// Makes the selected sockets join `rooms`.
  void sockets_join(const std::vector<std::string>& rooms) const;
  /// Makes the selected sockets join `room`.
  void sockets_join(const std::string& room) const { sockets_join(std::vector<std::string>{room}); }
  /// Makes the selected sockets leave `rooms`.
  void sockets_leave(const std::vector<std::string>& rooms) const;
  /// Makes the selected sockets leave `room`.
  void sockets_leave(const std::string& room) const { sockets_leave(std::vector<std::string>{room}); }
  /// Disconnects the selected sockets (with `close`, their whole connections).
  void disconnect_sockets(bool close = false) const;

  /// The receivers' selection.
  const BroadcastOptions& options() const noexcept { return opts_; }

 private:
  template <class Tuple, std::size_t... I>
  std::size_t emit_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const;
  template <class Tuple, std::size_t... I>
  auto emit_with_ack_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const;
  std::size_t emit_impl(std::string_view event, detail::FunctionRef<void(detail::PayloadWriter&)> write,
                        std::function<void(std::error_code, std::vector<Args>&)> replies) const;
  bool on_io_thread() const noexcept;
  void post(std::function<void()> fn) const;

  detail::NamespaceState* nsp_;
  BroadcastOptions opts_;
  std::optional<std::chrono::milliseconds> timeout_;
};

namespace detail {
template <class... A>
constexpr bool last_is_replies_callback() {
  if constexpr (sizeof...(A) == 0) {
    return false;
  } else {
    using Last = std::decay_t<std::tuple_element_t<sizeof...(A) - 1, std::tuple<A...>>>;
    return std::is_invocable_v<Last&, std::error_code, std::vector<Args>&>;
  }
}
}  // namespace detail

template <class... A>
std::size_t BroadcastOperator::emit(std::string_view event, A&&... args) const {
  if (!on_io_thread()) {
    // Called from another thread: copy the arguments and emit on the I/O thread.
    post([self = *this, ev = std::string(event),
          captured = std::make_tuple(detail::capture_arg(std::forward<A>(args))...)]() mutable {
      std::apply([&](auto&... a) { self.emit(ev, std::move(a)...); }, captured);
    });
    return 0;
  }
  if constexpr (detail::last_is_replies_callback<A...>()) {
    return emit_tuple(event, std::forward_as_tuple(std::forward<A>(args)...),
                      std::make_index_sequence<sizeof...(A) - 1>{});
  } else {
    return emit_impl(event, [&](detail::PayloadWriter& w) { (w.argument(std::forward<A>(args)), ...); }, nullptr);
  }
}

template <class... A>
auto BroadcastOperator::emit_with_ack(std::string_view event, A&&... args_then_token) const {
  static_assert(sizeof...(A) >= 1, "sio: emit_with_ack takes a completion token as its last argument");
  return emit_with_ack_tuple(event, std::forward_as_tuple(std::forward<A>(args_then_token)...),
                             std::make_index_sequence<sizeof...(A) - 1>{});
}

template <class Tuple, std::size_t... I>
auto BroadcastOperator::emit_with_ack_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const {
  constexpr std::size_t last = std::tuple_size_v<std::decay_t<Tuple>> - 1;
  return detail::async_reply<std::vector<Args>>(std::get<last>(std::forward<Tuple>(t)), [&](auto callback) {
    emit_impl(
        event, [&](detail::PayloadWriter& w) { (w.argument(std::get<I>(std::forward<Tuple>(t))), ...); },
        std::move(callback));
  });
}

template <class Tuple, std::size_t... I>
std::size_t BroadcastOperator::emit_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const {
  constexpr std::size_t last = std::tuple_size_v<std::decay_t<Tuple>> - 1;
  std::function<void(std::error_code, std::vector<Args>&)> cb = std::get<last>(std::forward<Tuple>(t));
  return emit_impl(
      event, [&](detail::PayloadWriter& w) { (w.argument(std::get<I>(std::forward<Tuple>(t))), ...); }, std::move(cb));
}

}  // namespace sio

// The member bodies (detail/core.hpp) need Socket, BroadcastOperator and Namespace complete,
// whichever of their headers comes first: socket.hpp ends by including operators.hpp, which ends
// by including namespace.hpp, which ends by including the bodies.
#include "sio/namespace.hpp"
