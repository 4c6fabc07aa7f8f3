// sio::redis::Cluster (declared in sio/redis/adapter.hpp) and its Impl (cluster_impl.hpp): the
// connections to Redis, the subscriptions of the adapters, and the state told to the application.
#include "cluster_impl.hpp"

#include <utility>

#include "wire.hpp"

namespace sio::redis {

Cluster::Impl::Impl(asio::io_context& ioc, ClusterOptions options)
    : ioc_(ioc), options_(std::move(options)),
      pub_(ioc, options_.redis, options_.logger, "redis pub"),
      sub_(ioc, options_.redis, options_.logger, "redis sub") {
  sub_.on_message([this](std::string_view channel, std::string_view pattern, std::string_view payload) {
    on_message(channel, pattern, payload);
  });
  sub_.on_subscribed([this](std::string_view kind, std::string_view name) {
    if (awaited_.find(name) == awaited_.end()) return;
    if (kind == "subscribe" || kind == "psubscribe" || kind == "ssubscribe") confirmed_.emplace(name);
    else if (kind == "unsubscribe" || kind == "punsubscribe" || kind == "sunsubscribe") confirmed_.erase(std::string(name));
    report();
  });
  sub_.on_state([this](bool up) {
    if (!up) confirmed_.clear();
    report();
  });
  pub_.on_state([this](bool) { report(); });
  pub_.start();
  sub_.start();
}

Cluster::Impl::Subscribers& Cluster::Impl::subscribers(detail::Subscription kind) noexcept {
  switch (kind) {
    case detail::Subscription::pattern: return patterns_;
    case detail::Subscription::shard_channel: return shard_channels_;
    case detail::Subscription::channel: break;
  }
  return channels_;
}

void Cluster::Impl::subscribe(detail::Subscriber* subscriber, detail::Subscription kind, const std::string& name,
                              bool awaited) {
  subscribers(kind)[name] = subscriber;
  if (awaited) awaited_.insert(name);
  switch (kind) {
    case detail::Subscription::channel: sub_.subscribe(name); break;
    case detail::Subscription::pattern: sub_.psubscribe(name); break;
    case detail::Subscription::shard_channel: sub_.ssubscribe(name); break;
  }
  report();
}

void Cluster::Impl::unsubscribe(detail::Subscriber* subscriber, detail::Subscription kind, const std::string& name) {
  auto& map = subscribers(kind);
  auto it = map.find(name);
  if (it == map.end() || it->second != subscriber) return;
  map.erase(it);
  awaited_.erase(name);
  confirmed_.erase(name);
  switch (kind) {
    case detail::Subscription::channel: sub_.unsubscribe(name); break;
    case detail::Subscription::pattern: sub_.punsubscribe(name); break;
    case detail::Subscription::shard_channel: sub_.sunsubscribe(name); break;
  }
  report();
}

void Cluster::Impl::count_subscribers(const char* numsub, const std::string& channel, const std::weak_ptr<char>& alive,
                                      std::function<void(std::size_t)> done) {
  pub_.command({"PUBSUB", numsub, channel},
               [alive, logger = options_.logger, done = std::move(done)](std::error_code ec, Reply reply) {
                 std::size_t n = 1;
                 if (!ec && reply.type == Reply::Type::array && reply.elements.size() == 2 &&
                     reply.elements[1].type == Reply::Type::integer && reply.elements[1].integer > 0)
                   n = static_cast<std::size_t>(reply.elements[1].integer);
                 else
                   detail::log(logger, LogLevel::warn, "redis: cannot count the servers (" +
                                                           (ec ? ec.message() : std::string("unexpected reply")) +
                                                           "): counting this one alone");
                 if (alive.lock()) done(n);
               });
}

std::unique_ptr<asio::steady_timer> Cluster::Impl::expire_after(std::chrono::milliseconds after, std::weak_ptr<char> alive,
                                                                std::function<void()> fn) {
  auto timer = std::make_unique<asio::steady_timer>(ioc_, after);
  timer->async_wait([alive = std::move(alive), fn = std::move(fn)](const std::error_code& ec) {
    if (!ec && alive.lock()) fn();
  });
  return timer;
}

void Cluster::Impl::close() {
  pub_.stop();
  sub_.stop();
}

void Cluster::Impl::on_state(std::function<void(bool)> handler) {
  state_handler_ = std::move(handler);
  reported_ = false;
  report();
}

bool Cluster::Impl::up() const noexcept {
  if (!pub_.up() || !sub_.up()) return false;
  for (const auto& name : awaited_)
    if (confirmed_.find(name) == confirmed_.end()) return false;
  return true;
}

void Cluster::Impl::send_publish(const char* command, std::string channel, std::string message, const std::string& what) {
  pub_.command({command, std::move(channel), std::move(message)},
               [logger = options_.logger, what, command](std::error_code ec, Reply reply) {
                 if (ec) detail::log(logger, LogLevel::warn, "redis: " + what + " did not reach the other servers: " + ec.message());
                 else if (reply.is_error()) detail::log(logger, LogLevel::warn, std::string("redis: ") + command + " refused: " + reply.str);
               });
}

void Cluster::Impl::on_message(std::string_view channel, std::string_view pattern, std::string_view payload) {
  // The connection does not say whether a channel's message was sharded: a cluster subscribes
  // to one kind or the other, never to both for one name.
  const Subscribers& map = !pattern.empty() ? patterns_ : channels_.count(channel) ? channels_ : shard_channels_;
  auto it = map.find(pattern.empty() ? channel : pattern);
  if (it != map.end()) it->second->on_message(channel, pattern, payload);
}

void Cluster::Impl::report() {
  const bool now = up();
  if (now == reported_) return;
  reported_ = now;
  if (state_handler_) state_handler_(now);
}

Cluster::Cluster(asio::io_context& ioc, ClusterOptions options)
    : impl_(std::make_shared<Impl>(ioc, std::move(options))) {}

Cluster::~Cluster() = default;

void Cluster::close() { impl_->close(); }

void Cluster::on_state(std::function<void(bool up)> handler) { impl_->on_state(std::move(handler)); }

AdapterFactory Cluster::adapter() {
  return [impl = impl_](AdapterHost& host) {
    return impl->options().sharded ? detail::make_sharded_adapter(host, impl) : detail::make_classic_adapter(host, impl);
  };
}

bool Cluster::up() const noexcept { return impl_->up(); }

const ClusterOptions& Cluster::options() const noexcept { return impl_->options(); }

}  // namespace sio::redis
