#pragma once
/// \file
/// The Engine.IO session state machine (polling queue, heartbeat, upgrade, close) and the table
/// of sessions that engineio::Server keeps. Requests come to it routed by the HTTP edge
/// (sio/engineio/server.hpp); nothing here reads a path, a method or a query string.
///
/// Compiled into sio::sio (src/engineio/server_session.cpp). No public header includes it:
/// engineio::Server holds its SessionHost behind a pointer, so that a user's translation unit does
/// not compile the session machinery.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sio/detail/random.hpp"
#include "sio/detail/timer_queue.hpp"
#include "sio/engineio/frame.hpp"
#include "sio/engineio/packet.hpp"
#include "sio/engineio/server_options.hpp"
#include "sio/engineio/session.hpp"
#include "sio/error.hpp"
#include "sio/transport/transport.hpp"

namespace sio::engineio::detail {

class ServerSession;

/// What the sessions of one server share: the handler, options, timers and prebuilt frames, the
/// table of open sessions, and the deferred task that flushes polling queues and destroys closed
/// sessions once no call frame can still refer to them.
class SessionHost {
 public:
  /// How the host runs its deferred task later on the I/O thread (the transport's post()).
  using Post = std::function<void(std::function<void()>)>;

  /// Sessions that tell `handler`, follow `options` and schedule on `timers`; both must outlive
  /// the host. `post` runs a function later on the I/O thread, never inside the call.
  SessionHost(SessionHandler& handler, const ServerOptions& options, sio::detail::TimerQueue& timers, Post post);
  /// Destroys every session, open or closed; close_all() first tells the handler.
  ~SessionHost();
  SessionHost(const SessionHost&) = delete;
  SessionHost& operator=(const SessionHost&) = delete;

  /// Opens a session with a fresh id on `kind`, opened by `request`; the caller answers the
  /// handshake, starts the heartbeat and tells the handler.
  ServerSession& open(transport::HttpRequest request, TransportKind kind);
  /// The open session with id `sid`, or null. A session whose heartbeat deadline has passed is
  /// closed here (ping_timeout) and not found, even when the loop was too busy to run the
  /// deadline's timer yet.
  ServerSession* lookup(std::string_view sid) noexcept;
  /// Number of open sessions.
  std::size_t size() const noexcept { return sessions_.size(); }
  /// Ends every open session with `reason`.
  void close_all(CloseReason reason);
  /// The open sessions, as a list that stays valid while they end.
  std::vector<ServerSession*> sessions() const;

  /// Queues `session` for the deferred flush (once, however often it is asked).
  void schedule_flush(ServerSession& session);
  /// Takes `session` off the deferred flush.
  void cancel_flush(ServerSession& session) noexcept;
  /// Moves a finished `session` out of the table; it is destroyed in the deferred task.
  void retire(ServerSession& session);

  SessionHandler& handler;           ///< Told of every session's open, messages and close.
  const ServerOptions& options;      ///< The server's options.
  sio::detail::TimerQueue& timers;   ///< Every heartbeat, upgrade and close deadline.
  const Frame ping_frame;            ///< `2`, built once for every session.
  const Frame noop_frame;            ///< `6`
  const Frame close_frame;           ///< `1`
  const Frame pong_probe_frame;      ///< `3probe`
  /// Runs after a session has left the table (the server's shutdown watches for the last one).
  std::function<void()> on_retired;

 private:
  std::string new_sid();
  void schedule_deferred();
  void run_deferred();

  Post post_;
  sio::detail::SidGenerator sids_;
  // Keyed by a view of the session's own id.
  std::unordered_map<std::string_view, std::unique_ptr<ServerSession>> sessions_;
  // Sessions whose polling queue waits for the deferred flush.
  std::vector<ServerSession*> flush_list_;
  // Closed sessions, destroyed in the deferred task once no call frame can refer to them.
  std::vector<std::unique_ptr<ServerSession>> graveyard_;
  // Posted tasks hold a weak reference: a task that outlives the host does nothing.
  std::shared_ptr<SessionHost*> alive_;
  bool deferred_posted_ = false;
};

/// The Session the server hands to its SessionHandler: one Engine.IO connection's state machine
/// (transport, polling queue, heartbeat, upgrade, close). Requests reach it already routed: it
/// answers the polling requests it is given and knows nothing of paths, methods or query strings.
class ServerSession final : public Session {
 public:
  /// Life cycle: open, closing (Session::close() waits to deliver the close), closed (on_close told).
  enum class State : std::uint8_t { open, closing, closed };

  /// A session of `host` with id `id`, opened by `request` (kept without its body) on `kind`.
  ServerSession(SessionHost& host, std::string id, transport::HttpRequest request, TransportKind kind);

  const std::string& id() const noexcept override { return id_; }
  const transport::HttpRequest& request() const noexcept override { return request_; }
  std::chrono::system_clock::time_point opened_at() const noexcept override { return opened_at_; }
  TransportKind transport() const noexcept override { return kind_; }

  void send_queued(const Frame& frame) override;
  bool writable() const noexcept override;
  std::size_t buffered_amount() const noexcept override;
  void close() override;

  /// Where the session is in its life cycle.
  State state() const noexcept { return state_; }

  /// The address of the client that opened the session (client_address() of its handshake).
  const std::string& client_address() const noexcept { return client_address_; }

  /// True when `request` comes from the client that opened the session: the same client address.
  /// The sid alone is no proof, as it travels in URLs that logs, proxies and pages may show;
  /// a request from another address must neither read the session's packets nor write to it.
  bool from_own_client(const transport::HttpRequest& request) const noexcept;

  // ---- heartbeat ------------------------------------------------------------------------------

  /// Schedules the next ping ping_interval from now.
  void start_heartbeat();

  /// Sends a ping and waits for the pong until ping_timeout after the ping was due. Deadlines
  /// come from when the ping was due, not from when a busy loop got to it, so a late timer
  /// never stretches the heartbeat.
  void send_ping();

  /// True when a ping went unanswered past its deadline, whether or not the deadline's timer has
  /// run yet.
  bool heartbeat_expired(transport::TimePoint now) const noexcept {
    return state_ == State::open && pong_timer_ && now >= pong_deadline_;
  }

  /// The session's WebSocket wrote out everything it held.
  void on_ws_drain() {
    if (state_ == State::open) host_.handler.on_drain(*this);
  }

  /// A pong arrived: the answer to the outstanding ping, or, with none outstanding, a protocol
  /// error that closes the session.
  void on_pong();

  /// Stops pinging.
  void cancel_heartbeat() noexcept;

  // ---- packets from the client ----------------------------------------------------------------

  /// A packet on the session's own transport.
  void on_packet(PacketType type, std::string_view data, bool binary);

  /// A frame on the session's own WebSocket.
  void on_ws_frame(std::string_view data, bool binary);

  // ---- polling --------------------------------------------------------------------------------

  /// A polling GET for this session.
  void on_poll(const std::shared_ptr<transport::HttpExchange>& exchange);

  /// A polling POST for this session.
  void on_post(const std::shared_ptr<transport::HttpExchange>& exchange);

  /// The client of `exchange` went away.
  void on_poll_aborted(transport::HttpExchange& exchange);

  /// Answers the waiting GET with what is queued (and the close packet after Session::close()), or
  /// completes a WebSocket Session::close(). Runs in the deferred task, or when a GET arrives with
  /// something to send.
  void flush();

  // ---- upgrade --------------------------------------------------------------------------------

  /// True when a WebSocket may start upgrading this session.
  bool can_upgrade() const noexcept {
    return state_ == State::open && kind_ == TransportKind::polling && !upgrading_;
  }

  /// A WebSocket for this session opened: wait for its probe and upgrade packet.
  void begin_upgrade(std::shared_ptr<transport::WsConnection> connection);

  /// A frame on the WebSocket that is upgrading this session.
  void on_upgrade_frame(std::string_view data, bool binary);

  /// The upgrade packet arrived: the WebSocket becomes the session's transport.
  void complete_upgrade();

  /// Gives up an upgrade (closing its socket unless it is gone); the session goes on with polling.
  void abort_upgrade(bool close_socket);

  /// True when `c` is the session's own WebSocket.
  bool owns_socket(const transport::WsConnection& c) const noexcept { return ws_.get() == &c; }
  /// True when `c` is the WebSocket upgrading the session.
  bool upgrading_on(const transport::WsConnection& c) const noexcept { return upgrade_ws_.get() == &c; }

  // ---- the end --------------------------------------------------------------------------------

  /// Ends the session: settles its transports, tells the handler, and leaves the object to the
  /// deferred task for destruction. Later calls do nothing. `socket_gone`: the WebSocket is closed already.
  void finish(CloseReason reason, bool socket_gone = false);

  /// The server is shutting down: what is queued is delivered, then the close packet, and the
  /// session ends with CloseReason::server_shutting_down. A WebSocket session ends at once: its
  /// socket writes what it holds before its closing handshake (going away), and the caller keeps
  /// the socket to see that handshake end. A polling session answers its GETs with what is
  /// queued, then a GET with the close packet alone (the official client loses packets that
  /// share a response with it), and ends. Nothing the client sends meanwhile reaches the handler. The caller bounds the wait (the session sets no
  /// deadline of its own).
  void shut_down();

  /// The session's own WebSocket, or null.
  const std::shared_ptr<transport::WsConnection>& websocket_connection() const noexcept { return ws_; }

  /// Makes `connection` the transport of a session opened by a WebSocket handshake.
  void attach_websocket(std::shared_ptr<transport::WsConnection> connection);

 private:
  friend class SessionHost;

  // A frame for the client on the current transport (state already checked).
  void push(const Frame& frame);

  void schedule_flush();

  // Answers the waiting GET with the queued frames (when `with_queue`), then `last` if given.
  void respond_poll(const FrameData* last, bool with_queue = true);

  SessionHost& host_;
  std::string id_;
  transport::HttpRequest request_;
  std::string client_address_;
  std::chrono::system_clock::time_point opened_at_;
  std::shared_ptr<transport::WsConnection> ws_;          // the session's WebSocket
  std::shared_ptr<transport::HttpExchange> poll_;        // the waiting polling GET
  std::shared_ptr<transport::WsConnection> upgrade_ws_;  // the WebSocket upgrading this polling session
  std::vector<Frame> queue_;                             // frames for the next polling response
  std::size_t queued_bytes_ = 0;
  sio::detail::TimerQueue::Id ping_timer_ = 0, pong_timer_ = 0, upgrade_timer_ = 0, close_timer_ = 0;
  transport::TimePoint ping_due_{}, pong_deadline_ = transport::TimePoint::max();
  State state_ = State::open;
  TransportKind kind_;
  bool upgrading_ = false;      // a WebSocket for this session is open and not yet upgraded
  bool probed_ = false;         // ... and it answered the probe: polling only answers noops now
  bool close_pending_ = false;  // close(): the next polling response ends with the close packet
  CloseReason close_reason_ = CloseReason::forced_close;  // what a pending close ends with
  bool flush_scheduled_ = false;  // on the host's flush list
};

}  // namespace sio::engineio::detail
