#pragma once
// What the emit templates of Socket, BroadcastOperator, Namespace, Server and Ack share: telling
// a reply callback from an argument, copying arguments for another thread, and completing a
// reply through an Asio completion token.

#include <functional>
#include <memory>
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
#include "sio/value.hpp"

namespace sio::detail {

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

// Whether the last of A... is a callback for one reply: (std::error_code, Args) or (Args).
template <class... A>
constexpr bool last_is_reply_callback() {
  if constexpr (sizeof...(A) == 0) {
    return false;
  } else {
    using Last = std::decay_t<std::tuple_element_t<sizeof...(A) - 1, std::tuple<A...>>>;
    return is_reply_callback<Last>::value;
  }
}

// Whether the last of A... is a callback for the replies of a broadcast: (std::error_code, std::vector<Args>).
template <class... A>
constexpr bool last_is_replies_callback() {
  if constexpr (sizeof...(A) == 0) {
    return false;
  } else {
    using Last = std::decay_t<std::tuple_element_t<sizeof...(A) - 1, std::tuple<A...>>>;
    return std::is_invocable_v<Last&, std::error_code, std::vector<Args>&>;
  }
}

// A reply callback of either accepted shape as the one shape the layer calls.
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

// Waits for a result the Asio way: `start(callback)` registers `callback(std::error_code, Reply&)`,
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

}  // namespace sio::detail
