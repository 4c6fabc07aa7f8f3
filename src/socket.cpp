// sio::Socket and sio::SocketEmitter's non-template members (declared in sio/socket.hpp).

#include "sio/socket.hpp"

#include <algorithm>

#include "sio/adapter/adapter.hpp"
#include "sio/operators.hpp"
#include "sio/socketio/io_thread.hpp"
#include "sio/socketio/namespace_state.hpp"
#include "sio/socketio/server_core.hpp"
#include "sio/socketio/server_link.hpp"
#include "sio/socketio/socket_state.hpp"

namespace sio {

namespace {
const detail::ServerLink* link_of(const std::shared_ptr<detail::SocketState>& s) noexcept {
  return s && s->nsp ? s->nsp->link.get() : nullptr;
}
// Runs `fn` later on the I/O thread of `s`'s server (callers are off it), or now once the server
// is gone. True when it was posted.
bool post_or_run(const std::shared_ptr<detail::SocketState>& s, std::function<void()> fn) {
  return detail::ServerLink::post_or_run(s && s->nsp ? s->nsp->link.get() : nullptr, std::move(fn));
}
bool off_io_thread(const std::shared_ptr<detail::SocketState>& s) noexcept {
  const auto* link = link_of(s);
  return link && !link->on_io_thread();
}
}  // namespace

// ---- SocketEmitter ----

SendStatus SocketEmitter::emit_impl(std::string_view event, detail::FunctionRef<void(detail::PayloadWriter&)> write,
                                    std::function<void(std::error_code, Args&)> reply) const {
  detail::ServerCore* core = socket_ ? socket_->core() : nullptr;
  if (!core) {
    // No server (gone, or an empty handle): the reply callback learns it at once.
    if (reply) {
      Args none;
      reply(make_error_code(socket_ && socket_->nsp ? error::server_gone : error::socket_gone), none);
    }
    return SendStatus::disconnected;
  }
  return core->emit_to(*socket_, event, write, std::move(reply), timeout_, volatile_flag_);
}

bool SocketEmitter::on_io_thread() const noexcept {
  const auto* link = link_of(socket_);
  return !link || link->on_io_thread();
}

bool SocketEmitter::post(std::function<void()> fn) const { return post_or_run(socket_, std::move(fn)); }

// ---- Socket ----

const std::string& Socket::id() const noexcept {
  static const std::string none;
  return state_ ? state_->id : none;
}

std::string_view Socket::nsp() const noexcept {
  return state_ && state_->nsp ? std::string_view(state_->nsp->name_) : std::string_view();
}

bool Socket::connected() const noexcept {
  detail::assert_io_thread(link_of(state_));
  return state_ && state_->connected() && state_->core();
}

std::string_view Socket::conn_id() const noexcept {
  detail::assert_io_thread(link_of(state_));
  return state_ && state_->session ? std::string_view(state_->session->id()) : std::string_view();
}

std::vector<std::string> Socket::rooms() const {
  detail::assert_io_thread(link_of(state_));
  if (!connected()) return {};
  return state_->nsp->adapter->socket_rooms(state_->id);
}

void Socket::join(const std::string& room) { join(std::vector<std::string>{room}); }

void Socket::join(const std::vector<std::string>& rooms) {
  if (off_io_thread(state_)) {
    post_or_run(state_, [self = *this, rooms]() mutable { self.join(rooms); });
    return;
  }
  if (connected()) state_->nsp->adapter->add_all(state_->id, rooms);
}

void Socket::leave(const std::string& room) {
  if (off_io_thread(state_)) {
    post_or_run(state_, [self = *this, room]() mutable { self.leave(room); });
    return;
  }
  if (connected()) state_->nsp->adapter->del(state_->id, room);
}

void Socket::add_handler(std::string_view event, std::function<void(Socket&, Args&, Ack&)> fn, bool once) {
  detail::assert_io_thread(link_of(state_));
  if (!state_ || state_->phase == detail::SocketState::Phase::closed) return;
  auto h = std::make_shared<detail::SocketState::EventHandler>();
  h->event = std::string(event);
  h->fn = std::move(fn);
  h->once = once;
  state_->handlers.push_back(std::move(h));
}

void Socket::add_reason_handler(std::string_view event, std::function<void(Socket&, DisconnectReason)> fn, bool once) {
  detail::assert_io_thread(link_of(state_));
  if (!state_ || state_->phase == detail::SocketState::Phase::closed) return;
  auto h = std::make_shared<detail::SocketState::ReasonHandler>();
  h->disconnecting = event == "disconnecting";
  h->fn = std::move(fn);
  h->once = once;
  state_->reason_handlers.push_back(std::move(h));
}

void Socket::add_error_handler(std::function<void(Socket&, const ConnectError&)> fn, bool once) {
  detail::assert_io_thread(link_of(state_));
  if (!state_ || state_->phase == detail::SocketState::Phase::closed) return;
  auto h = std::make_shared<detail::SocketState::ErrorHandler>();
  h->fn = std::move(fn);
  h->once = once;
  state_->error_handlers.push_back(std::move(h));
}

Socket& Socket::off(std::string_view event) {
  detail::assert_io_thread(link_of(state_));
  if (!state_) return *this;
  if (event == "disconnect" || event == "disconnecting") {
    bool d = event == "disconnecting";
    auto& v = state_->reason_handlers;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& h) { return h->disconnecting == d; }), v.end());
  } else if (event == "error") {
    state_->error_handlers.clear();
  } else {
    auto& v = state_->handlers;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& h) { return !h->any && h->event == event; }), v.end());
  }
  return *this;
}

Socket& Socket::on_any(std::function<void(Socket&, std::string_view, Args&)> handler) {
  detail::assert_io_thread(link_of(state_));
  if (!state_ || state_->phase == detail::SocketState::Phase::closed) return *this;
  auto h = std::make_shared<detail::SocketState::EventHandler>();
  h->any = std::move(handler);
  state_->handlers.push_back(std::move(h));
  return *this;
}

std::size_t Socket::buffered_amount() const noexcept {
  detail::assert_io_thread(link_of(state_));
  if (!connected() || !state_->session) return 0;
  return state_->session->buffered_amount();
}

Socket& Socket::on_drain(std::function<void(Socket&)> handler) {
  detail::assert_io_thread(link_of(state_));
  if (state_ && state_->phase != detail::SocketState::Phase::closed)
    state_->drain_handlers.push_back(std::make_shared<std::function<void(Socket&)>>(std::move(handler)));
  return *this;
}

Socket& Socket::use(std::function<void(Event&, Next)> middleware) {
  detail::assert_io_thread(link_of(state_));
  if (state_ && state_->phase != detail::SocketState::Phase::closed)
    state_->middlewares.push_back(std::make_shared<std::function<void(Event&, Next)>>(std::move(middleware)));
  return *this;
}

BroadcastOperator Socket::to(std::string room) const { return broadcast().to(std::move(room)); }
BroadcastOperator Socket::in(std::string room) const { return to(std::move(room)); }
BroadcastOperator Socket::except(std::string room) const { return broadcast().except(std::move(room)); }

BroadcastOperator Socket::broadcast() const {
  BroadcastOptions opts;
  if (state_) opts.except.push_back(state_->id);
  return BroadcastOperator(state_ ? state_->nsp : nullptr, std::move(opts));
}

void Socket::disconnect(bool close) {
  if (off_io_thread(state_)) {
    post_or_run(state_, [self = *this, close]() mutable { self.disconnect(close); });
    return;
  }
  if (connected()) state_->core()->disconnect(*state_, close);
}

std::shared_ptr<void>& Socket::data() {
  detail::assert_io_thread(link_of(state_));
  static std::shared_ptr<void> none;
  return state_ ? state_->data : none;
}

const std::string& Socket::shared_data() const noexcept {
  detail::assert_io_thread(link_of(state_));
  static const std::string none;
  return state_ ? state_->shared_data : none;
}

void Socket::set_shared_data(std::string json) {
  detail::assert_io_thread(link_of(state_));
  if (state_) state_->shared_data = std::move(json);
}

SocketDetails Socket::details() const {
  detail::assert_io_thread(link_of(state_));
  if (!connected()) return {};
  return state_->nsp->describe(state_.get());
}

}  // namespace sio
