#pragma once
/// \file
/// sio::ServerGroup: one Socket.IO server served by several I/O threads on one port, whose
/// namespaces form one cluster in the process (sio::ThreadCluster), with no Redis.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "sio/adapter/thread_cluster.hpp"
#include "sio/options.hpp"
#include "sio/server.hpp"
#include "sio/transport/websocketpp.hpp"

namespace sio {

namespace detail {

/// The marks of the servers of a ServerGroup, in order: server i ends its session ids with
/// group_marks[i] (ServerOptions::sid_mark).
inline constexpr std::string_view group_marks = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The server of a group of `servers` that holds the session named by the `sid` query parameter
/// of HTTP request line `line` (`GET /socket.io/?EIO=4&transport=polling&sid=... HTTP/1.1`),
/// read from the mark its id ends with; nothing when the request names no session of the group.
inline std::optional<std::size_t> sid_owner(std::string_view line, std::size_t servers) noexcept {
  const std::size_t start = line.find(' ');
  const std::size_t end = line.rfind(' ');
  if (start == std::string_view::npos || end <= start) return std::nullopt;
  const std::string_view target = line.substr(start + 1, end - start - 1);
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    if (param.size() > 4 && param.substr(0, 4) == "sid=") {
      const std::size_t owner = group_marks.find(param.back());
      if (owner < servers) return owner;
      return std::nullopt;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace detail

/// One Socket.IO server served by `size()` I/O threads: each thread runs an io_context of its own
/// with a sio::Server on a sio::transport::websocketpp, all of them listening on one port
/// (SO_REUSEPORT), and their namespaces joined by a sio::ThreadCluster, so that rooms,
/// broadcasts, broadcasts with acknowledgements, fetch_sockets, sockets_join / sockets_leave,
/// disconnect_sockets and server_side_emit span the threads — what no single Node process can
/// do. The application sets each server up with the same code it would write for one server:
///
/// \code
/// sio::ServerGroup group(2);                       // two I/O threads (0: one per core)
/// group.each([](sio::ServerGroup::server_type& io) {
///   io.on("connection", [&io](sio::Socket socket) {
///     socket.join("lobby");
///     socket.on("chat", [&io](sio::Socket, sio::Args args) {
///       io.to("lobby").emit("chat", args[0]);     // every thread's members of "lobby"
///     });
///   });
/// });
/// if (auto ec = group.listen(3000)) { /* port taken, ... */ }
/// group.run();                                     // until close() or stop()
/// \endcode
///
/// Each connection is served by one thread, and its handlers run there: a handler's `io` is the
/// server of its own thread, and what it does to other threads' sockets goes through the cluster.
/// A handler that shares the application's own state with other threads guards it itself.
///
/// Every request of a session reaches the thread that holds it: the kernel hands each new TCP
/// connection to any thread; that thread reads the request's first line and passes the
/// connection on to the thread whose mark ends the `sid` (ServerOptions::sid_mark, which the
/// group sets). Connections that name no session (a handshake, a direct WebSocket, a page) are
/// dealt round-robin. This needs the request in clear: over TLS, terminate TLS in front of the
/// group (a proxy), or run one sio::Server per thread with a Redis adapter instead.
class ServerGroup {
 public:
  /// The server of each thread.
  using server_type = Server<transport::websocketpp>;

  /// `threads` servers (0: one per core, as std::thread::hardware_concurrency() says), each made
  /// with `options` and a transport made with `transport_options` on an io_context of its own.
  /// The group replaces `options.adapter` (its ThreadCluster's) and `options.sid_mark`, and sets
  /// `transport_options.reuse_port`. Nothing runs until start() or run().
  /// \throws std::invalid_argument for more than 64 threads, or invalid options.
  explicit ServerGroup(std::size_t threads, ServerOptions options = {},
                       transport::WebsocketppOptions transport_options = {},
                       ThreadClusterOptions cluster_options = {})
      : cluster_(std::move(cluster_options)) {
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    if (threads > detail::group_marks.size())
      throw std::invalid_argument("sio::ServerGroup: at most 64 threads");
    transport_options.reuse_port = true;
    for (std::size_t i = 0; i < threads; ++i) {
      asio::io_context& ioc = contexts_.emplace_back(1);
      ServerOptions o = options;
      o.adapter = cluster_.adapter(ioc);
      o.sid_mark = detail::group_marks[i];
      servers_.push_back(std::make_unique<server_type>(ioc, std::move(o), transport_options));
    }
    for (auto& server : servers_)
      server->transport().set_router([this](std::string_view line) -> transport::websocketpp* {
        const auto owner = detail::sid_owner(line, servers_.size());
        const std::size_t i =
            owner ? *owner : next_.fetch_add(1, std::memory_order_relaxed) % servers_.size();
        return &servers_[i]->transport();
      });
  }
  /// Stops the threads (as stop()) and waits for them, then destroys the servers, which close
  /// their connections without calling the application's handlers (see Server::~Server).
  ~ServerGroup() {
    stop();
    wait_threads();
  }
  ServerGroup(const ServerGroup&) = delete;
  ServerGroup& operator=(const ServerGroup&) = delete;

  /// The number of servers (and threads).
  std::size_t size() const noexcept { return servers_.size(); }
  /// Server `i`, which runs on thread `i`. Once the threads run, use it on its thread (from its
  /// handlers, or through its post()), except for the calls Server documents as safe anywhere.
  server_type& server(std::size_t i) { return *servers_.at(i); }
  /// The io_context of server `i`.
  asio::io_context& context(std::size_t i) { return contexts_.at(i); }
  /// The cluster that joins the servers.
  ThreadCluster& cluster() noexcept { return cluster_; }

  /// Calls `setup(server)` for every server in turn, on the calling thread: the code that sets a
  /// single server up (handlers, middleware, namespaces). Before start() or run().
  template <class F>
  void each(F&& setup) {
    for (auto& server : servers_) setup(*server);
  }

  /// Every server listens on `address`:`port`; port 0 picks a free port for all (local_port()).
  /// Returns the first error; the servers that listened then stop listening again.
  std::error_code listen(std::uint16_t port, const std::string& address = "0.0.0.0") {
    for (std::size_t i = 0; i < servers_.size(); ++i) {
      const auto ec = servers_[i]->listen(i == 0 ? port : local_port(), address);
      if (ec) {
        for (std::size_t j = 0; j < i; ++j) servers_[j]->transport().stop_listening();
        return ec;
      }
    }
    return {};
  }
  /// The port the servers listen on, or 0.
  std::uint16_t local_port() const noexcept { return servers_.front()->transport().local_port(); }

  /// Starts one thread per server, each running its io_context until stop(), or until close()
  /// has let the server finish. Does nothing when they run already.
  void start() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!threads_.empty()) return;
    for (std::size_t i = 0; i < servers_.size(); ++i) {
      guards_.emplace_back(contexts_[i].get_executor());
      threads_.emplace_back([this, i] {
        try {
          contexts_[i].run();
        } catch (...) {
          // An exception out of a handler, as io_context::run() would give it to the caller of a
          // single server: the group stops and join() rethrows it.
          {
            std::lock_guard<std::mutex> l(mutex_);
            if (!error_) error_ = std::current_exception();
          }
          stop();
        }
      });
    }
  }
  /// Waits until every thread has ended. Rethrows the first exception a handler let out, if any.
  void join() {
    wait_threads();
    std::exception_ptr error;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      error = std::exchange(error_, nullptr);
    }
    if (error) std::rethrow_exception(error);
  }
  /// start(), then join(): serves until close() or stop(), from another thread or a handler.
  void run() {
    start();
    join();
  }

  /// Closes every server on its own thread (Server::close(): sockets disconnected with "server
  /// shutting down", connections closed, the port released), and lets each thread end once its
  /// io_context has nothing left to do. Safe from any thread, a handler included.
  void close() {
    for (std::size_t i = 0; i < servers_.size(); ++i) servers_[i]->post([this, i] { servers_[i]->close(); });
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& guard : guards_) guard.reset();
  }
  /// Stops every io_context at once: the threads end as soon as their current handler returns,
  /// and the servers are left as they are (destroying the group closes them). Safe from any
  /// thread, a handler included.
  void stop() {
    for (auto& ioc : contexts_) ioc.stop();
  }

 private:
  void wait_threads() {
    std::vector<std::thread> threads;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      threads.swap(threads_);
    }
    for (auto& t : threads)
      if (t.joinable() && t.get_id() != std::this_thread::get_id()) t.join();
      else if (t.joinable()) t.detach();
    std::lock_guard<std::mutex> lock(mutex_);
    guards_.clear();
  }

  std::deque<asio::io_context> contexts_;  // a deque: io_contexts do not move
  ThreadCluster cluster_;
  std::vector<std::unique_ptr<server_type>> servers_;
  std::atomic<std::size_t> next_{0};  // round-robin of connections that name no session
  std::mutex mutex_;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::exception_ptr error_;
};

}  // namespace sio
