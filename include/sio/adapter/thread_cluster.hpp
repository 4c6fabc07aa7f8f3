#pragma once
/// \file
/// sio::ThreadCluster: the servers of one process, each on an I/O thread of its own, joined into
/// one cluster through the adapter seam, with no Redis. sio::ServerGroup sets one up; this header
/// is for applications that run their servers' threads themselves.
///
/// \code
/// sio::ThreadCluster cluster;
/// asio::io_context a, b;                       // each run by a thread of its own
/// sio::ServerOptions oa, ob;
/// oa.adapter = cluster.adapter(a);
/// ob.adapter = cluster.adapter(b);
/// sio::Server<sio::transport::websocketpp> io_a(a, oa), io_b(b, ob);
/// io_a.to("room").emit("news", "hi");          // reaches the room's members on both servers
/// \endcode

#include <chrono>
#include <cstddef>
#include <memory>

#include "sio/adapter/adapter.hpp"
#include "sio/log.hpp"

namespace asio {
class io_context;
}  // namespace asio

namespace sio {

/// Settings of a ThreadCluster.
struct ThreadClusterOptions {
  /// How long fetch_sockets and server_side_emit with replies wait for the other servers (5 s,
  /// as Node's cluster adapters): a server whose thread is stuck, or whose handler never
  /// replies, makes them end with sio::error::timeout and what came. Broadcasts with
  /// acknowledgements keep waiting for replies as long as their own timeout says (this one when
  /// they have none).
  std::chrono::milliseconds requests_timeout{5'000};
  /// Where log lines go (requests that timed out); silent when empty.
  Logger logger;
};

/// The in-process cluster: every server whose ServerOptions::adapter comes from adapter() is a
/// member, and each namespace's operations reach the namespace of the same name on every member
/// — broadcasts (rooms, except, volatile, compress), broadcasts with acknowledgements,
/// fetch_sockets (whose results work as with any adapter: emit, join, leave, disconnect),
/// sockets_join / sockets_leave, disconnect_sockets, server_side_emit with and without replies
/// (every argument of each reply, not only the first as across Redis), and the server count.
///
/// An operation reaches another member as a function posted to its io_context, with copies of
/// what it needs: nothing is shared between threads but this object's registry (behind a
/// mutex). What one member sends another arrives in the order it was sent. A member whose
/// io_context is not running receives nothing meanwhile: its share of a request times out.
/// A namespace that a member does not have is left out there (and not counted by server_count).
/// Members are added while the servers are set up, before their threads run; the cluster may be
/// destroyed before its adapters (they keep what they need).
class ThreadCluster {
 public:
  /// An empty cluster.
  explicit ThreadCluster(ThreadClusterOptions options = {});
  ~ThreadCluster();
  ThreadCluster(const ThreadCluster&) = delete;
  ThreadCluster& operator=(const ThreadCluster&) = delete;

  /// Adds a member, the server whose I/O thread runs `ioc`, and returns the factory of its
  /// adapters, for its ServerOptions::adapter. Call it once per server.
  AdapterFactory adapter(asio::io_context& ioc);
  /// The number of members.
  std::size_t size() const;
  /// The options in force.
  const ThreadClusterOptions& options() const noexcept;

  /// The registry of members and namespaces, shared with the adapters (src/adapter/thread_cluster.cpp).
  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace sio
