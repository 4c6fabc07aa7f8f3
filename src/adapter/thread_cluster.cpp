// sio::ThreadCluster (declared in sio/adapter/thread_cluster.hpp): the registry of members and
// namespaces, and the adapter of each namespace on each member. What crosses to another member
// is a function posted to its io_context that holds copies (OutgoingPacket::clone(), Args copied
// into packets of their own, plain values): no object of one thread is touched by another, and
// the handlers of the namespace layer never leave their thread (requests wait in the sender's
// adapter, under an id the answers carry).

#include "sio/adapter/thread_cluster.hpp"

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/args.hpp"
#include "sio/error.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"

namespace sio {

namespace {

class ThreadAdapter;

// Arguments that share nothing with `args` (a packet of their own), to hand to another thread.
Args detached(const Args& args) {
  auto packet = std::make_shared<protocol::Packet>();
  packet->has_data = true;
  packet->data.SetArray();
  auto& alloc = packet->data.GetAllocator();
  for (std::size_t i = 0; i < args.size(); ++i) {
    rapidjson::Value v;
    v.CopyFrom(args[i], alloc);
    packet->data.PushBack(v, alloc);
  }
  if (args.packet()) packet->attachments = args.packet()->attachments;
  return Args(std::move(packet), 0);
}

}  // namespace

class ThreadCluster::Impl : public std::enable_shared_from_this<Impl> {
 public:
  explicit Impl(ThreadClusterOptions options) : options_(std::move(options)) {}

  std::size_t add_member(asio::io_context& ioc) {
    std::lock_guard<std::mutex> lock(mutex_);
    members_.push_back(&ioc);
    return members_.size() - 1;
  }
  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return members_.size();
  }
  const ThreadClusterOptions& options() const noexcept { return options_; }

  void attach(std::size_t member, const std::string& nsp, ThreadAdapter* adapter) {
    std::lock_guard<std::mutex> lock(mutex_);
    adapters_[{member, nsp}] = adapter;
  }
  void detach(std::size_t member, const std::string& nsp, const ThreadAdapter* adapter) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = adapters_.find({member, nsp});
    if (it != adapters_.end() && it->second == adapter) adapters_.erase(it);
  }

  /// The members other than `self` that have namespace `nsp` now.
  std::vector<std::size_t> peers(std::size_t self, const std::string& nsp) const {
    std::vector<std::size_t> out;
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& entry : adapters_)
      if (entry.first.second == nsp && entry.first.first != self) out.push_back(entry.first.first);
    return out;
  }
  /// The members that have namespace `nsp` now.
  std::size_t count(const std::string& nsp) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::size_t n = 0;
    for (const auto& entry : adapters_)
      if (entry.first.second == nsp) ++n;
    return n;
  }

  /// Runs `fn(adapter)` on member `m`'s I/O thread, with the adapter of its namespace `nsp`, or
  /// null when it has none (any more). `fn` must hold only what may cross threads.
  template <class F>
  void on_member(std::size_t m, std::string nsp, F fn) {
    asio::io_context* ioc = nullptr;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (m < members_.size()) ioc = members_[m];
    }
    if (!ioc) return;
    asio::post(*ioc, [self = shared_from_this(), m, nsp = std::move(nsp), fn = std::move(fn)]() mutable {
      fn(self->find(m, nsp));
    });
  }

  std::uint64_t new_request_id() noexcept { return next_request_.fetch_add(1, std::memory_order_relaxed); }

 private:
  // Called on member m's own thread: only that thread attaches and detaches its adapters, so the
  // pointer stays valid for the caller.
  ThreadAdapter* find(std::size_t m, const std::string& nsp) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = adapters_.find({m, nsp});
    return it == adapters_.end() ? nullptr : it->second;
  }

  ThreadClusterOptions options_;
  mutable std::mutex mutex_;
  std::vector<asio::io_context*> members_;
  std::map<std::pair<std::size_t, std::string>, ThreadAdapter*> adapters_;
  std::atomic<std::uint64_t> next_request_{1};
};

namespace {

/// The adapter of one namespace on one member: this server's room index (InMemoryAdapter), and
/// every operation that crosses posted to the other members.
class ThreadAdapter final : public InMemoryAdapter {
 public:
  ThreadAdapter(AdapterHost& host, std::shared_ptr<ThreadCluster::Impl> cluster, std::size_t member,
                asio::io_context& ioc)
      : InMemoryAdapter(host), cluster_(std::move(cluster)), member_(member), ioc_(ioc), nsp_(host.name()) {}
  ~ThreadAdapter() override { close(); }

  void init() override { cluster_->attach(member_, nsp_, this); }
  void close() override {
    cluster_->detach(member_, nsp_, this);
    // What waits on other members ends now (its timers, destroyed, do not call back): a request
    // started completes, with sio::error::server_gone, later on this io_context, as Asio's
    // operations do, never inside the server's close. Replies of broadcasts with acks stop
    // coming; their own timeout ends them.
    for (auto& [id, r] : requests_) {
      (void)id;
      asio::post(ioc_, [fetch = std::move(r.fetch_done), sse = std::move(r.sse_done)] {
        const auto ec = make_error_code(error::server_gone);
        if (fetch) fetch(ec, {});
        if (sse) sse(ec, {});
      });
    }
    requests_.clear();
    acks_.clear();
  }
  void server_count(std::function<void(std::size_t)> done) override {
    const std::size_t n = cluster_->count(nsp_);
    done(n == 0 ? 1 : n);
  }

  // ---- answers from other members, on this thread ----

  void on_ack_count(std::uint64_t id, std::size_t clients) {
    auto it = acks_.find(id);
    if (it != acks_.end()) it->second.on_count(clients);
  }
  void on_ack_reply(std::uint64_t id, const Args& reply) {
    auto it = acks_.find(id);
    if (it != acks_.end()) it->second.on_reply({}, reply);
  }
  void on_fetched(std::uint64_t id, std::vector<SocketDetails> sockets) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    Request& r = it->second;
    for (auto& s : sockets) r.sockets.push_back(std::move(s));
    if (++r.received < r.expected) return;
    auto done = std::move(r.fetch_done);
    auto found = std::move(r.sockets);
    requests_.erase(it);
    done({}, std::move(found));
  }
  // `reply` is empty when the member had no such namespace or its handler did not reply.
  void on_replied(std::uint64_t id, std::optional<Args> reply) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    Request& r = it->second;
    if (reply) r.replies.push_back(std::move(*reply));
    if (++r.received < r.expected) return;
    auto done = std::move(r.sse_done);
    auto replies = std::move(r.replies);
    requests_.erase(it);
    done({}, std::move(replies));
  }

 protected:
  void forward_broadcast(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts) override {
    for (const std::size_t m : cluster_->peers(member_, nsp_))
      cluster_->on_member(m, nsp_, [packet = packet.clone(), opts](ThreadAdapter* a) {
        if (a) a->local_broadcast(packet, opts);
      });
  }

  void forward_broadcast_with_ack(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts,
                                  const CountHandler& on_count, const ReplyHandler& on_reply) override {
    const auto peers = cluster_->peers(member_, nsp_);
    if (peers.empty()) return;
    const std::uint64_t id = cluster_->new_request_id();
    AckRequest& pending = acks_[id];
    pending.on_count = on_count;
    pending.on_reply = on_reply;
    // Replies may come until the sender's own timeout; then the request is forgotten.
    pending.timer = expire_after(opts.timeout.value_or(cluster_->options().requests_timeout), [this, id] { acks_.erase(id); });
    for (const std::size_t m : peers)
      cluster_->on_member(m, nsp_, [cluster = cluster_, origin = member_, nsp = nsp_, id, packet = packet.clone(),
                                    opts](ThreadAdapter* a) {
        std::size_t reached = 0;
        if (a) {
          // An id of the receiving namespace's, for its sockets' replies.
          const protocol::OutgoingPacket out(protocol::PacketType::event, packet.nsp(), a->host().new_ack_id(),
                                             std::string(packet.payload()), packet.attachments());
          reached = a->local_broadcast_with_ack(out, opts, [cluster, origin, nsp, id](std::error_code ec, const Args& args) {
            if (ec) return;  // a client that did not answer: the sender's timeout covers it
            cluster->on_member(origin, nsp, [id, reply = detached(args)](ThreadAdapter* o) {
              if (o) o->on_ack_reply(id, reply);
            });
          });
        }
        cluster->on_member(origin, nsp, [id, reached](ThreadAdapter* o) {
          if (o) o->on_ack_count(id, reached);
        });
      });
  }

  void forward_fetch_sockets(const BroadcastOptions& opts, FetchHandler done) override {
    const auto peers = cluster_->peers(member_, nsp_);
    if (peers.empty()) return done({}, {});
    const std::uint64_t id = start_request(peers.size(), "fetch_sockets");
    requests_[id].fetch_done = std::move(done);
    for (const std::size_t m : peers)
      cluster_->on_member(m, nsp_, [cluster = cluster_, origin = member_, nsp = nsp_, id, opts](ThreadAdapter* a) {
        std::vector<SocketDetails> found;
        if (a) found = a->local_fetch_sockets(opts);
        cluster->on_member(origin, nsp, [id, found = std::move(found)](ThreadAdapter* o) mutable {
          if (o) o->on_fetched(id, std::move(found));
        });
      });
  }

  void forward_add_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) override {
    for (const std::size_t m : cluster_->peers(member_, nsp_))
      cluster_->on_member(m, nsp_, [opts, rooms](ThreadAdapter* a) {
        if (a) a->local_add_sockets(opts, rooms);
      });
  }
  void forward_del_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) override {
    for (const std::size_t m : cluster_->peers(member_, nsp_))
      cluster_->on_member(m, nsp_, [opts, rooms](ThreadAdapter* a) {
        if (a) a->local_del_sockets(opts, rooms);
      });
  }
  void forward_disconnect_sockets(const BroadcastOptions& opts, bool close) override {
    for (const std::size_t m : cluster_->peers(member_, nsp_))
      cluster_->on_member(m, nsp_, [opts, close](ThreadAdapter* a) {
        if (a) a->local_disconnect_sockets(opts, close);
      });
  }

  void forward_server_side_emit(const protocol::OutgoingPacket& packet, RepliesHandler replies,
                                std::optional<std::chrono::milliseconds> timeout) override {
    const auto peers = cluster_->peers(member_, nsp_);
    if (!replies) {
      for (const std::size_t m : peers)
        cluster_->on_member(m, nsp_, [packet = packet.clone()](ThreadAdapter* a) {
          if (a) a->host().on_server_side_emit(packet, {});
        });
      return;
    }
    if (peers.empty()) return replies({}, {});
    const std::uint64_t id = start_request(peers.size(), "server_side_emit", timeout);
    requests_[id].sse_done = std::move(replies);
    for (const std::size_t m : peers)
      cluster_->on_member(m, nsp_, [cluster = cluster_, origin = member_, nsp = nsp_, id,
                                    packet = packet.clone()](ThreadAdapter* a) {
        if (!a) {
          cluster->on_member(origin, nsp, [id](ThreadAdapter* o) {
            if (o) o->on_replied(id, std::nullopt);
          });
          return;
        }
        // The handler answers once, now or later, on this thread; the answer goes home.
        a->host().on_server_side_emit(packet, [cluster, origin, nsp, id, answered = false](const Args& args) mutable {
          if (answered) return;
          answered = true;
          cluster->on_member(origin, nsp, [id, reply = detached(args)](ThreadAdapter* o) {
            if (o) o->on_replied(id, reply);
          });
        });
      });
  }

 private:
  // A request that waits on the other members.
  struct Request {
    std::size_t expected = 0;
    std::size_t received = 0;
    std::vector<SocketDetails> sockets;
    FetchHandler fetch_done;
    std::vector<Args> replies;
    RepliesHandler sse_done;
    std::unique_ptr<asio::steady_timer> timer;
  };
  // A broadcast with acknowledgements whose replies other members send back.
  struct AckRequest {
    CountHandler on_count;
    ReplyHandler on_reply;
    std::unique_ptr<asio::steady_timer> timer;
  };

  // A request waiting on `expected` members, which ends with sio::error::timeout and what came
  // after `timeout` (requests_timeout by default).
  std::uint64_t start_request(std::size_t expected, const char* what,
                              std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    const std::uint64_t id = cluster_->new_request_id();
    Request& r = requests_[id];
    r.expected = expected;
    r.timer = expire_after(timeout.value_or(cluster_->options().requests_timeout), [this, id, what] {
      auto it = requests_.find(id);
      if (it == requests_.end()) return;
      auto request = std::move(it->second);
      requests_.erase(it);
      if (const auto& logger = cluster_->options().logger)
        logger(LogLevel::warn, std::string(what) + " of " + nsp_ + ": " + std::to_string(request.received) + " of " +
                                   std::to_string(request.expected) + " other threads answered in time");
      const auto ec = make_error_code(error::timeout);
      if (request.fetch_done) request.fetch_done(ec, std::move(request.sockets));
      if (request.sse_done) request.sse_done(ec, std::move(request.replies));
    });
    return id;
  }

  // Runs `fn` after `after`, unless the adapter is gone or the timer destroyed first.
  template <class F>
  std::unique_ptr<asio::steady_timer> expire_after(std::chrono::milliseconds after, F fn) {
    auto timer = std::make_unique<asio::steady_timer>(ioc_, after);
    timer->async_wait([alive = std::weak_ptr<char>(alive_), fn = std::move(fn)](const std::error_code& ec) mutable {
      if (!ec && alive.lock()) fn();
    });
    return timer;
  }

  std::shared_ptr<ThreadCluster::Impl> cluster_;
  std::size_t member_;
  asio::io_context& ioc_;
  std::string nsp_;
  std::map<std::uint64_t, Request> requests_;
  std::map<std::uint64_t, AckRequest> acks_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace

ThreadCluster::ThreadCluster(ThreadClusterOptions options) : impl_(std::make_shared<Impl>(std::move(options))) {}

ThreadCluster::~ThreadCluster() = default;

AdapterFactory ThreadCluster::adapter(asio::io_context& ioc) {
  const std::size_t member = impl_->add_member(ioc);
  return [impl = impl_, member, &ioc](AdapterHost& host) -> std::unique_ptr<Adapter> {
    return std::make_unique<ThreadAdapter>(host, impl, member, ioc);
  };
}

std::size_t ThreadCluster::size() const { return impl_->size(); }

const ThreadClusterOptions& ThreadCluster::options() const noexcept { return impl_->options(); }

}  // namespace sio
