#pragma once
// Template bodies of sio::BroadcastOperator; included by sio/operators.hpp.

#include <tuple>
#include <type_traits>
#include <utility>

#include "sio/detail/emit_args.hpp"
#include "sio/detail/payload_writer.hpp"
#include "sio/remote_socket.hpp"

namespace sio {

template <class... A>
std::size_t BroadcastOperator::emit(std::string_view event, A&&... args) const {
  if (!on_io_thread()) {
    // Called from another thread: copy the arguments and emit on the I/O thread (or now, when
    // the server is gone: the emit then reports it).
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
std::size_t BroadcastOperator::emit_tuple(std::string_view event, Tuple&& t, std::index_sequence<I...>) const {
  constexpr std::size_t last = std::tuple_size_v<std::decay_t<Tuple>> - 1;
  std::function<void(std::error_code, std::vector<Args>&)> cb = std::get<last>(std::forward<Tuple>(t));
  return emit_impl(
      event, [&](detail::PayloadWriter& w) { (w.argument(std::get<I>(std::forward<Tuple>(t))), ...); }, std::move(cb));
}

template <class Token>
auto BroadcastOperator::fetch_sockets(Token&& token) const {
  return detail::async_reply<std::vector<RemoteSocket>>(std::forward<Token>(token), [&](auto callback) {
    if (!on_io_thread()) {
      post([self = *this, callback]() mutable { self.fetch_impl(std::move(callback)); });
      return;
    }
    fetch_impl(std::move(callback));
  });
}

}  // namespace sio
