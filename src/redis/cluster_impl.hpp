#pragma once
// sio::redis::Cluster::Impl: the two Redis connections of a server (publisher and subscriber)
// and which adapter each subscription's messages go to. The adapters of src/redis/adapter.cpp
// (classic) and src/redis/sharded_adapter.cpp share one. Internal to sio::redis.

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "sio/detail/random.hpp"
#include "sio/error.hpp"
#include "sio/redis/adapter.hpp"
#include "sio/redis/connection.hpp"

namespace sio::redis {

namespace detail {

/// What receives the messages of the subscriptions it makes through Cluster::Impl: an adapter.
class Subscriber {
 public:
  /// A message of one of its subscriptions: `pattern` is the pattern it matched, empty for a
  /// channel (sharded or not).
  virtual void on_message(std::string_view channel, std::string_view pattern, std::string_view payload) = 0;

 protected:
  ~Subscriber() = default;
};

/// The kinds of subscription: SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE.
enum class Subscription { channel, pattern, shard_channel };

}  // namespace detail

class Cluster::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& ioc, ClusterOptions options);

  /// Subscribes `subscriber` to `name` (now, and again after each reconnection). With `awaited`,
  /// up() is false until Redis has confirmed it.
  void subscribe(detail::Subscriber* subscriber, detail::Subscription kind, const std::string& name, bool awaited = true);
  /// Ends the subscription to `name` that `subscriber` made.
  void unsubscribe(detail::Subscriber* subscriber, detail::Subscription kind, const std::string& name);

  /// PUBLISH `message` on `channel`; a failure is logged, as `what` that did not cross.
  void publish(std::string channel, std::string message, const std::string& what) {
    send_publish("PUBLISH", std::move(channel), std::move(message), what);
  }
  /// SPUBLISH, likewise (sharded Pub/Sub).
  void spublish(std::string channel, std::string message, const std::string& what) {
    send_publish("SPUBLISH", std::move(channel), std::move(message), what);
  }

  /// The number of subscribers of `channel` by PUBSUB `numsub` ("NUMSUB" or "SHARDNUMSUB"): the
  /// servers of a namespace. 1 (this one alone) when Redis cannot say, with a log line; `done`
  /// does not run if `alive` has expired by then.
  void count_subscribers(const char* numsub, const std::string& channel, const std::weak_ptr<char>& alive,
                         std::function<void(std::size_t)> done);
  /// A timer that runs `fn` after `after`, unless `alive` has expired or the timer is destroyed
  /// first (a request that waits on other servers).
  std::unique_ptr<asio::steady_timer> expire_after(std::chrono::milliseconds after, std::weak_ptr<char> alive,
                                                   std::function<void()> fn);

  void close();
  void on_state(std::function<void(bool)> handler);
  bool up() const noexcept;

  asio::io_context& ioc() noexcept { return ioc_; }
  Connection& pub() noexcept { return pub_; }
  const ClusterOptions& options() const noexcept { return options_; }
  /// A random id, `length` characters of URL-safe base64 (at most 20).
  std::string make_uid(std::size_t length = 6) { return ids_.next().substr(0, length); }

 private:
  using Subscribers = std::map<std::string, detail::Subscriber*, std::less<>>;

  Subscribers& subscribers(detail::Subscription kind) noexcept;
  void send_publish(const char* command, std::string channel, std::string message, const std::string& what);
  void on_message(std::string_view channel, std::string_view pattern, std::string_view payload);
  // Tells the state handler when up() changed since it was last told.
  void report();

  asio::io_context& ioc_;
  ClusterOptions options_;
  Connection pub_;
  Connection sub_;
  Subscribers channels_, patterns_, shard_channels_;
  // The subscriptions up() waits for (the namespaces' own, not the rooms'), and those of them
  // Redis confirmed since the last connect.
  std::set<std::string, std::less<>> awaited_, confirmed_;
  std::function<void(bool)> state_handler_;
  bool reported_ = false;
  sio::detail::SidGenerator ids_;
};

namespace detail {

/// Ends the requests that an adapter which closes waits on (`requests`: id → a value with
/// `fetch_done` and `sse_done`): each completes with sio::error::server_gone, posted on `ioc`
/// rather than run inside the close, as Asio's operations do. Their timers go with them.
template <class Requests>
void end_requests(asio::io_context& ioc, Requests& requests) {
  for (auto& entry : requests) {
    auto& r = entry.second;
    asio::post(ioc, [fetch = std::move(r.fetch_done), sse = std::move(r.sse_done)] {
      const auto ec = make_error_code(error::server_gone);
      if (fetch) fetch(ec, {});
      if (sse) sse(ec, {});
    });
  }
  requests.clear();
}

/// The adapter of @socket.io/redis-adapter's createAdapter (src/redis/adapter.cpp).
std::unique_ptr<Adapter> make_classic_adapter(AdapterHost& host, std::shared_ptr<Cluster::Impl> cluster);
/// The adapter of @socket.io/redis-adapter's createShardedAdapter (src/redis/sharded_adapter.cpp).
std::unique_ptr<Adapter> make_sharded_adapter(AdapterHost& host, std::shared_ptr<Cluster::Impl> cluster);

}  // namespace detail

}  // namespace sio::redis
