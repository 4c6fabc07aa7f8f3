#pragma once
/// \file
/// Adapters: who is in which room, and how a broadcast reaches its receivers.
///
/// The in-memory adapter (sio::InMemoryAdapter) is the default. An adapter that joins several
/// servers (Redis, later) derives from it and overrides what must cross servers.

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
  /// Queues an encoded packet for socket `sid`, if it is connected here.
  virtual void deliver(const SocketId& sid, const detail::EncodedPacket& packet, const BroadcastOptions& opts) = 0;
};

/// The room index of one namespace and its broadcast; keeps rooms in memory, for one server.
class InMemoryAdapter {
 public:
  /// An adapter serving `host`.
  explicit InMemoryAdapter(AdapterHost& host) noexcept : host_(host) {}
  virtual ~InMemoryAdapter() = default;
  InMemoryAdapter(const InMemoryAdapter&) = delete;
  InMemoryAdapter& operator=(const InMemoryAdapter&) = delete;

  /// Adds socket `sid` to `rooms`.
  virtual void add_all(const SocketId& sid, const std::vector<Room>& rooms) {
    auto& mine = sids_[sid];
    for (const auto& r : rooms) {
      if (mine.insert(r).second) rooms_[r].insert(sid);
    }
  }
  /// Removes socket `sid` from `room`.
  virtual void del(const SocketId& sid, const Room& room) {
    if (auto it = sids_.find(sid); it != sids_.end()) it->second.erase(room);
    remove_from_room(room, sid);
  }
  /// Removes socket `sid` from every room (on disconnect).
  virtual void del_all(const SocketId& sid) {
    auto it = sids_.find(sid);
    if (it == sids_.end()) return;
    for (const auto& r : it->second) remove_from_room(r, sid);
    sids_.erase(it);
  }
  /// The rooms socket `sid` is in.
  virtual std::vector<Room> socket_rooms(const SocketId& sid) const {
    auto it = sids_.find(sid);
    if (it == sids_.end()) return {};
    return {it->second.begin(), it->second.end()};
  }
  /// Whether socket `sid` is in `room`.
  bool in_room(const SocketId& sid, const Room& room) const {
    auto it = sids_.find(sid);
    return it != sids_.end() && it->second.count(room) != 0;
  }
  /// Sends `packet` to the sockets `opts` selects, each once.
  virtual void broadcast(const detail::EncodedPacket& packet, const BroadcastOptions& opts) {
    apply(opts, [&](const SocketId& sid) { host_.deliver(sid, packet, opts); });
  }
  /// The ids of the local sockets `opts` selects.
  virtual std::vector<SocketId> sockets(const BroadcastOptions& opts) const {
    std::vector<SocketId> out;
    apply(opts, [&](const SocketId& sid) { out.push_back(sid); });
    return out;
  }
  /// Calls `fn` once for every local socket `opts` selects.
  void apply(const BroadcastOptions& opts, const std::function<void(const SocketId&)>& fn) const {
    auto excluded = [&](const SocketId& sid) {
      if (opts.except.empty()) return false;
      auto it = sids_.find(sid);
      if (it == sids_.end()) return false;
      for (const auto& r : opts.except)
        if (it->second.count(r)) return true;
      return false;
    };
    if (opts.rooms.empty()) {
      for (const auto& [sid, rooms] : sids_) {
        (void)rooms;
        if (!excluded(sid)) fn(sid);
      }
      return;
    }
    if (opts.rooms.size() == 1) {
      auto it = rooms_.find(opts.rooms.front());
      if (it == rooms_.end()) return;
      for (const auto& sid : it->second)
        if (!excluded(sid)) fn(sid);
      return;
    }
    // Several rooms: a socket in more than one of them still receives once.
    std::unordered_set<std::string_view> seen;
    for (const auto& room : opts.rooms) {
      auto it = rooms_.find(room);
      if (it == rooms_.end()) continue;
      for (const auto& sid : it->second)
        if (seen.insert(sid).second && !excluded(sid)) fn(sid);
    }
  }
  /// Number of rooms with members.
  std::size_t room_count() const noexcept { return rooms_.size(); }

 protected:
  /// The namespace served.
  AdapterHost& host() noexcept { return host_; }

 private:
  void remove_from_room(const Room& room, const SocketId& sid) {
    auto it = rooms_.find(room);
    if (it == rooms_.end()) return;
    it->second.erase(sid);
    if (it->second.empty()) rooms_.erase(it);
  }

  AdapterHost& host_;
  std::unordered_map<Room, std::unordered_set<SocketId>> rooms_;
  std::unordered_map<SocketId, std::unordered_set<Room>> sids_;
};

/// The adapter type namespaces use; a remote adapter derives from InMemoryAdapter.
using Adapter = InMemoryAdapter;

/// Makes the adapter of a namespace; set ServerOptions::adapter to use another one.
using AdapterFactory = std::function<std::unique_ptr<Adapter>(AdapterHost& host)>;

}  // namespace sio
