#include "sio/socketio/namespace_state.hpp"

#include <catch2/catch.hpp>

#include <memory>

#include "sio/args.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"

TEST_CASE("a namespace with no server behind it delivers nothing and describes its sockets") {
  auto nsp = std::make_shared<sio::detail::NamespaceState>("/news", nullptr, nullptr);
  CHECK(nsp->name() == "/news");
  sio::detail::SocketState s;
  s.id = "abc";
  s.shared_data = R"({"k":1})";
  sio::protocol::OutgoingPacket p(sio::protocol::PacketType::event, "/news", 1, R"(["x"])");
  sio::BroadcastOptions o;
  CHECK_FALSE(nsp->deliver(&s, p, o));
  CHECK_FALSE(nsp->deliver_with_ack(&s, p, o, [](std::error_code, const sio::Args&) {}));
  nsp->disconnect(&s, true);                      // nothing to do, nothing breaks
  nsp->on_server_side_emit(p, nullptr);
  nsp->begin_deliveries();
  nsp->end_deliveries();
  auto d = nsp->describe(&s);
  CHECK(d.id == "abc");
  CHECK(d.data == R"({"k":1})");
  CHECK(d.handshake.auth == "{}");
  CHECK(nsp->find("abc") == nullptr);
}
