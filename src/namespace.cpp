// sio::Namespace's non-template members (declared in sio/namespace.hpp).

#include "sio/namespace.hpp"

#include <stdexcept>

#include "sio/socketio/io_thread.hpp"
#include "sio/socketio/namespace_state.hpp"
#include "sio/socketio/server_core.hpp"
#include "sio/socketio/server_link.hpp"

namespace sio {

std::string_view Namespace::name() const noexcept { return state_ ? std::string_view(state_->name_) : std::string_view(); }

Namespace& Namespace::use(std::function<void(Socket&, Next)> middleware) {
  detail::assert_io_thread(state_ ? state_->link.get() : nullptr);
  if (state_ && state_->core) state_->middlewares.push_back(std::move(middleware));
  return *this;
}

void Namespace::add_connection_handler(std::string_view, std::function<void(Socket&)> fn) {
  detail::assert_io_thread(state_ ? state_->link.get() : nullptr);
  if (state_ && state_->core)
    state_->connection_handlers.push_back(std::make_shared<std::function<void(Socket&)>>(std::move(fn)));
}

void Namespace::add_server_handler(std::string_view event, std::function<void(Args&, Ack&)> fn) {
  detail::assert_io_thread(state_ ? state_->link.get() : nullptr);
  if (!state_ || !state_->core) return;
  auto h = std::make_shared<detail::NamespaceState::ServerEventHandler>();
  h->event = std::string(event);
  h->fn = std::move(fn);
  state_->server_handlers.push_back(std::move(h));
}

void Namespace::server_side_impl(std::string_view event, detail::FunctionRef<void(detail::PayloadWriter&)> write,
                                 std::function<void(std::error_code, std::vector<Args>&)> replies) const {
  detail::ServerCore* core = state_ ? state_->core : nullptr;
  if (!core) {
    if (replies) {
      std::vector<Args> none;
      replies(make_error_code(error::server_gone), none);
    }
    return;
  }
  core->server_side_emit(*state_, event, write, std::move(replies), std::nullopt);
}

bool Namespace::on_io_thread() const noexcept { return !state_ || !state_->link || state_->link->on_io_thread(); }

bool Namespace::post(std::function<void()> fn) const {
  return detail::ServerLink::post_or_run(state_ ? state_->link.get() : nullptr, std::move(fn));
}

Socket Namespace::socket(std::string_view id) const {
  detail::assert_io_thread(state_ ? state_->link.get() : nullptr);
  if (!state_) return Socket();
  auto it = state_->sockets.find(std::string(id));
  return it == state_->sockets.end() ? Socket() : Socket(it->second);
}

std::size_t Namespace::size() const noexcept {
  detail::assert_io_thread(state_ ? state_->link.get() : nullptr);
  return state_ ? state_->sockets.size() : 0;
}

Adapter& Namespace::adapter() const {
  detail::assert_io_thread(state_ ? state_->link.get() : nullptr);
  if (!state_ || !state_->adapter) throw std::logic_error("sio: Namespace::adapter() after its server is gone");
  return *state_->adapter;
}

}  // namespace sio
