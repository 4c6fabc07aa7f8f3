#include "sio/socketio/client.hpp"

#include <catch2/catch.hpp>

#include <memory>

#include "sio/protocol/packet.hpp"
#include "sio/socketio/namespace_state.hpp"

namespace {
std::shared_ptr<sio::detail::SocketState> socket_in(const std::shared_ptr<sio::detail::NamespaceState>& nsp,
                                                     sio::detail::SocketState::Phase phase) {
  auto s = std::make_shared<sio::detail::SocketState>();
  s->nsp = nsp;
  s->phase = phase;
  return s;
}
}  // namespace

TEST_CASE("a client finds its socket of a namespace, skipping closed ones, and forgets removed ones") {
  using Phase = sio::detail::SocketState::Phase;
  auto root = std::make_shared<sio::detail::NamespaceState>("/", nullptr, nullptr);
  auto news = std::make_shared<sio::detail::NamespaceState>("/news", nullptr, nullptr);
  sio::detail::Client c(nullptr, std::make_unique<sio::protocol::Decoder>());
  auto closed = socket_in(news, Phase::closed);
  auto joining = socket_in(news, Phase::connecting);
  auto main = socket_in(root, Phase::connected);
  c.sockets = {closed, joining, main};

  CHECK(c.socket_for("/news") == joining.get());
  CHECK(c.socket_for("/") == main.get());
  CHECK(c.socket_for("/other") == nullptr);
  CHECK(c.has_connected_socket());

  c.remove(*main);
  CHECK(c.socket_for("/") == nullptr);
  CHECK_FALSE(c.has_connected_socket());
  CHECK(c.sockets.size() == 2);
}
