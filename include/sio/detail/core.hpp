#pragma once
// The Socket.IO layer over Engine.IO: clients, namespaces and sockets, and the bodies of the
// public handles' non-template members. Everything here runs on the I/O thread.

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sio/adapter/adapter.hpp"
#include "sio/args.hpp"
#include "sio/detail/payload_writer.hpp"
#include "sio/detail/random.hpp"
#include "sio/detail/timer_queue.hpp"
#include "sio/engineio/server.hpp"
#include "sio/engineio/session.hpp"
#include "sio/error.hpp"
#include "sio/log.hpp"
#include "sio/namespace.hpp"
#include "sio/operators.hpp"
#include "sio/options.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/socket.hpp"

namespace sio::detail {

class ServerCore;
struct ClientState;
struct NamespaceState;

// The socket-level reason for the end of an Engine.IO session.
inline DisconnectReason to_disconnect_reason(engineio::CloseReason r) noexcept {
  switch (r) {
    case engineio::CloseReason::transport_close: return DisconnectReason::transport_close;
    case engineio::CloseReason::transport_error: return DisconnectReason::transport_error;
    case engineio::CloseReason::ping_timeout: return DisconnectReason::ping_timeout;
    case engineio::CloseReason::parse_error: return DisconnectReason::parse_error;
    case engineio::CloseReason::forced_close: return DisconnectReason::forced_close;
    case engineio::CloseReason::server_shutting_down: return DisconnectReason::server_shutting_down;
  }
  return DisconnectReason::transport_close;
}

struct SocketState : std::enable_shared_from_this<SocketState> {
  enum class Phase : unsigned char { connecting, connected, closed };

  struct EventHandler {
    std::string event;  // empty for an on_any handler
    std::function<void(Socket&, Args&, Ack&)> fn;
    std::function<void(Socket&, std::string_view, Args&)> any;
    bool once = false;
  };
  struct ReasonHandler {
    bool disconnecting = false;
    std::function<void(Socket&, DisconnectReason)> fn;
    bool once = false;
  };
  struct ErrorHandler {
    std::function<void(Socket&, const ConnectError&)> fn;
    bool once = false;
  };
  struct PendingReply {
    std::uint64_t id;
    std::function<void(std::error_code, Args&)> fn;
    TimerQueue::Id timer;
  };

  std::string id;
  NamespaceState* nsp = nullptr;
  ClientState* client = nullptr;  // null once closed
  // The session's WebSocket while it is open on one (engineio::Session::websocket()), so that
  // a delivery goes to the connection without passing through the client and its session.
  transport::WsConnection* ws = nullptr;
  Phase phase = Phase::connecting;
  std::shared_ptr<const protocol::Packet> connect_packet;  // holds the auth payload
  std::vector<std::shared_ptr<EventHandler>> handlers;
  std::vector<std::shared_ptr<ReasonHandler>> reason_handlers;
  std::vector<std::shared_ptr<ErrorHandler>> error_handlers;
  std::vector<std::shared_ptr<std::function<void(Event&, Next)>>> middlewares;
  std::vector<PendingReply> pending_replies;  // replies this server waits for
  std::shared_ptr<void> data;

  bool connected() const noexcept { return phase == Phase::connected && client != nullptr; }
  ServerCore* core() const noexcept;
  engineio::Session* session() const noexcept;
};

struct ClientState {
  ServerCore* core;
  engineio::Session* session;  // null once the connection closed
  protocol::Decoder decoder;
  std::vector<std::shared_ptr<SocketState>> sockets;  // one per namespace, connecting or connected
  TimerQueue::Id connect_timer = 0;

  ClientState(ServerCore* c, engineio::Session* s, protocol::DecoderOptions o) : core(c), session(s), decoder(o) {}
  SocketState* socket_for(std::string_view nsp) const noexcept {
    for (const auto& s : sockets)
      if (s->phase != SocketState::Phase::closed && socket_nsp(*s) == nsp) return s.get();
    return nullptr;
  }
  static std::string_view socket_nsp(const SocketState& s) noexcept;
  bool has_connected_socket() const noexcept {
    for (const auto& s : sockets)
      if (s->phase == SocketState::Phase::connected) return true;
    return false;
  }
};

struct NamespaceState final : AdapterHost {
  std::string name_;
  ServerCore* core;
  std::vector<std::function<void(Socket&, Next)>> middlewares;
  std::vector<std::shared_ptr<std::function<void(Socket&)>>> connection_handlers;
  std::unordered_map<std::string, std::shared_ptr<SocketState>> sockets;  // connected ones
  std::unique_ptr<Adapter> adapter;
  // Ack ids of the namespace's emits, to one socket or many: shared, as Node does, so a socket
  // never sees one id used for two pending questions.
  std::uint64_t next_ack_id = 0;
  std::size_t delivered = 0;  // receivers of the broadcast under way

  NamespaceState(std::string n, ServerCore* c) : name_(std::move(n)), core(c) {}
  std::string_view name() const noexcept override { return name_; }
  void deliver(const SocketId& sid, void* local, const EncodedPacket& packet, const BroadcastOptions& opts) override;
  SocketState* find(std::string_view id) const {
    auto it = sockets.find(std::string(id));
    return it == sockets.end() ? nullptr : it->second.get();
  }
};

class ServerCore final : public engineio::SessionHandler {
 public:
  explicit ServerCore(ServerOptions options) : options_(std::move(options)) {
    if (options_.path.empty() || options_.path.front() != '/')
      throw std::invalid_argument("sio: ServerOptions::path must start with '/'");
    if (options_.path.back() != '/') options_.path.push_back('/');
    for (const auto& t : options_.transports)
      if (t != "polling" && t != "websocket")
        throw std::invalid_argument("sio: unknown transport \"" + t + "\" (use \"polling\" or \"websocket\")");
    if (options_.transports.empty()) throw std::invalid_argument("sio: ServerOptions::transports is empty");
    if (options_.ping_interval.count() <= 0 || options_.ping_timeout.count() <= 0 || options_.connect_timeout.count() <= 0)
      throw std::invalid_argument("sio: ping_interval, ping_timeout and connect_timeout must be positive");
    if (options_.max_http_buffer_size == 0) throw std::invalid_argument("sio: max_http_buffer_size must be positive");
    if (options_.serve_client && !options_.client_file.empty()) load_client_file();
    of("/");
  }
  ~ServerCore() override { detach_all(); }
  ServerCore(const ServerCore&) = delete;
  ServerCore& operator=(const ServerCore&) = delete;

  // The Engine.IO options these settings translate to.
  engineio::ServerOptions engine_options() const {
    engineio::ServerOptions e;
    e.ping_interval = options_.ping_interval;
    e.ping_timeout = options_.ping_timeout;
    e.upgrade_timeout = options_.upgrade_timeout;
    e.max_payload = options_.max_http_buffer_size;
    e.polling = std::find(options_.transports.begin(), options_.transports.end(), "polling") != options_.transports.end();
    e.websocket = std::find(options_.transports.begin(), options_.transports.end(), "websocket") != options_.transports.end();
    e.allow_upgrades = options_.allow_upgrades;
    e.cors_origins = options_.cors.origins;
    e.cors_credentials = options_.cors.credentials;
    e.allow_request = options_.allow_request;
    e.logger = options_.logger;
    return e;
  }

  void attach(engineio::Server& engine, std::function<void(std::function<void()>)> post,
              std::function<bool()> in_io_thread) {
    engine_ = &engine;
    post_ = std::move(post);
    in_io_thread_ = std::move(in_io_thread);
    engine.set_request_interceptor([this](const std::shared_ptr<transport::HttpExchange>& ex) { return serve_client(*ex); });
  }

  const ServerOptions& options() const noexcept { return options_; }
  engineio::Server& engine() noexcept { return *engine_; }
  TimerQueue& timers() noexcept { return engine_->timers(); }
  // Whether the caller runs on the I/O thread (other threads have their calls posted).
  bool on_io_thread() const noexcept { return !in_io_thread_ || in_io_thread_(); }

  // Runs fn later on the I/O thread, unless the server is gone by then. Safe from any thread.
  void post(std::function<void()> fn) {
    post_([alive = std::weak_ptr<int>(alive_), fn = std::move(fn)] {
      if (alive.lock()) fn();
    });
  }

  NamespaceState& of(std::string_view name) {
    std::string key(name.empty() ? "/" : name);
    if (key.front() != '/') key.insert(key.begin(), '/');
    auto it = nsps_.find(key);
    if (it != nsps_.end()) return *it->second;
    auto state = std::make_unique<NamespaceState>(key, this);
    state->adapter = options_.adapter ? options_.adapter(*state) : std::make_unique<Adapter>(*state);
    auto& ref = *state;
    nsps_.emplace(std::move(key), std::move(state));
    return ref;
  }
  NamespaceState* find_nsp(std::string_view name) const {
    auto it = nsps_.find(name);
    return it == nsps_.end() ? nullptr : it->second.get();
  }

  void log(LogLevel level, std::string_view msg) const {
    if (options_.logger) options_.logger(level, msg);
  }
  template <class... P>
  void logf(LogLevel level, const P&... parts) const {
    if (!options_.logger) return;
    std::string msg;
    (msg.append(parts), ...);
    options_.logger(level, msg);
  }

  // ---- engineio::SessionHandler ----

  void on_open(engineio::Session& session) override {
    protocol::DecoderOptions dopts;
    dopts.max_attachments = options_.max_attachments;
    auto* client = new ClientState(this, &session, dopts);
    session.user_data = client;
    client->connect_timer = timers().schedule_after(options_.connect_timeout, [this, client] {
      client->connect_timer = 0;
      if (client->session && !client->has_connected_socket()) {
        log(LogLevel::debug, "no namespace connected in time: closing the connection");
        client->session->close();
      }
    });
  }

  void on_message(engineio::Session& session, std::string_view data, bool binary) override {
    auto* client = static_cast<ClientState*>(session.user_data);
    if (!client) return;
    std::error_code ec = binary ? client->decoder.feed_binary(data) : client->decoder.feed_text(data);
    if (ec) {
      logf(LogLevel::warn, "closing connection ", session.id(), ": ", ec.message());
      close_client(*client, DisconnectReason::parse_error);
      return;
    }
    if (client->decoder.ready()) dispatch(*client, client->decoder.take_shared());
  }

  void on_transport_change(engineio::Session& session) override {
    auto* client = static_cast<ClientState*>(session.user_data);
    if (!client) return;
    for (auto& s : client->sockets) s->ws = s->phase == SocketState::Phase::connected ? session.websocket() : nullptr;
  }

  void on_close(engineio::Session& session, engineio::CloseReason reason) override {
    auto* client = static_cast<ClientState*>(session.user_data);
    if (!client) return;
    session.user_data = nullptr;
    client->session = nullptr;
    for (auto& s : client->sockets) s->ws = nullptr;
    std::unique_ptr<ClientState> owned(client);
    auto finish = [this, c = std::shared_ptr<ClientState>(std::move(owned)), reason] {
      if (c->connect_timer) timers().cancel(c->connect_timer);
      auto sockets = c->sockets;
      for (auto& s : sockets) close_socket(*s, to_disconnect_reason(reason));
    };
    // A close met while a broadcast walks the room index is finished after it.
    if (broadcasting_ > 0) post(std::move(finish));
    else finish();
  }

  // ---- packets ----

  void dispatch(ClientState& client, std::shared_ptr<protocol::Packet> shared) {
    using protocol::PacketType;
    protocol::Packet& packet = *shared;
    switch (packet.type) {
      case PacketType::connect: return on_connect(client, std::move(shared));
      case PacketType::disconnect:
        if (auto* s = client.socket_for(packet.nsp)) close_socket(*s, DisconnectReason::client_namespace_disconnect);
        return;
      case PacketType::event:
      case PacketType::binary_event:
        if (auto* s = client.socket_for(packet.nsp); s && s->phase == SocketState::Phase::connected)
          on_event(*s, std::move(shared));
        else
          logf(LogLevel::debug, "event for namespace ", packet.nsp, " which is not connected: ignored");
        return;
      case PacketType::ack:
      case PacketType::binary_ack:
        if (auto* s = client.socket_for(packet.nsp); s && s->phase == SocketState::Phase::connected)
          on_ack(*s, std::move(shared));
        return;
      case PacketType::connect_error:
        log(LogLevel::warn, "a client sent CONNECT_ERROR: closing its connection");
        close_client(client, DisconnectReason::parse_error);
        return;
    }
  }

  void on_connect(ClientState& client, std::shared_ptr<protocol::Packet> shared) {
    protocol::Packet& packet = *shared;
    NamespaceState* nsp = find_nsp(packet.nsp);
    if (!nsp) {
      logf(LogLevel::info, "connection ", client.session->id(), " asked for unknown namespace ", packet.nsp);
      send_connect_error(client, packet.nsp, ConnectError("Invalid namespace"));
      return;
    }
    if (client.socket_for(packet.nsp)) {
      logf(LogLevel::debug, "namespace ", packet.nsp, " already connected on ", client.session->id(), ": ignored");
      return;
    }
    auto socket = std::make_shared<SocketState>();
    socket->id = random_.next();
    socket->nsp = nsp;
    socket->client = &client;
    // Only an auth payload is worth keeping; without one, auth() reads as an empty object.
    if (packet.has_data) socket->connect_packet = std::move(shared);
    client.sockets.push_back(socket);
    run_middleware(socket, 0);
  }

  void run_middleware(const std::shared_ptr<SocketState>& socket, std::size_t index) {
    if (socket->phase != SocketState::Phase::connecting || !socket->client) return;
    NamespaceState& nsp = *socket->nsp;
    if (index >= nsp.middlewares.size()) return finish_connect(socket);
    auto fn = std::make_shared<std::function<void(const ConnectError*)>>(
        [this, weak = std::weak_ptr<SocketState>(socket), index](const ConnectError* err) {
          auto s = weak.lock();
          if (!s) return;
          if (err) return refuse(s, *err);
          run_middleware(s, index + 1);
        });
    Socket handle(socket);
    try {
      nsp.middlewares[index](handle, Next(fn));
    } catch (const ConnectError& e) {
      refuse(socket, e);
    } catch (const std::exception& e) {
      logf(LogLevel::error, "middleware of ", nsp.name_, " threw: ", e.what());
      refuse(socket, ConnectError("Internal server error"));
    }
  }

  void refuse(const std::shared_ptr<SocketState>& socket, const ConnectError& err) {
    if (socket->phase != SocketState::Phase::connecting || !socket->client) return;
    ClientState& client = *socket->client;
    socket->phase = SocketState::Phase::closed;
    remove_from_client(*socket);
    socket->client = nullptr;
    send_connect_error(client, socket->nsp->name_, err);
  }

  void finish_connect(const std::shared_ptr<SocketState>& socket) {
    NamespaceState& nsp = *socket->nsp;
    ClientState& client = *socket->client;
    socket->phase = SocketState::Phase::connected;
    socket->ws = client.session ? client.session->websocket() : nullptr;
    nsp.sockets.emplace(socket->id, socket);
    nsp.adapter->add_socket(socket->id, socket.get());
    nsp.adapter->add_all(socket->id, {socket->id});
    if (client.connect_timer) {
      timers().cancel(client.connect_timer);
      client.connect_timer = 0;
    }
    // CONNECT answer: {"sid":"..."}
    std::string text;
    text.reserve(nsp.name_.size() + socket->id.size() + 16);
    text.push_back('4');
    protocol::encode(text, protocol::PacketType::connect, nsp.name_, std::nullopt, nullptr, 0);
    text.append("{\"sid\":\"").append(socket->id).append("\"}");
    client.session->send(engineio::make_text_frame(std::move(text)));
    auto handlers = nsp.connection_handlers;  // a handler may add more
    Socket handle(socket);
    for (const auto& h : handlers) {
      if (!socket->connected()) break;
      try {
        (*h)(handle);
      } catch (const std::exception& e) {
        logf(LogLevel::error, "connection handler of ", nsp.name_, " threw: ", e.what());
      }
    }
  }

  void send_connect_error(ClientState& client, std::string_view nsp, const ConnectError& err) {
    if (!client.session) return;
    std::string json;
    std::vector<engineio::Frame> attachments;
    {
      PayloadWriter w(json, attachments);
      object o{{"message", std::string(err.what())}};
      if (!std::holds_alternative<std::nullptr_t>(err.data().storage())) o.members.emplace_back("data", err.data());
      w.write(o);
    }
    std::string text;
    text.push_back('4');
    protocol::encode(text, protocol::PacketType::connect_error, nsp, std::nullopt, nullptr, 0);
    text.append(json);
    client.session->send(engineio::make_text_frame(std::move(text)));
  }

  void on_event(SocketState& s, std::shared_ptr<const protocol::Packet> pkt) {
    const auto& first = pkt->data[0];
    std::string name_storage;
    std::string_view name;
    if (first.IsString()) {
      name = std::string_view(first.GetString(), first.GetStringLength());
    } else {
      // Numeric event names arrive as numbers; handlers are registered by their text.
      protocol::detail::append_json(name_storage, first);
      name = name_storage;
    }
    Ack ack;
    if (pkt->id) ack = Ack(s.weak_from_this(), *pkt->id);
    Event ev{name, Args(std::move(pkt), 1), std::move(ack)};
    // Without socket.use middleware the event needs no life beyond this call.
    if (s.middlewares.empty()) return emit_event(s, ev);
    // Middleware may finish later: the event keeps its own copy of the name.
    auto held = std::make_shared<std::pair<std::string, Event>>(std::string(name), std::move(ev));
    held->second.name = held->first;
    run_packet_middleware(s.shared_from_this(), std::shared_ptr<Event>(held, &held->second), 0);
  }

  void run_packet_middleware(const std::shared_ptr<SocketState>& s, const std::shared_ptr<Event>& ev, std::size_t index) {
    if (!s->connected()) return;
    if (index >= s->middlewares.size()) return emit_event(*s, *ev);
    auto mw = s->middlewares[index];
    auto fn = std::make_shared<std::function<void(const ConnectError*)>>(
        [this, weak = s->weak_from_this(), ev, index](const ConnectError* err) {
          auto sock = weak.lock();
          if (!sock) return;
          if (err) return emit_error(*sock, *err);
          run_packet_middleware(sock, ev, index + 1);
        });
    try {
      (*mw)(*ev, Next(fn));
    } catch (const std::exception& e) {
      logf(LogLevel::error, "socket middleware threw: ", e.what());
    }
  }

  void emit_error(SocketState& s, const ConnectError& err) {
    Socket handle(s.shared_from_this());
    bool any = false;
    auto handlers = s.error_handlers;
    for (const auto& h : handlers) {
      any = true;
      if (h->once) remove_ptr(s.error_handlers, h);
      try {
        h->fn(handle, err);
      } catch (const std::exception& e) {
        logf(LogLevel::error, "error handler threw: ", e.what());
      }
    }
    if (!any) logf(LogLevel::warn, "socket ", s.id, ": middleware error with no \"error\" handler: ", err.what());
  }

  void emit_event(SocketState& s, Event& ev) {
    Socket handle(s.shared_from_this());
    bool handled = false;
    // Walk by index over shared handlers: a handler may add or remove handlers as it runs.
    for (std::size_t i = 0; i < s.handlers.size() && s.connected(); ++i) {
      std::shared_ptr<SocketState::EventHandler> h = s.handlers[i];
      if (!h->any) continue;
      handled = true;
      try {
        h->any(handle, ev.name, ev.args);
      } catch (const std::exception& e) {
        logf(LogLevel::error, "catch-all handler threw: ", e.what());
      }
    }
    for (std::size_t i = 0; i < s.handlers.size() && s.connected(); ++i) {
      std::shared_ptr<SocketState::EventHandler> h = s.handlers[i];
      if (h->any || h->event != ev.name) continue;
      handled = true;
      if (h->once) {
        s.handlers.erase(s.handlers.begin() + static_cast<std::ptrdiff_t>(i));
        --i;
      }
      try {
        h->fn(handle, ev.args, ev.ack);
      } catch (const std::exception& e) {
        logf(LogLevel::error, "handler for \"", std::string(ev.name), "\" threw: ", e.what());
      }
    }
    if (!handled) logf(LogLevel::debug, "no handler for event \"", std::string(ev.name), "\"");
  }

  void on_ack(SocketState& s, std::shared_ptr<const protocol::Packet> shared) {
    const protocol::Packet& packet = *shared;
    if (!packet.id) return;
    auto it = std::find_if(s.pending_replies.begin(), s.pending_replies.end(),
                           [&](const auto& p) { return p.id == *packet.id; });
    if (it == s.pending_replies.end()) {
      logf(LogLevel::debug, "reply with unknown id from socket ", s.id, ": ignored");
      return;
    }
    auto reply = std::move(*it);
    s.pending_replies.erase(it);
    if (reply.timer) timers().cancel(reply.timer);
    Args args(std::move(shared), 0);
    try {
      reply.fn({}, args);
    } catch (const std::exception& e) {
      logf(LogLevel::error, "reply callback threw: ", e.what());
    }
  }

  // ---- sending ----

  // Hands the frames of a packet to the socket's connection.
  SendStatus write(SocketState& s, const EncodedPacket& packet, bool volatile_flag) {
    if (transport::WsConnection* ws = s.ws; ws && s.phase == SocketState::Phase::connected) {
      // Open on a WebSocket (s.ws is null otherwise): what Session::send would do, without it.
      if (volatile_flag && ws->buffered_amount() != 0) return SendStatus::dropped;
      ws->send(packet.text);
      for (const auto& a : packet.attachments) ws->send(a);
      return SendStatus::sent;
    }
    engineio::Session* session = s.session();
    if (!session || s.phase != SocketState::Phase::connected) return SendStatus::disconnected;
    // writable() reaches down into the transport: ask only where the answer matters.
    const bool websocket = session->transport() == engineio::TransportKind::websocket;
    const bool writable = (!volatile_flag && websocket) || session->writable();
    if (volatile_flag && !writable) return SendStatus::dropped;
    session->send(packet.text);
    for (const auto& a : packet.attachments) session->send(a);
    return writable || websocket ? SendStatus::sent : SendStatus::queued;
  }

  // Encodes an event (or a reply) of a socket's namespace.
  EncodedPacket encode(protocol::PacketType type, std::string_view nsp, std::optional<std::uint64_t> id,
                       std::string_view event, FunctionRef<void(PayloadWriter&)> write_args) {
    json_.clear();
    std::vector<engineio::Frame> attachments;
    {
      PayloadWriter w(json_, attachments);
      w.start_array();
      if (type == protocol::PacketType::event) w.string(event);
      write_args(w);
      w.end_array();
    }
    return finish_packet(type, nsp, id, json_, std::move(attachments));
  }

  std::uint64_t add_pending_reply(SocketState& s, std::function<void(std::error_code, Args&)> fn,
                                  std::optional<std::chrono::milliseconds> timeout, std::optional<std::uint64_t> id = {}) {
    std::uint64_t ack_id = id ? *id : s.nsp->next_ack_id++;
    TimerQueue::Id timer = 0;
    if (timeout) {
      timer = timers().schedule_after(*timeout, [this, weak = s.weak_from_this(), ack_id] {
        auto sock = weak.lock();
        if (!sock) return;
        auto it = std::find_if(sock->pending_replies.begin(), sock->pending_replies.end(),
                               [&](const auto& p) { return p.id == ack_id; });
        if (it == sock->pending_replies.end()) return;
        auto reply = std::move(*it);
        sock->pending_replies.erase(it);
        Args none;
        try {
          reply.fn(make_error_code(error::timeout), none);
        } catch (const std::exception& e) {
          logf(LogLevel::error, "reply callback threw: ", e.what());
        }
      });
    }
    s.pending_replies.push_back({ack_id, std::move(fn), timer});
    return ack_id;
  }

  SendStatus emit_to(SocketState* s, std::string_view event, FunctionRef<void(PayloadWriter&)> write_args,
                     std::function<void(std::error_code, Args&)> reply, std::optional<std::chrono::milliseconds> timeout,
                     bool volatile_flag) {
    if (!s || !s->connected()) {
      if (reply) post([reply = std::move(reply)]() mutable { Args none; reply(make_error_code(error::socket_gone), none); });
      return SendStatus::disconnected;
    }
    std::optional<std::uint64_t> id;
    if (reply) id = add_pending_reply(*s, std::move(reply), timeout);
    auto packet = encode(protocol::PacketType::event, s->nsp->name_, id, event, write_args);
    auto status = write(*s, packet, volatile_flag);
    if (status == SendStatus::dropped && id) fail_reply(*s, *id, error::dropped);
    return status;
  }

  void fail_reply(SocketState& s, std::uint64_t id, error e) {
    auto it = std::find_if(s.pending_replies.begin(), s.pending_replies.end(), [&](const auto& p) { return p.id == id; });
    if (it == s.pending_replies.end()) return;
    auto reply = std::move(*it);
    s.pending_replies.erase(it);
    if (reply.timer) timers().cancel(reply.timer);
    post([fn = std::move(reply.fn), e]() mutable { Args none; fn(make_error_code(e), none); });
  }

  SendStatus send_ack(SocketState& s, std::uint64_t id, FunctionRef<void(PayloadWriter&)> write_args) {
    if (!s.connected()) return SendStatus::disconnected;
    auto packet = encode(protocol::PacketType::ack, s.nsp->name_, id, {}, write_args);
    return write(s, packet, false);
  }

  std::size_t broadcast(NamespaceState& nsp, const BroadcastOptions& opts, std::string_view event,
                        FunctionRef<void(PayloadWriter&)> write_args,
                        std::function<void(std::error_code, std::vector<Args>&)> replies,
                        std::optional<std::chrono::milliseconds> timeout) {
    std::optional<std::uint64_t> id;
    if (replies) id = nsp.next_ack_id++;
    auto packet = encode(protocol::PacketType::event, nsp.name_, id, event, write_args);
    ++broadcasting_;
    nsp.delivered = 0;
    std::size_t receivers = 0;
    if (!replies) {
      nsp.adapter->broadcast(packet, opts);
      receivers = nsp.delivered;
    } else {
      struct Collector {
        std::vector<Args> replies;
        std::size_t expected = 0;
        bool done = false;
        bool counting = true;
        TimerQueue::Id timer = 0;
        std::function<void(std::error_code, std::vector<Args>&)> fn;
      };
      auto c = std::make_shared<Collector>();
      c->fn = std::move(replies);
      auto finish = [this, c](std::error_code ec) {
        if (c->done) return;
        c->done = true;
        if (c->timer) timers().cancel(c->timer);
        try {
          c->fn(ec, c->replies);
        } catch (const std::exception& e) {
          logf(LogLevel::error, "reply callback threw: ", e.what());
        }
      };
      for (const auto& sid : nsp.adapter->sockets(opts)) {
        SocketState* s = nsp.find(sid);
        if (!s) continue;
        auto status = write(*s, packet, opts.volatile_);
        if (status != SendStatus::sent && status != SendStatus::queued) continue;
        ++c->expected;
        add_pending_reply(
            *s,
            [c, finish](std::error_code ec, Args& a) {
              if (c->done) return;
              if (!ec) c->replies.push_back(a);
              else if (c->expected > 0) --c->expected;  // this receiver will never answer
              if (!c->counting && c->replies.size() >= c->expected) finish({});
            },
            std::nullopt, id);
      }
      receivers = c->expected;
      c->counting = false;
      if (timeout) c->timer = timers().schedule_after(*timeout, [finish] { finish(make_error_code(error::timeout)); });
      if (c->replies.size() >= c->expected) post([finish] { finish({}); });
    }
    --broadcasting_;
    return receivers;
  }

  // ---- closing ----

  // Ends one socket: "disconnecting", leave every room, "disconnect", then drops its handlers.
  void close_socket(SocketState& s, DisconnectReason reason) {
    if (s.phase == SocketState::Phase::closed) return;
    auto keep = s.shared_from_this();
    if (s.phase == SocketState::Phase::connecting) {
      s.phase = SocketState::Phase::closed;
      remove_from_client(s);
      s.client = nullptr;
      return;
    }
    Socket handle(keep);
    fire_reason(s, true, reason);
    NamespaceState& nsp = *s.nsp;
    nsp.adapter->del_all(s.id);
    nsp.sockets.erase(s.id);
    s.phase = SocketState::Phase::closed;
    s.ws = nullptr;
    remove_from_client(s);
    s.client = nullptr;
    auto pending = std::move(s.pending_replies);
    s.pending_replies.clear();
    for (auto& p : pending) {
      if (p.timer) timers().cancel(p.timer);
      try {
        Args none;
        p.fn(make_error_code(error::socket_gone), none);
      } catch (const std::exception& e) {
        logf(LogLevel::error, "reply callback threw: ", e.what());
      }
    }
    fire_reason(s, false, reason);
    // Handlers often hold a handle to their own socket: dropping them breaks the cycle.
    s.handlers.clear();
    s.reason_handlers.clear();
    s.error_handlers.clear();
    s.middlewares.clear();
  }

  void fire_reason(SocketState& s, bool disconnecting, DisconnectReason reason) {
    Socket handle(s.shared_from_this());
    auto handlers = s.reason_handlers;
    for (const auto& h : handlers) {
      if (h->disconnecting != disconnecting) continue;
      if (h->once) remove_ptr(s.reason_handlers, h);
      try {
        h->fn(handle, reason);
      } catch (const std::exception& e) {
        logf(LogLevel::error, disconnecting ? "\"disconnecting\"" : "\"disconnect\"", " handler threw: ", e.what());
      }
    }
  }

  // Server-side disconnect of one namespace, or of the whole connection with `close`.
  void disconnect(SocketState& s, bool close) {
    if (!s.connected()) return;
    ClientState& client = *s.client;
    if (close) {
      auto sockets = client.sockets;
      for (auto& sock : sockets) disconnect(*sock, false);
      if (client.session) client.session->close();
      return;
    }
    std::string text;
    text.push_back('4');
    protocol::encode(text, protocol::PacketType::disconnect, s.nsp->name_, std::nullopt, nullptr, 0);
    client.session->send(engineio::make_text_frame(std::move(text)));
    close_socket(s, DisconnectReason::server_namespace_disconnect);
  }

  // Closes a whole connection, telling its sockets `reason` first.
  void close_client(ClientState& client, DisconnectReason reason) {
    auto sockets = client.sockets;
    for (auto& s : sockets) close_socket(*s, reason);
    if (client.session) client.session->close();
  }

  // io.close(): every socket learns "server shutting down", then the connections close.
  void close() {
    for (auto& [name, nsp] : nsps_) {
      (void)name;
      std::vector<std::shared_ptr<SocketState>> sockets;
      for (auto& [id, s] : nsp->sockets) sockets.push_back(s);
      for (auto& s : sockets) close_socket(*s, DisconnectReason::server_shutting_down);
    }
    if (engine_) engine_->close();
  }

  void detach_all() {
    for (auto& [name, nsp] : nsps_) {
      (void)name;
      for (auto& [id, s] : nsp->sockets) {
        s->phase = SocketState::Phase::closed;
        s->ws = nullptr;
        s->client = nullptr;
        s->handlers.clear();
        s->reason_handlers.clear();
        s->error_handlers.clear();
        s->middlewares.clear();
        s->pending_replies.clear();
      }
      nsp->sockets.clear();
    }
  }

  template <class T>
  static void remove_ptr(std::vector<std::shared_ptr<T>>& v, const std::shared_ptr<T>& p) {
    v.erase(std::remove(v.begin(), v.end(), p), v.end());
  }

  static void remove_from_client(SocketState& s) {
    if (!s.client) return;
    auto& v = s.client->sockets;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& p) { return p.get() == &s; }), v.end());
  }

 private:
  bool serve_client(transport::HttpExchange& ex) {
    const auto& req = ex.request();
    std::string_view path = req.path;
    if (path.size() <= options_.path.size() || path.substr(0, options_.path.size()) != options_.path) return false;
    std::string_view file = path.substr(options_.path.size());
    if (file != "socket.io.js" && file != "socket.io.js.map") return false;
    if (!options_.serve_client || client_js_.empty()) {
      ex.respond(404, "Not Found", {{"Content-Type", "text/plain"}});
      return true;
    }
    if (req.method != "GET" && req.method != "HEAD") {
      ex.respond(405, "", {{"Allow", "GET, HEAD"}});
      return true;
    }
    if (file == "socket.io.js") {
      ex.respond(200, req.method == "HEAD" ? std::string() : client_js_,
                 {{"Content-Type", "application/javascript; charset=utf-8"}, {"Cache-Control", "public, max-age=0"}});
    } else if (!client_map_.empty()) {
      ex.respond(200, req.method == "HEAD" ? std::string() : client_map_, {{"Content-Type", "application/json; charset=utf-8"}});
    } else {
      ex.respond(404, "Not Found", {{"Content-Type", "text/plain"}});
    }
    return true;
  }

  void load_client_file() {
    auto read = [](const std::string& path, std::string& out) {
      std::ifstream in(path, std::ios::binary);
      if (!in) return false;
      std::ostringstream ss;
      ss << in.rdbuf();
      out = ss.str();
      return true;
    };
    if (!read(options_.client_file, client_js_))
      throw std::invalid_argument("sio: cannot read ServerOptions::client_file \"" + options_.client_file + "\"");
    read(options_.client_file + ".map", client_map_);
  }

  ServerOptions options_;
  engineio::Server* engine_ = nullptr;
  std::function<void(std::function<void()>)> post_;
  std::function<bool()> in_io_thread_;
  std::map<std::string, std::unique_ptr<NamespaceState>, std::less<>> nsps_;
  SidGenerator random_;
  std::string json_;  // reused by every encode: no allocation once it has grown
  int broadcasting_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
  std::string client_js_, client_map_;
};

// ---- small bodies that need the full types ----

inline ServerCore* SocketState::core() const noexcept { return nsp ? nsp->core : nullptr; }
inline engineio::Session* SocketState::session() const noexcept { return client ? client->session : nullptr; }
inline std::string_view ClientState::socket_nsp(const SocketState& s) noexcept { return s.nsp->name_; }

inline void NamespaceState::deliver(const SocketId& sid, void* local, const EncodedPacket& packet,
                                    const BroadcastOptions& opts) {
  auto* socket = static_cast<SocketState*>(local);
  if (!socket) {
    auto it = sockets.find(sid);
    if (it == sockets.end()) return;
    socket = it->second.get();
  }
  if (core->write(*socket, packet, opts.volatile_) != SendStatus::disconnected) ++delivered;
}

}  // namespace sio::detail

namespace sio {

// ---- Ack ----
inline Ack::operator bool() const noexcept {
  if (!state_ || state_->answered.load()) return false;
  auto s = state_->socket.lock();
  if (!s) return false;
  // Off the I/O thread the socket's state cannot be read; the reply is then still due.
  return !on_io_thread() || s->phase == detail::SocketState::Phase::connected;
}
inline bool Ack::on_io_thread() const noexcept {
  auto s = state_ ? state_->socket.lock() : nullptr;
  return !s || !s->core() || s->core()->on_io_thread();
}
inline void Ack::post(std::function<void()> fn) const {
  if (auto s = state_ ? state_->socket.lock() : nullptr; s && s->core()) s->core()->post(std::move(fn));
}
inline SendStatus Ack::send(detail::FunctionRef<void(detail::PayloadWriter&)> write, bool claimed) const {
  if (!state_) return SendStatus::dropped;
  if (!claimed && state_->answered.exchange(true)) return SendStatus::dropped;
  auto s = state_->socket.lock();
  if (!s || !s->connected()) return SendStatus::disconnected;
  return s->core()->send_ack(*s, state_->id, write);
}

// ---- Handshake ----
inline const transport::Headers& Handshake::headers() const noexcept {
  static const transport::Headers none;
  auto* session = socket_ ? socket_->session() : nullptr;
  return session ? session->request().headers : none;
}
inline std::string_view Handshake::header(std::string_view name) const noexcept {
  auto* session = socket_ ? socket_->session() : nullptr;
  return session ? session->request().header(name) : std::string_view();
}
inline std::string_view Handshake::query_string() const noexcept {
  auto* session = socket_ ? socket_->session() : nullptr;
  return session ? std::string_view(session->request().query) : std::string_view();
}
inline std::optional<std::string> Handshake::query(std::string_view name) const {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  auto decode = [&](std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i] == '+') out.push_back(' ');
      else if (in[i] == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
        i += 2;
      } else out.push_back(in[i]);
    }
    return out;
  };
  std::string_view q = query_string();
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    auto eq = part.find('=');
    if (decode(part.substr(0, eq)) == name)
      return eq == std::string_view::npos ? std::string() : decode(part.substr(eq + 1));
  }
  return std::nullopt;
}
inline const rapidjson::Value& Handshake::auth() const noexcept {
  static const rapidjson::Value empty(rapidjson::kObjectType);
  if (!socket_ || !socket_->connect_packet || !socket_->connect_packet->data.IsObject()) return empty;
  return socket_->connect_packet->data;
}
inline std::string_view Handshake::address() const noexcept {
  auto* session = socket_ ? socket_->session() : nullptr;
  return session ? std::string_view(session->request().remote_address) : std::string_view();
}
inline std::chrono::system_clock::time_point Handshake::time() const noexcept {
  auto* session = socket_ ? socket_->session() : nullptr;
  return session ? session->opened_at() : std::chrono::system_clock::time_point();
}
inline std::string Handshake::url() const {
  auto* session = socket_ ? socket_->session() : nullptr;
  if (!session) return {};
  const auto& r = session->request();
  return r.query.empty() ? r.path : r.path + "?" + r.query;
}

// ---- SocketEmitter ----
inline SendStatus SocketEmitter::emit_impl(std::string_view event, detail::FunctionRef<void(detail::PayloadWriter&)> write,
                                           std::function<void(std::error_code, Args&)> reply) const {
  if (!socket_ || !socket_->core()) return SendStatus::disconnected;
  return socket_->core()->emit_to(socket_.get(), event, write, std::move(reply), timeout_, volatile_flag_);
}

inline bool SocketEmitter::on_io_thread() const noexcept {
  return !socket_ || !socket_->core() || socket_->core()->on_io_thread();
}
inline void SocketEmitter::post(std::function<void()> fn) const {
  if (socket_ && socket_->core()) socket_->core()->post(std::move(fn));
}

// ---- Socket ----
inline const std::string& Socket::id() const noexcept {
  static const std::string none;
  return state_ ? state_->id : none;
}
inline std::string_view Socket::nsp() const noexcept { return state_ && state_->nsp ? std::string_view(state_->nsp->name_) : std::string_view(); }
inline bool Socket::connected() const noexcept { return state_ && state_->connected(); }
inline std::string_view Socket::conn_id() const noexcept {
  auto* session = state_ ? state_->session() : nullptr;
  return session ? std::string_view(session->id()) : std::string_view();
}
inline std::vector<std::string> Socket::rooms() const {
  if (!connected()) return {};
  return state_->nsp->adapter->socket_rooms(state_->id);
}
inline void Socket::join(const std::string& room) {
  if (connected()) state_->nsp->adapter->add_all(state_->id, {room});
}
inline void Socket::join(const std::vector<std::string>& rooms) {
  if (connected()) state_->nsp->adapter->add_all(state_->id, rooms);
}
inline void Socket::leave(const std::string& room) {
  if (connected()) state_->nsp->adapter->del(state_->id, room);
}
inline void Socket::add_handler(std::string_view event, std::function<void(Socket&, Args&, Ack&)> fn, bool once) {
  if (!state_ || state_->phase == detail::SocketState::Phase::closed) return;
  auto h = std::make_shared<detail::SocketState::EventHandler>();
  h->event = std::string(event);
  h->fn = std::move(fn);
  h->once = once;
  state_->handlers.push_back(std::move(h));
}
inline void Socket::add_reason_handler(std::string_view event, std::function<void(Socket&, DisconnectReason)> fn, bool once) {
  if (!state_ || state_->phase == detail::SocketState::Phase::closed) return;
  auto h = std::make_shared<detail::SocketState::ReasonHandler>();
  h->disconnecting = event == "disconnecting";
  h->fn = std::move(fn);
  h->once = once;
  state_->reason_handlers.push_back(std::move(h));
}
inline void Socket::add_error_handler(std::function<void(Socket&, const ConnectError&)> fn, bool once) {
  if (!state_ || state_->phase == detail::SocketState::Phase::closed) return;
  auto h = std::make_shared<detail::SocketState::ErrorHandler>();
  h->fn = std::move(fn);
  h->once = once;
  state_->error_handlers.push_back(std::move(h));
}
inline Socket& Socket::off(std::string_view event) {
  if (!state_) return *this;
  if (event == "disconnect" || event == "disconnecting") {
    bool d = event == "disconnecting";
    auto& v = state_->reason_handlers;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& h) { return h->disconnecting == d; }), v.end());
  } else if (event == "error") {
    state_->error_handlers.clear();
  } else {
    auto& v = state_->handlers;
    v.erase(std::remove_if(v.begin(), v.end(), [&](const auto& h) { return !h->any && h->event == event; }), v.end());
  }
  return *this;
}
inline Socket& Socket::on_any(std::function<void(Socket&, std::string_view, Args&)> handler) {
  if (!state_ || state_->phase == detail::SocketState::Phase::closed) return *this;
  auto h = std::make_shared<detail::SocketState::EventHandler>();
  h->any = std::move(handler);
  state_->handlers.push_back(std::move(h));
  return *this;
}
inline Socket& Socket::use(std::function<void(Event&, Next)> middleware) {
  if (state_ && state_->phase != detail::SocketState::Phase::closed)
    state_->middlewares.push_back(std::make_shared<std::function<void(Event&, Next)>>(std::move(middleware)));
  return *this;
}
inline BroadcastOperator Socket::to(std::string room) const { return broadcast().to(std::move(room)); }
inline BroadcastOperator Socket::in(std::string room) const { return to(std::move(room)); }
inline BroadcastOperator Socket::except(std::string room) const { return broadcast().except(std::move(room)); }
inline BroadcastOperator Socket::broadcast() const {
  BroadcastOptions opts;
  if (state_) opts.except.push_back(state_->id);
  return BroadcastOperator(state_ ? state_->nsp : nullptr, std::move(opts));
}
inline void Socket::disconnect(bool close) {
  if (connected()) state_->core()->disconnect(*state_, close);
}
inline std::shared_ptr<void>& Socket::data() {
  static std::shared_ptr<void> none;
  return state_ ? state_->data : none;
}

// ---- BroadcastOperator ----
inline std::size_t BroadcastOperator::emit_impl(std::string_view event, detail::FunctionRef<void(detail::PayloadWriter&)> write,
                                                std::function<void(std::error_code, std::vector<Args>&)> replies) const {
  if (!nsp_) return 0;
  return nsp_->core->broadcast(*nsp_, opts_, event, write, std::move(replies), timeout_);
}
inline bool BroadcastOperator::on_io_thread() const noexcept { return !nsp_ || nsp_->core->on_io_thread(); }
inline void BroadcastOperator::post(std::function<void()> fn) const {
  if (nsp_) nsp_->core->post(std::move(fn));
}
inline std::vector<Socket> BroadcastOperator::fetch_sockets() const {
  std::vector<Socket> out;
  if (!nsp_) return out;
  for (const auto& sid : nsp_->adapter->sockets(opts_)) {
    auto it = nsp_->sockets.find(sid);
    if (it != nsp_->sockets.end()) out.emplace_back(it->second);
  }
  return out;
}
inline void BroadcastOperator::sockets_join(const std::vector<std::string>& rooms) const {
  for (auto& s : fetch_sockets()) s.join(rooms);
}
inline void BroadcastOperator::sockets_leave(const std::vector<std::string>& rooms) const {
  for (auto& s : fetch_sockets())
    for (const auto& r : rooms) s.leave(r);
}
inline void BroadcastOperator::disconnect_sockets(bool close) const {
  for (auto& s : fetch_sockets()) s.disconnect(close);
}

// ---- Namespace ----
inline std::string_view Namespace::name() const noexcept { return state_->name_; }
inline Namespace& Namespace::use(std::function<void(Socket&, Next)> middleware) {
  state_->middlewares.push_back(std::move(middleware));
  return *this;
}
inline void Namespace::add_connection_handler(std::string_view event, std::function<void(Socket&)> fn) {
  if (event != "connection" && event != "connect")
    throw std::invalid_argument("sio: a namespace emits only \"connection\" (got \"" + std::string(event) + "\")");
  state_->connection_handlers.push_back(std::make_shared<std::function<void(Socket&)>>(std::move(fn)));
}
inline Socket Namespace::socket(std::string_view id) const {
  auto it = state_->sockets.find(std::string(id));
  return it == state_->sockets.end() ? Socket() : Socket(it->second);
}
inline std::size_t Namespace::size() const noexcept { return state_->sockets.size(); }
inline Adapter& Namespace::adapter() const noexcept { return *state_->adapter; }

}  // namespace sio
