// A Socket.IO client's sockets (declared in sio/socketio/client.hpp).

#include "sio/socketio/client.hpp"

#include <algorithm>

#include "sio/socketio/namespace_state.hpp"

namespace sio::detail {

SocketState* Client::socket_for(std::string_view nsp) const noexcept {
  for (const auto& s : sockets)
    if (s->phase != SocketState::Phase::closed && s->nsp->name_ == nsp) return s.get();
  return nullptr;
}

void Client::remove(const SocketState& s) noexcept {
  sockets.erase(std::remove_if(sockets.begin(), sockets.end(), [&](const auto& p) { return p.get() == &s; }),
                sockets.end());
}

ServerCore* SocketState::core() const noexcept { return nsp ? nsp->core : nullptr; }

}  // namespace sio::detail
