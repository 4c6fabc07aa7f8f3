#pragma once
// Template bodies of sio::Socket and sio::SocketEmitter; included by sio/socket.hpp.

#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sio/detail/emit_args.hpp"
#include "sio/detail/payload_writer.hpp"

namespace sio {

template <class... A>
SendStatus SocketEmitter::emit(std::string_view event, A&&... args) const {
  if (!on_io_thread()) {
    // Called from another thread: copy the arguments and emit on the I/O thread (or now, when
    // the server is gone: the emit then reports it).
    const bool posted = post([self = *this, ev = std::string(event),
                              captured = std::make_tuple(detail::capture_arg(std::forward<A>(args))...)]() mutable {
      std::apply([&](auto&... a) { self.emit(ev, std::move(a)...); }, captured);
    });
    return posted ? SendStatus::queued : SendStatus::disconnected;
  }
  if constexpr (detail::last_is_reply_callback<A...>()) {
    return emit_tuple(event, std::forward_as_tuple(std::forward<A>(args)...),
                      std::make_index_sequence<sizeof...(A) - 1>{});
  } else {
    return emit_impl(event, [&](detail::PayloadWriter& w) { (w.argument(std::forward<A>(args)), ...); }, nullptr);
  }
}

template <class... A>
auto SocketEmitter::emit_with_ack(std::string_view event, A&&... args_then_token) const {
  static_assert(sizeof...(A) >= 1, "sio: emit_with_ack takes a completion token as its last argument");
  return emit_with_ack_tuple(event, std::forward_as_tuple(std::forward<A>(args_then_token)...),
                             std::make_index_sequence<sizeof...(A) - 1>{});
}

template <class Tuple, std::size_t... I>
auto SocketEmitter::emit_with_ack_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const {
  constexpr std::size_t last = std::tuple_size_v<std::decay_t<Tuple>> - 1;
  return detail::async_reply<Args>(std::get<last>(std::forward<Tuple>(t)), [&](auto callback) {
    if (!on_io_thread()) {
      post([self = *this, ev = std::string(event), callback,
            captured = std::make_tuple(detail::capture_arg(std::get<I>(std::forward<Tuple>(t)))...)]() mutable {
        std::apply(
            [&](auto&... a) {
              self.emit_impl(ev, [&](detail::PayloadWriter& w) { (w.argument(std::move(a)), ...); }, std::move(callback));
            },
            captured);
      });
      return;
    }
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
