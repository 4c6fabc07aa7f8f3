#pragma once
/// \file
/// The handlers mounted on a transport, found by the longest path prefix: the routing table that
/// every transport keeps the same way.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sio/transport/transport.hpp"

namespace sio::transport {

/// One mounted handler. Connections and pending requests routed to it keep the entry (a
/// `std::shared_ptr<Mount>`): unmounting sets `handler` to null, so that those already routed see
/// it and call the handler no more, without the table knowing who holds what.
struct Mount {
  std::string path;       ///< The path prefix, e.g. "/socket.io/".
  Handler* handler;       ///< Null once unmounted.
  MountOptions options;   ///< Limits the transport enforces for this handler.
};

/// The mounts of one transport: a path prefix → handler table in which the longest matching prefix
/// wins and each path is mounted at most once. What an unmount does to open connections and
/// pending requests is the transport's business: unmount() hands back the entry to find them by.
///
/// \code
/// MountTable mounts;
/// mounts.mount("/socket.io/", engine, {});
/// if (std::shared_ptr<Mount> m = mounts.find(request.path)) m->handler->on_http(exchange);
/// \endcode
class MountTable {
 public:
  /// Mounts `handler` at `path` and returns the new entry. A path mounted already loses its old
  /// entry first, as unmount() does; a transport that must close what the old entry serves calls
  /// unmount() itself before.
  std::shared_ptr<Mount> mount(std::string path, Handler& handler, MountOptions options) {
    unmount(path);
    mounts_.push_back(std::make_shared<Mount>(Mount{std::move(path), &handler, options}));
    return mounts_.back();
  }

  /// Removes the entry at exactly `path`, sets its handler to null and returns it, or null when
  /// `path` is not mounted.
  std::shared_ptr<Mount> unmount(std::string_view path) {
    auto it = std::find_if(mounts_.begin(), mounts_.end(), [&](const std::shared_ptr<Mount>& m) { return m->path == path; });
    if (it == mounts_.end()) return nullptr;
    std::shared_ptr<Mount> m = std::move(*it);
    mounts_.erase(it);
    m->handler = nullptr;
    return m;
  }

  /// Removes every entry, setting each handler to null (the transport is going away).
  void clear() noexcept {
    for (auto& m : mounts_) m->handler = nullptr;
    mounts_.clear();
  }

  /// The entry whose path is the longest prefix of `path`, or null. Paths are compared byte for
  /// byte: "/socket.io/" takes "/socket.io/?EIO=4" but not "/socket.io".
  std::shared_ptr<Mount> find(std::string_view path) const noexcept {
    const std::shared_ptr<Mount>* best = nullptr;
    for (const auto& m : mounts_)
      if (path.substr(0, m->path.size()) == m->path && (!best || m->path.size() > (*best)->path.size())) best = &m;
    return best ? *best : nullptr;
  }

  /// The largest MountOptions::max_payload of all entries, and at least `floor`: the limit a
  /// transport must apply before it knows which mount a request is for.
  std::size_t largest_max_payload(std::size_t floor) const noexcept {
    for (const auto& m : mounts_) floor = std::max(floor, m->options.max_payload);
    return floor;
  }

  /// Number of entries.
  std::size_t size() const noexcept { return mounts_.size(); }
  /// True when nothing is mounted.
  bool empty() const noexcept { return mounts_.empty(); }

 private:
  std::vector<std::shared_ptr<Mount>> mounts_;
};

}  // namespace sio::transport
