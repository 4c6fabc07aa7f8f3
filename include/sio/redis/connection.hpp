#pragma once
/// \file
/// sio::redis::Connection: one connection to Redis on the application's io_context, for
/// commands or for subscriptions, that reconnects by itself. Part of the sio::redis library.
///
/// This header names nothing of hiredis (its protocol reader and command formatter are used
/// inside the library): an application includes it with Asio alone.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "sio/log.hpp"
#include "sio/redis/reply.hpp"

namespace asio {
class io_context;
}  // namespace asio

namespace sio::redis {

/// Where Redis is and how to reach it.
struct ConnectionOptions {
  /// Host name or address of the Redis server.
  std::string host = "127.0.0.1";
  /// Its port.
  std::uint16_t port = 6379;
  /// ACL user name (Redis 6 and later); empty: the default user.
  std::string username;
  /// Password sent with AUTH right after connecting; empty: no AUTH.
  std::string password;
  /// Longest a connection attempt (name resolution, TCP connect and AUTH) may take.
  std::chrono::milliseconds connect_timeout{5'000};
  /// Wait before the first reconnection attempt once Redis is lost or cannot be reached; each
  /// failed attempt doubles it, up to max_reconnect_delay.
  std::chrono::milliseconds reconnect_delay{100};
  /// Longest wait between reconnection attempts.
  std::chrono::milliseconds max_reconnect_delay{5'000};
};

/// Reads a Redis URL, `redis://[[user]:password@]host[:port][/db]`, into `options` (the fields it
/// names; the others keep their values). The database number is accepted and ignored: Pub/Sub
/// does not depend on it. \returns false, and leaves `options` as it was, for anything else.
bool parse_url(std::string_view url, ConnectionOptions& options);

/// One TCP connection to Redis, on an io_context run by one thread; every member and handler
/// runs on that thread.
///
/// Commands are pipelined and answered in order. While the connection is down (not yet
/// connected, Redis lost, AUTH refused) a command fails at once, its handler posted with
/// sio::error::cluster_unavailable, and commands in flight when it is lost fail the same way: a
/// caller never waits on Redis that is not there. The connection retries by itself, with a delay
/// that doubles from reconnect_delay to max_reconnect_delay, until stop().
///
/// Subscriptions (subscribe, psubscribe, ssubscribe) are kept and made again on each reconnection;
/// their messages go to on_message(). A connection with subscriptions is in Redis's subscribed
/// mode, where only (un)subscribe commands are allowed: use one connection to subscribe and
/// another for commands (PUBLISH and the rest), as Redis clients do.
class Connection {
 public:
  /// Receives the reply to a command, or an error with an empty reply (a Redis error reply is a
  /// reply: `error_code` is empty and Reply::is_error() true).
  using ReplyHandler = std::function<void(std::error_code, Reply)>;
  /// Receives a message: its channel, the pattern it matched (psubscribe; empty otherwise) and
  /// its payload, valid during the call.
  using MessageHandler = std::function<void(std::string_view channel, std::string_view pattern, std::string_view payload)>;
  /// Told when the connection comes up (connected, authenticated, subscriptions sent) or goes down.
  using StateHandler = std::function<void(bool up)>;
  /// Told when Redis confirms a subscription change: its kind ("subscribe", "psubscribe",
  /// "ssubscribe", "unsubscribe", ...) and the channel or pattern. Messages published after the
  /// confirmation reach on_message().
  using SubscribedHandler = std::function<void(std::string_view kind, std::string_view name)>;

  /// A connection to `options`, on `ioc`; nothing happens until start(). `name` labels its log
  /// lines ("redis pub", say).
  Connection(asio::io_context& ioc, ConnectionOptions options, Logger logger = {}, std::string name = "redis");
  /// Stops; no handler runs afterwards, not even for commands in flight.
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Connects, and keeps reconnecting whenever the connection is lost, until stop().
  void start();
  /// Closes the connection and stops reconnecting; commands in flight fail (posted, with
  /// sio::error::cluster_unavailable). start() may be called again.
  void stop();
  /// Whether the connection is up: commands can be sent.
  bool up() const noexcept;

  /// Sets the handler of state changes.
  void on_state(StateHandler handler);
  /// Sets the handler of messages of the subscriptions.
  void on_message(MessageHandler handler);
  /// Sets the handler of subscription confirmations.
  void on_subscribed(SubscribedHandler handler);

  /// Sends the command `args` (name first; binary-safe); `done`, if set, receives the reply.
  void command(std::vector<std::string> args, ReplyHandler done = {});

  /// SUBSCRIBE `channel`, now if up and on every reconnection.
  void subscribe(const std::string& channel);
  /// PSUBSCRIBE `pattern`, likewise.
  void psubscribe(const std::string& pattern);
  /// SSUBSCRIBE `channel` (sharded Pub/Sub, Redis 7), likewise.
  void ssubscribe(const std::string& channel);
  /// Ends a subscription made by subscribe().
  void unsubscribe(const std::string& channel);
  /// Ends a subscription made by psubscribe().
  void punsubscribe(const std::string& pattern);
  /// Ends a subscription made by ssubscribe().
  void sunsubscribe(const std::string& channel);

 private:
  class Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sio::redis
