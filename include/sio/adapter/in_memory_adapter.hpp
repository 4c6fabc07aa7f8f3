#pragma once
/// \file
/// sio::InMemoryAdapter: the room index of one namespace on one server, and the default adapter.

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "sio/adapter/adapter.hpp"

namespace sio {

/// The adapter of one server: the room index of one namespace, in memory. The default adapter;
/// an adapter that joins several servers derives from it and overrides the `forward_*` hooks.
///
/// Each socket has one entry (its rooms and the namespace's pointer for it); each room holds
/// pointers to its members' entries, so walking a room reaches every member without hashing ids.
/// The room named by a socket's own id, which every socket joins on connecting, is a flag of its
/// entry rather than an entry of the room index: it costs nothing per socket, and reaching a
/// socket by its id is one lookup.
///
/// A room that gets its first member here, or loses its last, is told to on_room_created() /
/// on_room_deleted() (Node's "create-room" / "delete-room"), sockets' own rooms included.
class InMemoryAdapter : public Adapter {
 public:
  /// An adapter serving `host`.
  explicit InMemoryAdapter(AdapterHost& host) noexcept : Adapter(host) {}

  /// Registers a socket connected to this server, with the namespace's pointer for it (handed
  /// back to AdapterHost::deliver).
  void add_socket(const SocketId& sid, void* local) override { sids_[sid].local = local; }
  /// Adds socket `sid` to `rooms` (its own id among them, possibly).
  void add_all(const SocketId& sid, const std::vector<Room>& rooms) override {
    auto& node = *sids_.try_emplace(sid).first;
    Member& m = node.second;
    for (const auto& r : rooms) {
      if (r == sid) {
        if (m.own_room) continue;
        m.own_room = true;
        if (rooms_.find(r) == rooms_.end()) on_room_created(r);
        continue;
      }
      auto pos = std::lower_bound(m.rooms.begin(), m.rooms.end(), r);
      if (pos != m.rooms.end() && *pos == r) continue;
      m.rooms.insert(pos, r);
      auto& members = rooms_[r];
      const bool created = members.empty() && !in_own_room(r);
      members.insert(&node);
      if (created) on_room_created(r);
    }
  }
  /// Removes socket `sid` from `room`.
  void del(const SocketId& sid, const Room& room) override {
    auto it = sids_.find(sid);
    if (it == sids_.end()) return;
    Member& m = it->second;
    if (room == sid) {
      if (!m.own_room) return;
      m.own_room = false;
      if (rooms_.find(room) == rooms_.end()) on_room_deleted(room);
      return;
    }
    auto pos = std::lower_bound(m.rooms.begin(), m.rooms.end(), room);
    if (pos == m.rooms.end() || *pos != room) return;
    m.rooms.erase(pos);
    remove_from_room(room, &*it);
  }
  /// Removes socket `sid` from every room and forgets it (on disconnect).
  void del_all(const SocketId& sid) override {
    auto it = sids_.find(sid);
    if (it == sids_.end()) return;
    for (const auto& r : it->second.rooms) remove_from_room(r, &*it);
    if (it->second.own_room && rooms_.find(sid) == rooms_.end()) {
      it->second.own_room = false;
      on_room_deleted(sid);
    }
    sids_.erase(it);
  }
  /// The rooms socket `sid` is in, its own id first when it is in that room.
  std::vector<Room> socket_rooms(const SocketId& sid) const override {
    auto it = sids_.find(sid);
    if (it == sids_.end()) return {};
    std::vector<Room> out;
    out.reserve(it->second.rooms.size() + 1);
    if (it->second.own_room) out.push_back(sid);
    out.insert(out.end(), it->second.rooms.begin(), it->second.rooms.end());
    return out;
  }
  /// Whether socket `sid` is in `room`.
  bool in_room(const SocketId& sid, const Room& room) const {
    auto it = sids_.find(sid);
    if (it == sids_.end()) return false;
    if (room == sid) return it->second.own_room;
    return std::binary_search(it->second.rooms.begin(), it->second.rooms.end(), room);
  }
  /// Whether `room` has a member on this server (a socket's own id is the room of that socket).
  bool has_room(const Room& room) const { return rooms_.find(room) != rooms_.end() || in_own_room(room); }
  /// The namespace's pointer for socket `sid`, or null.
  void* find_socket(const SocketId& sid) const override {
    auto it = sids_.find(sid);
    return it == sids_.end() ? nullptr : it->second.local;
  }
  /// Calls `fn(sid, socket)` once for every socket `opts` selects.
  void for_each_socket(const BroadcastOptions& opts, detail::FunctionRef<void(const SocketId&, void*)> fn) const override {
    apply(opts, fn);
  }
  /// Calls `fn(sid, local)` once for every local socket `opts` selects.
  template <class F>
  void apply(const BroadcastOptions& opts, F&& fn) const {
    // Members of the excluded rooms, gathered once rather than checked per receiver.
    std::vector<const Node*> excluded;
    for (const auto& r : opts.except) for_members(r, [&](const Node* node) { excluded.push_back(node); });
    std::sort(excluded.begin(), excluded.end());
    auto visit = [&](const Node* node) {
      if (!excluded.empty() && std::binary_search(excluded.begin(), excluded.end(), node)) return;
      fn(node->first, node->second.local);
    };
    if (opts.rooms.empty()) {
      for (const auto& node : sids_) visit(&node);
      return;
    }
    if (opts.rooms.size() == 1) {
      // A room's explicit members never include the socket whose id names it: no duplicates.
      for_members(opts.rooms.front(), visit);
      return;
    }
    // Several rooms: a socket in more than one of them still receives once.
    std::unordered_set<const Node*> seen;
    for (const auto& room : opts.rooms)
      for_members(room, [&](const Node* node) {
        if (seen.insert(node).second) visit(node);
      });
  }
  /// The rooms with members on this server, the sockets' own rooms included (Node's
  /// `adapter.rooms.keys()`), in no particular order.
  std::vector<Room> rooms() const {
    std::vector<Room> out;
    out.reserve(rooms_.size() + sids_.size());
    for (const auto& entry : rooms_) out.push_back(entry.first);
    for (const auto& node : sids_)
      if (node.second.own_room && rooms_.find(node.first) == rooms_.end()) out.push_back(node.first);
    return out;
  }
  /// Number of rooms with members, the sockets' own rooms included.
  std::size_t room_count() const noexcept {
    std::size_t n = rooms_.size();
    for (const auto& node : sids_)
      if (node.second.own_room && rooms_.find(node.first) == rooms_.end()) ++n;
    return n;
  }

 private:
  struct Member {
    std::vector<Room> rooms;  ///< Sorted; without the socket's own id (see own_room).
    void* local = nullptr;
    bool own_room = false;    ///< In the room named by its own id.
  };
  // Entries of an unordered_map keep their address until erased: rooms point at them.
  using Node = std::pair<const SocketId, Member>;

  /// Calls `fn(node)` for every member of `room`: its explicit members, and the socket whose id
  /// names it if that socket is in its own room.
  template <class F>
  void for_members(const Room& room, F&& fn) const {
    auto it = rooms_.find(room);
    if (it != rooms_.end())
      for (const Node* node : it->second) fn(node);
    auto own = sids_.find(room);
    if (own != sids_.end() && own->second.own_room) fn(&*own);
  }

  // Whether socket `sid` is in the room of its own id.
  bool in_own_room(const SocketId& sid) const {
    auto own = sids_.find(sid);
    return own != sids_.end() && own->second.own_room;
  }

  void remove_from_room(const Room& room, const Node* node) {
    auto it = rooms_.find(room);
    if (it == rooms_.end()) return;
    it->second.erase(node);
    if (!it->second.empty()) return;
    rooms_.erase(it);
    if (!in_own_room(room)) on_room_deleted(room);
  }

  std::unordered_map<Room, std::unordered_set<const Node*>> rooms_;
  std::unordered_map<SocketId, Member> sids_;
};

}  // namespace sio
