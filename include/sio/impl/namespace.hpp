#pragma once
// Template bodies of sio::Namespace; included by sio/namespace.hpp.

#include <tuple>
#include <type_traits>
#include <utility>

#include "sio/detail/emit_args.hpp"
#include "sio/detail/payload_writer.hpp"

namespace sio {

template <class F>
Namespace& Namespace::on(std::string_view event, F&& handler) {
  using Fn = std::decay_t<F>;
  if (event == "connection" || event == "connect") {
    if constexpr (std::is_invocable_v<Fn&, Socket&>) {
      add_connection_handler(event, [f = std::forward<F>(handler)](Socket& s) mutable { f(s); });
      return *this;
    } else {
      throw std::invalid_argument("sio: a connection handler takes (sio::Socket)");
    }
  }
  if constexpr (std::is_invocable_v<Fn&, Args&, Ack&>) {
    add_server_handler(event, [f = std::forward<F>(handler)](Args& a, Ack& k) mutable { f(a, k); });
  } else if constexpr (std::is_invocable_v<Fn&, Args&>) {
    add_server_handler(event, [f = std::forward<F>(handler)](Args& a, Ack&) mutable { f(a); });
  } else if constexpr (std::is_invocable_v<Fn&>) {
    add_server_handler(event, [f = std::forward<F>(handler)](Args&, Ack&) mutable { f(); });
  } else {
    static_assert(std::is_invocable_v<Fn&, Socket&>,
                  "sio: a namespace handler takes (sio::Socket) for \"connection\", or (Args), (Args, Ack) or () "
                  "for an event of another server");
    throw std::invalid_argument("sio: the handler for \"" + std::string(event) +
                                "\" has the signature of a connection handler");
  }
  return *this;
}

template <class... A>
void Namespace::server_side_emit(std::string_view event, A&&... args) const {
  if (!on_io_thread()) {
    post([self = *this, ev = std::string(event),
          captured = std::make_tuple(detail::capture_arg(std::forward<A>(args))...)]() mutable {
      std::apply([&](auto&... a) { self.server_side_emit(ev, std::move(a)...); }, captured);
    });
    return;
  }
  if constexpr (detail::last_is_replies_callback<A...>()) {
    server_side_emit_tuple(event, std::forward_as_tuple(std::forward<A>(args)...),
                           std::make_index_sequence<sizeof...(A) - 1>{});
  } else {
    server_side_impl(event, [&](detail::PayloadWriter& w) { (w.argument(std::forward<A>(args)), ...); }, nullptr);
  }
}

template <class Tuple, std::size_t... I>
void Namespace::server_side_emit_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const {
  constexpr std::size_t last = std::tuple_size_v<std::decay_t<Tuple>> - 1;
  std::function<void(std::error_code, std::vector<Args>&)> cb = std::get<last>(std::forward<Tuple>(t));
  server_side_impl(event, [&](detail::PayloadWriter& w) { (w.argument(std::get<I>(std::forward<Tuple>(t))), ...); },
                   std::move(cb));
}

template <class... A>
auto Namespace::server_side_emit_with_ack(std::string_view event, A&&... args_then_token) const {
  static_assert(sizeof...(A) >= 1, "sio: server_side_emit_with_ack takes a completion token as its last argument");
  return server_side_ack_tuple(event, std::forward_as_tuple(std::forward<A>(args_then_token)...),
                               std::make_index_sequence<sizeof...(A) - 1>{});
}

template <class Tuple, std::size_t... I>
auto Namespace::server_side_ack_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const {
  constexpr std::size_t last = std::tuple_size_v<std::decay_t<Tuple>> - 1;
  return detail::async_reply<std::vector<Args>>(std::get<last>(std::forward<Tuple>(t)), [&](auto callback) {
    server_side_emit(event, std::get<I>(std::forward<Tuple>(t))..., std::move(callback));
  });
}

}  // namespace sio
