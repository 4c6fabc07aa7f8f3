#pragma once
/// \file
/// sio::redis::Cluster: the Redis adapter, with which several servers (sio's, and Node's with
/// `@socket.io/redis-adapter` 8) serve one application. Part of the sio::redis library.
///
/// \code
/// asio::io_context ioc;
/// sio::redis::ClusterOptions redis;                 // Redis on 127.0.0.1:6379
/// sio::redis::Cluster cluster(ioc, redis);          // connects, and reconnects, by itself
/// sio::ServerOptions options;
/// options.adapter = cluster.adapter();
/// sio::Server<sio::transport::websocketpp> io(ioc, options);
/// io.to("room").emit("news", "hi");                 // reaches the room's members on every server
/// \endcode

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "sio/adapter/adapter.hpp"
#include "sio/log.hpp"
#include "sio/redis/connection.hpp"

namespace asio {
class io_context;
}  // namespace asio

namespace sio::redis {

/// Which channels a Cluster in sharded mode subscribes to (the `subscriptionMode` option of
/// Node's `createShardedAdapter`).
enum class SubscriptionMode {
  /// "static": one channel a namespace, `<key>#<nsp>#`, that every message goes through.
  static_,
  /// "dynamic" (the default): a broadcast to one room that is not a socket id goes through the
  /// room's own channel, `<key>#<nsp>#<room>#`, which a server subscribes to while the room has
  /// members there, so that servers without members never see it. A "socket id" is what looks
  /// like one to Node, a name of 20 characters.
  dynamic,
  /// "dynamic-private": the same for every room, sockets' own rooms included (a channel per
  /// socket: more subscriptions, fewer messages for direct messages).
  dynamic_private,
};

/// Settings of a Cluster; the defaults are `@socket.io/redis-adapter`'s.
struct ClusterOptions {
  /// Where Redis is (parse_url() reads a `redis://` URL into it).
  ConnectionOptions redis;
  /// The prefix of the channels (the adapter's `key` option; in sharded mode, the
  /// `channelPrefix` option): broadcasts go to `<key>#<namespace>#` (or
  /// `<key>#<namespace>#<room>#` for one room), requests to `<key>-request#<namespace>#`,
  /// responses to `<key>-response#<namespace>#`. In sharded mode, see `sharded`.
  std::string key = "socket.io";
  /// Sharded Pub/Sub (Redis 7 and later): the wire format of Node's `createShardedAdapter(pub,
  /// sub, {channelPrefix: key, subscriptionMode})` rather than `createAdapter`'s. Every message
  /// of a namespace goes by SPUBLISH to `<key>#<nsp>#` (or a room's channel, see
  /// subscription_mode), every answer to `<key>#<nsp>#<uid>#`, the channel of the server that
  /// asked; the server count is `PUBSUB SHARDNUMSUB <key>#<nsp>#`. All the servers of a cluster
  /// use the same mode: a sharded server and a classic one do not hear each other. The
  /// connections go to the one Redis server of `redis`: against a Redis Cluster, whose shards own
  /// the channels by hash slot, that server must own them all (Redis refuses the others with
  /// MOVED, and the log says so).
  ///
  /// \code
  /// sio::redis::ClusterOptions redis;
  /// redis.sharded = true;                                            // createShardedAdapter(pub, sub)
  /// redis.subscription_mode = sio::redis::SubscriptionMode::static_;  // {subscriptionMode: "static"}
  /// \endcode
  bool sharded = false;
  /// Which channels a sharded Cluster subscribes to; unused otherwise.
  SubscriptionMode subscription_mode = SubscriptionMode::dynamic;
  /// How long a request to the other servers waits for their answers (`requestsTimeout`).
  std::chrono::milliseconds requests_timeout{5'000};
  /// Where this server answers the requests of others, in the classic mode (Node's
  /// `publishOnSpecificResponseChannel`): false, Node's default, publishes every answer on the
  /// shared `<key>-response#<namespace>#`, which every server reads; true publishes it on the
  /// asker's own `<key>-response#<namespace>#<uid>#`, so that the others do not read and drop
  /// answers that are not theirs. Either way this server reads answers on both, so servers of one
  /// cluster may differ in this. The sharded mode always answers on the asker's channel.
  bool publish_on_specific_response_channel = false;
  /// Where log lines go (Redis lost and found again, messages that could not be read); silent
  /// when empty.
  Logger logger;
};

/// The Redis clients of one server (a publisher and a subscriber connection, Node's pubClient and
/// subClient) and the adapters of its namespaces, which share them. Everything runs on the
/// io_context given to the constructor, the server's: no thread of its own.
///
/// The adapters share its connections with it: if it is destroyed first, they keep them until
/// the server is gone. It connects at once and reconnects by itself when Redis is lost; while
/// Redis is away, the server goes on serving its own clients, and what should cross to other
/// servers does not (a log line says so).
///
/// What crosses servers, with `@socket.io/redis-adapter` 8's wire format: broadcasts (msgpack
/// `[uid, {type: 2, data: [event, ...args], nsp}, {rooms, except, flags}]` on
/// `<key>#<nsp>#[<room>#]`, binary arguments as `bin`), and the requests of the other operations
/// on `<key>-request#<nsp>#` with their answers on `<key>-response#<nsp>#`: fetch_sockets,
/// sockets_join / sockets_leave, disconnect_sockets, server_side_emit (with replies), broadcasts
/// with acknowledgements, and the server count (`PUBSUB NUMSUB` of the request channel). A
/// request that waits on other servers ends after ClusterOptions::requests_timeout with
/// sio::error::timeout and what came. Messages of `@socket.io/redis-emitter` reach this server's
/// clients too.
///
/// With ClusterOptions::sharded, the same operations cross in the wire format of
/// `createShardedAdapter` instead: socket.io-adapter's ClusterAdapter messages `{uid, nsp, type,
/// data}` (JSON, or msgpack when they carry binary) by SPUBLISH, see ClusterOptions::sharded and
/// SubscriptionMode. A request waits for one answer from each other server (the server count
/// less one) within the operation's timeout() (fetch_sockets, broadcasts with
/// acknowledgements), or requests_timeout without one (server_side_emit, as Node's 5 s).
class Cluster {
 public:
  /// Connects to Redis on `ioc`.
  Cluster(asio::io_context& ioc, ClusterOptions options);
  /// Lets go of the connections: they close once the server's adapters are gone too.
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  /// Closes both connections to Redis for good (a server shutting down): nothing crosses
  /// servers afterwards, and the io_context has no more work of this cluster's.
  void close();
  /// The factory of the adapters, for ServerOptions::adapter.
  AdapterFactory adapter();
  /// Whether both connections to Redis are up and Redis has confirmed the subscriptions of every
  /// namespace: what the other servers broadcast from now on reaches this server. In the dynamic
  /// sharded modes, a room's own channel is subscribed when the room gets its first member here,
  /// and up() does not wait for it: a broadcast to that room published before Redis has it
  /// misses this server, as it does with Node's adapter.
  bool up() const noexcept;
  /// Told when up() changes: true once Redis has confirmed every subscription (after each
  /// reconnection too), false when a connection is lost or a new namespace waits for its
  /// subscription. Told at once, inside the call, when up() is already true.
  void on_state(std::function<void(bool up)> handler);
  /// The options in force.
  const ClusterOptions& options() const noexcept;

  /// The connections and which adapter each subscription serves, shared with the adapters
  /// (src/redis/cluster_impl.hpp).
  class Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace sio::redis
