#include "sio/adapter/in_memory_adapter.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "sio/args.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"

namespace {

// Registers each socket with a pointer to its own id, so deliveries tell who received.
struct Host final : sio::AdapterHost {
  std::vector<std::pair<std::string, void*>> delivered;
  std::map<std::string, std::string> names;
  void* socket(const std::string& id) { return &names.emplace(id, id).first->second; }
  std::string_view name() const noexcept override { return "/"; }
  bool deliver(void* s, const sio::protocol::OutgoingPacket&, const sio::BroadcastOptions&) override {
    delivered.emplace_back(s ? *static_cast<std::string*>(s) : std::string("?"), s);
    return true;
  }
  bool deliver_with_ack(void* s, const sio::protocol::OutgoingPacket& p, const sio::BroadcastOptions& o,
                        std::function<void(std::error_code, const sio::Args&)>) override {
    return deliver(s, p, o);
  }
  sio::SocketDetails describe(void* s) const override {
    sio::SocketDetails d;
    d.id = *static_cast<std::string*>(s);
    return d;
  }
  void disconnect(void*, bool) override {}
  void on_server_side_emit(const sio::protocol::OutgoingPacket&, std::function<void(const sio::Args&)>) override {}
  std::vector<std::string> ids() {
    std::vector<std::string> out;
    for (auto& d : delivered) out.push_back(d.first);
    std::sort(out.begin(), out.end());
    delivered.clear();
    return out;
  }
};

const sio::protocol::OutgoingPacket& packet() {
  static const sio::protocol::OutgoingPacket p(sio::protocol::PacketType::event, "/", std::nullopt, R"(["x"])");
  return p;
}

sio::BroadcastOptions to(std::vector<std::string> rooms, std::vector<std::string> except = {}) {
  sio::BroadcastOptions o;
  o.rooms = std::move(rooms);
  o.except = std::move(except);
  return o;
}

}  // namespace

TEST_CASE("InMemoryAdapter hands each receiver's registered pointer to the host") {
  Host host;
  sio::InMemoryAdapter a(host);
  void* sa = host.socket("a");
  void* sb = host.socket("b");
  a.add_socket("a", sa);
  a.add_socket("b", sb);
  a.add_all("a", {"a", "r"});
  a.add_all("b", {"b", "r"});
  a.broadcast(packet(), to({"r"}));
  REQUIRE(host.delivered.size() == 2);
  for (auto& [sid, local] : host.delivered) CHECK(local == (sid == "a" ? sa : sb));
}

TEST_CASE("InMemoryAdapter selects rooms, exclusions and everyone, each socket once") {
  Host host;
  sio::InMemoryAdapter a(host);
  for (const char* id : {"a", "b", "c"}) {
    a.add_socket(id, host.socket(id));
    a.add_all(id, {id});
  }
  a.add_all("a", {"r1", "r2"});
  a.add_all("b", {"r1"});
  a.add_all("c", {"r2"});
  a.broadcast(packet(), to({}));
  CHECK(host.ids() == std::vector<std::string>{"a", "b", "c"});
  a.broadcast(packet(), to({"r1", "r2"}));
  CHECK(host.ids() == std::vector<std::string>{"a", "b", "c"});
  a.broadcast(packet(), to({"r1"}, {"a"}));
  CHECK(host.ids() == std::vector<std::string>{"b"});
  a.broadcast(packet(), to({}, {"r2"}));
  CHECK(host.ids() == std::vector<std::string>{"b"});
  a.broadcast(packet(), to({"nobody"}));
  CHECK(host.ids().empty());
  CHECK(a.in_room("a", "r2"));
  a.del("a", "r2");
  CHECK_FALSE(a.in_room("a", "r2"));
  a.broadcast(packet(), to({"r2"}));
  CHECK(host.ids() == std::vector<std::string>{"c"});
  a.del_all("c");
  CHECK(a.socket_rooms("c").empty());
  a.broadcast(packet(), to({"r2"}));
  CHECK(host.ids().empty());
  auto members = a.sockets(to({"r1"}));
  std::sort(members.begin(), members.end());
  CHECK(members == std::vector<std::string>{"a", "b"});
}

TEST_CASE("InMemoryAdapter keeps each socket's own room, which it may leave") {
  Host host;
  sio::InMemoryAdapter a(host);
  for (const char* id : {"a", "b"}) {
    a.add_socket(id, host.socket(id));
    a.add_all(id, {id});
  }
  a.add_all("a", {"r"});
  CHECK(a.socket_rooms("a") == std::vector<std::string>{"a", "r"});
  CHECK(a.in_room("a", "a"));
  CHECK_FALSE(a.in_room("a", "b"));
  CHECK(a.room_count() == 3);
  a.broadcast(packet(), to({"a"}));
  CHECK(host.ids() == std::vector<std::string>{"a"});
  a.broadcast(packet(), to({}, {"a"}));
  CHECK(host.ids() == std::vector<std::string>{"b"});

  // Another socket may join a room named like a socket's id: both are members, each once.
  a.add_all("b", {"a"});
  CHECK(a.room_count() == 3);
  a.broadcast(packet(), to({"a"}));
  CHECK(host.ids() == std::vector<std::string>{"a", "b"});
  a.broadcast(packet(), to({"a", "b"}));
  CHECK(host.ids() == std::vector<std::string>{"a", "b"});
  a.broadcast(packet(), to({}, {"a"}));
  CHECK(host.ids().empty());

  a.del("a", "a");
  CHECK_FALSE(a.in_room("a", "a"));
  CHECK(a.socket_rooms("a") == std::vector<std::string>{"r"});
  a.broadcast(packet(), to({"a"}));
  CHECK(host.ids() == std::vector<std::string>{"b"});
  a.del("b", "a");
  a.broadcast(packet(), to({"a"}));
  CHECK(host.ids().empty());
  // Joining twice is joining once.
  a.add_all("a", {"a", "r", "a"});
  CHECK(a.socket_rooms("a") == std::vector<std::string>{"a", "r"});
  a.del_all("a");
  CHECK(a.room_count() == 1);
}

TEST_CASE("InMemoryAdapter::has_room knows rooms with members here, sockets' own rooms included") {
  Host host;
  sio::InMemoryAdapter a(host);
  a.add_socket("a", host.socket("a"));
  a.add_all("a", {"a", "r"});
  CHECK(a.has_room("r"));
  CHECK(a.has_room("a"));
  CHECK_FALSE(a.has_room("elsewhere"));
  a.del("a", "a");
  CHECK_FALSE(a.has_room("a"));  // it left its own room
  a.del("a", "r");
  CHECK_FALSE(a.has_room("r"));  // the room emptied
}

TEST_CASE("InMemoryAdapter::rooms lists the rooms with members here, each once") {
  Host host;
  sio::InMemoryAdapter a(host);
  a.add_socket("a", host.socket("a"));
  a.add_socket("b", host.socket("b"));
  a.add_all("a", {"a", "r"});
  a.add_all("b", {"b", "r", "a"});  // b joins the room named by a's id too
  auto rooms = a.rooms();
  std::sort(rooms.begin(), rooms.end());
  CHECK(rooms == std::vector<std::string>{"a", "b", "r"});
  // The default acknowledgement ids of a host count up on their own.
  const auto first = host.new_ack_id();
  CHECK(host.new_ack_id() == first + 1);
}

namespace {

// Records the room index's events, and whether each socket was still registered then.
struct RoomEvents final : sio::InMemoryAdapter {
  using InMemoryAdapter::InMemoryAdapter;
  std::vector<std::string> events;
  void on_room_created(const sio::Room& room) override { events.push_back("+" + room); }
  void on_room_deleted(const sio::Room& room) override {
    events.push_back("-" + room + (find_socket(room) ? " (registered)" : ""));
  }
};

}  // namespace

TEST_CASE("InMemoryAdapter tells when a room gets its first member here and loses its last") {
  Host host;
  RoomEvents a(host);
  a.add_socket("a", host.socket("a"));
  a.add_socket("b", host.socket("b"));
  a.add_all("a", {"a", "r"});
  a.add_all("b", {"b", "r", "a"});  // r and a's own room exist already
  CHECK(a.events == std::vector<std::string>{"+a", "+r", "+b"});
  a.events.clear();

  a.add_all("a", {"r"});  // already in: nothing
  a.del("a", "r");        // b is still in r
  CHECK(a.events.empty());
  a.del("a", "a");  // b is still in the room named "a"
  CHECK(a.events.empty());
  a.del("b", "a");
  CHECK(a.events == std::vector<std::string>{"-a (registered)"});
  a.events.clear();

  // A disconnecting socket takes its rooms with it, its own one while it is still registered.
  a.del_all("b");
  CHECK(a.events == std::vector<std::string>{"-r", "-b (registered)"});
  CHECK(a.rooms().empty());
}
