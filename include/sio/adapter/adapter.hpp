#pragma once
/// \file
/// Adapters: who is in which room, and how a broadcast reaches its receivers.
///
/// The in-memory adapter (sio::InMemoryAdapter) is the default. An adapter that joins several
/// servers (Redis, later) derives from it and overrides what must cross servers.

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "sio/detail/payload_writer.hpp"

namespace sio {

/// A room name.
using Room = std::string;
/// A socket id.
using SocketId = std::string;

/// Who receives a broadcast and how. A plain value, so that it can travel between servers.
struct BroadcastOptions {
  std::vector<Room> rooms;    ///< Receivers are the members of these rooms; empty means every socket.
  std::vector<Room> except;   ///< Members of these rooms are left out (a socket's own id is a room).
  bool volatile_ = false;     ///< Drop for receivers that are not ready rather than queue.
  bool compress = true;       ///< Compression wish (kept for parity).
  bool local = false;         ///< Only this server, even with a multi-server adapter.
};

/// What an adapter needs from its namespace: delivering a packet to one of its sockets.
class AdapterHost {
 public:
  virtual ~AdapterHost() = default;
  /// The namespace's name.
  virtual std::string_view name() const noexcept = 0;
  /// Queues an encoded packet for socket `sid`, if it is connected here. `local` is what the
  /// namespace registered for that socket with InMemoryAdapter::add_socket (null if nothing), so
  /// a delivery need not look the socket up by its id.
  virtual void deliver(const SocketId& sid, void* local, const detail::EncodedPacket& packet,
                       const BroadcastOptions& opts) = 0;
};

/// The room index of one namespace and its broadcast; keeps rooms in memory, for one server.
///
/// Each socket has one entry (its rooms and the namespace's pointer for it); each room holds
/// pointers to its members' entries, so walking a room reaches every member without hashing ids.
/// The room named by a socket's own id, which every socket joins on connecting, is a flag of its
/// entry rather than an entry of the room index: it costs nothing per socket, and reaching a
/// socket by its id is one lookup.
class InMemoryAdapter {
 public:
  /// An adapter serving `host`.
  explicit InMemoryAdapter(AdapterHost& host) noexcept : host_(host) {}
  virtual ~InMemoryAdapter() = default;
  InMemoryAdapter(const InMemoryAdapter&) = delete;
  InMemoryAdapter& operator=(const InMemoryAdapter&) = delete;

  /// Registers a socket connected to this server, with the namespace's pointer for it (handed
  /// back to AdapterHost::deliver).
  virtual void add_socket(const SocketId& sid, void* local) { sids_[sid].local = local; }
  /// Adds socket `sid` to `rooms` (its own id among them, possibly).
  virtual void add_all(const SocketId& sid, const std::vector<Room>& rooms) {
    auto& node = *sids_.try_emplace(sid).first;
    Member& m = node.second;
    for (const auto& r : rooms) {
      if (r == sid) {
        m.own_room = true;
        continue;
      }
      auto pos = std::lower_bound(m.rooms.begin(), m.rooms.end(), r);
      if (pos != m.rooms.end() && *pos == r) continue;
      m.rooms.insert(pos, r);
      rooms_[r].insert(&node);
    }
  }
  /// Removes socket `sid` from `room`.
  virtual void del(const SocketId& sid, const Room& room) {
    auto it = sids_.find(sid);
    if (it == sids_.end()) return;
    Member& m = it->second;
    if (room == sid) {
      m.own_room = false;
      return;
    }
    auto pos = std::lower_bound(m.rooms.begin(), m.rooms.end(), room);
    if (pos == m.rooms.end() || *pos != room) return;
    m.rooms.erase(pos);
    remove_from_room(room, &*it);
  }
  /// Removes socket `sid` from every room and forgets it (on disconnect).
  virtual void del_all(const SocketId& sid) {
    auto it = sids_.find(sid);
    if (it == sids_.end()) return;
    for (const auto& r : it->second.rooms) remove_from_room(r, &*it);
    sids_.erase(it);
  }
  /// The rooms socket `sid` is in, its own id first when it is in that room.
  virtual std::vector<Room> socket_rooms(const SocketId& sid) const {
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
  /// Sends `packet` to the sockets `opts` selects, each once.
  virtual void broadcast(const detail::EncodedPacket& packet, const BroadcastOptions& opts) {
    apply(opts, [&](const SocketId& sid, void* local) { host_.deliver(sid, local, packet, opts); });
  }
  /// The ids of the local sockets `opts` selects.
  virtual std::vector<SocketId> sockets(const BroadcastOptions& opts) const {
    std::vector<SocketId> out;
    apply(opts, [&](const SocketId& sid, void*) { out.push_back(sid); });
    return out;
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
  /// Number of rooms with members, the sockets' own rooms included.
  std::size_t room_count() const noexcept {
    std::size_t n = rooms_.size();
    for (const auto& node : sids_)
      if (node.second.own_room && rooms_.find(node.first) == rooms_.end()) ++n;
    return n;
  }

 protected:
  /// The namespace served.
  AdapterHost& host() noexcept { return host_; }

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

  void remove_from_room(const Room& room, const Node* node) {
    auto it = rooms_.find(room);
    if (it == rooms_.end()) return;
    it->second.erase(node);
    if (it->second.empty()) rooms_.erase(it);
  }

  AdapterHost& host_;
  std::unordered_map<Room, std::unordered_set<const Node*>> rooms_;
  std::unordered_map<SocketId, Member> sids_;
};

/// The adapter type namespaces use; a remote adapter derives from InMemoryAdapter.
using Adapter = InMemoryAdapter;

/// Makes the adapter of a namespace; set ServerOptions::adapter to use another one.
using AdapterFactory = std::function<std::unique_ptr<Adapter>(AdapterHost& host)>;

}  // namespace sio
