// sio::BroadcastOperator's non-template members (declared in sio/operators.hpp).

#include "sio/operators.hpp"

#include "sio/remote_socket.hpp"
#include "sio/socket.hpp"
#include "sio/socketio/io_thread.hpp"
#include "sio/socketio/namespace_state.hpp"
#include "sio/socketio/server_core.hpp"
#include "sio/socketio/server_link.hpp"

namespace sio {

std::size_t BroadcastOperator::emit_impl(std::string_view event, detail::FunctionRef<void(detail::PayloadWriter&)> write,
                                         std::function<void(std::error_code, std::vector<Args>&)> replies) const {
  detail::ServerCore* core = nsp_ ? nsp_->core : nullptr;
  if (!core) {
    if (replies) {
      std::vector<Args> none;
      replies(make_error_code(error::server_gone), none);
    }
    return 0;
  }
  return core->broadcast(*nsp_, opts_, event, write, std::move(replies));
}

void BroadcastOperator::fetch_impl(std::function<void(std::error_code, std::vector<RemoteSocket>&)> done) const {
  if (!nsp_ || !nsp_->core || !nsp_->adapter) {
    std::vector<RemoteSocket> none;
    done(make_error_code(error::server_gone), none);
    return;
  }
  nsp_->adapter->fetch_sockets(opts_, [nsp = nsp_, done = std::move(done)](std::error_code ec,
                                                                          std::vector<SocketDetails> found) {
    std::vector<RemoteSocket> out;
    out.reserve(found.size());
    for (auto& d : found) out.emplace_back(nsp, std::move(d));
    done(ec, out);
  });
}

bool BroadcastOperator::on_io_thread() const noexcept { return !nsp_ || !nsp_->link || nsp_->link->on_io_thread(); }

bool BroadcastOperator::post(std::function<void()> fn) const {
  return detail::ServerLink::post_or_run(nsp_ ? nsp_->link.get() : nullptr, std::move(fn));
}

std::vector<Socket> BroadcastOperator::fetch_sockets() const {
  detail::assert_io_thread(nsp_ ? nsp_->link.get() : nullptr);
  std::vector<Socket> out;
  if (!nsp_ || !nsp_->core || !nsp_->adapter) return out;
  for (const auto& sid : nsp_->adapter->sockets(opts_)) {
    auto it = nsp_->sockets.find(sid);
    if (it != nsp_->sockets.end()) out.emplace_back(it->second);
  }
  return out;
}

void BroadcastOperator::sockets_join(const std::vector<std::string>& rooms) const {
  if (!on_io_thread()) {
    post([self = *this, rooms] { self.sockets_join(rooms); });
    return;
  }
  if (nsp_ && nsp_->core && nsp_->adapter) nsp_->adapter->add_sockets(opts_, rooms);
}

void BroadcastOperator::sockets_leave(const std::vector<std::string>& rooms) const {
  if (!on_io_thread()) {
    post([self = *this, rooms] { self.sockets_leave(rooms); });
    return;
  }
  if (nsp_ && nsp_->core && nsp_->adapter) nsp_->adapter->del_sockets(opts_, rooms);
}

void BroadcastOperator::disconnect_sockets(bool close) const {
  if (!on_io_thread()) {
    post([self = *this, close] { self.disconnect_sockets(close); });
    return;
  }
  if (nsp_ && nsp_->core && nsp_->adapter) nsp_->adapter->disconnect_sockets(opts_, close);
}

}  // namespace sio
