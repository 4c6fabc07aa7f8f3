#include "sio/socketio/socket_state.hpp"

#include <catch2/catch.hpp>

#include "sio/socket.hpp"

TEST_CASE("a socket state is connected only in its connected phase with a client") {
  sio::detail::SocketState s;
  CHECK_FALSE(s.connected());
  s.phase = sio::detail::SocketState::Phase::connected;
  CHECK_FALSE(s.connected());  // no client
  CHECK(s.core() == nullptr);  // no namespace, so no server
}

TEST_CASE("clear_handlers drops every handler, breaking the cycles through handles they hold") {
  auto s = std::make_shared<sio::detail::SocketState>();
  std::weak_ptr<sio::detail::SocketState> weak = s;
  auto h = std::make_shared<sio::detail::SocketState::EventHandler>();
  // A handler that keeps its own socket alive, as `socket.on("x", [socket] {...})` does.
  h->fn = [keep = s](sio::Socket&, sio::Args&, sio::Ack&) {};
  s->handlers.push_back(h);
  h.reset();
  s->reason_handlers.push_back(std::make_shared<sio::detail::SocketState::ReasonHandler>());
  s->error_handlers.push_back(std::make_shared<sio::detail::SocketState::ErrorHandler>());
  s->middlewares.push_back(std::make_shared<std::function<void(sio::Event&, sio::Next)>>());
  s->clear_handlers();
  CHECK(s->handlers.empty());
  CHECK(s->reason_handlers.empty());
  CHECK(s->error_handlers.empty());
  CHECK(s->middlewares.empty());
  s.reset();
  CHECK(weak.expired());
}
