#pragma once
/// \file
/// Broadcast operators: `io.to("room").except("other").emit(...)` and the operations on the
/// sockets they select (fetch_sockets, sockets_join, sockets_leave, disconnect_sockets), all of
/// which go through the namespace's adapter, and so reach every server of a cluster.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "sio/adapter/adapter.hpp"
#include "sio/args.hpp"
#include "sio/detail/function_ref.hpp"
#include "sio/fwd.hpp"

namespace sio {

namespace detail {
class PayloadWriter;
}  // namespace detail

/// Selects receivers in a namespace, then emits to them or acts on them. A cheap value: each
/// call returns a new operator, so a partly built one can be reused. It may outlive its server:
/// an emit then reaches nobody and a completion handler gets sio::error::server_gone.
///
/// Threads: every member is safe from any thread (off the I/O thread the work is posted to it),
/// except the synchronous fetch_sockets(), which is for the I/O thread.
///
/// \code
/// io.to("room1").to("room2").except("muted").emit("news", sio::object{{"title", t}});
/// io.timeout(std::chrono::seconds(2)).emit("ping?", [](std::error_code ec, std::vector<sio::Args> replies) {});
/// \endcode
class BroadcastOperator {
 public:
  /// Every socket of the namespace behind `nsp`, or as `opts` selects.
  explicit BroadcastOperator(std::shared_ptr<detail::NamespaceState> nsp, BroadcastOptions opts = {}) noexcept
      : nsp_(std::move(nsp)), opts_(std::move(opts)) {}

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
  BroadcastOperator timeout(std::chrono::milliseconds t) const { auto o = *this; o.opts_.timeout = t; return o; }

  /// Emits to every selected socket; the packet is encoded once. When the last argument is a
  /// callback `(std::error_code, std::vector<Args>)`, each receiver is asked for a reply and the
  /// callback runs once with every reply, or with sio::error::timeout and the replies that came.
  /// Safe to call from any thread: off the I/O thread the arguments are copied, the emit runs on
  /// the I/O thread, and 0 is returned. Arguments as for SocketEmitter::emit: strings that are
  /// not UTF-8 are sent repaired (see sio::Value).
  /// \returns the number of receivers on this server.
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

  /// The selected sockets of this server, at once (as Node's `local().fetchSockets()`). On the
  /// I/O thread only; see the other overload for every server of a cluster.
  std::vector<Socket> fetch_sockets() const;
  /// The selected sockets of every server, through the adapter, as sio::RemoteSocket values
  /// delivered to the completion token with the signature
  /// `void(std::error_code, std::vector<sio::RemoteSocket>)`.
  /// \code
  /// io.in("room1").fetch_sockets([](std::error_code ec, std::vector<sio::RemoteSocket> sockets) {
  ///   for (auto& s : sockets) s.emit("hello");
  /// });
  /// \endcode
  template <class Token>
  auto fetch_sockets(Token&& token) const;
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
  void fetch_impl(std::function<void(std::error_code, std::vector<RemoteSocket>&)> done) const;
  bool on_io_thread() const noexcept;
  bool post(std::function<void()> fn) const;

  std::shared_ptr<detail::NamespaceState> nsp_;
  BroadcastOptions opts_;
};

}  // namespace sio

#include "sio/impl/operators.hpp"
