// The Socket.IO server's set-up, its Engine.IO session handler and closing
// (declared in sio/socketio/server_core.hpp).

#include "sio/socketio/server_core.hpp"

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/args.hpp"
#include "sio/protocol/parser.hpp"
#include "sio/socket.hpp"

namespace sio::detail {

namespace {

// The socket-level reason for the end of an Engine.IO session.
DisconnectReason to_disconnect_reason(engineio::CloseReason r) noexcept {
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

// The options with the path normalised; throws std::invalid_argument for settings that cannot work.
ServerOptions checked(ServerOptions o) {
  if (o.path.empty() || o.path.front() != '/') throw std::invalid_argument("sio: ServerOptions::path must start with '/'");
  if (o.path.back() != '/') o.path.push_back('/');
  for (const auto& t : o.transports)
    if (t != "polling" && t != "websocket")
      throw std::invalid_argument("sio: unknown transport \"" + t + "\" (use \"polling\" or \"websocket\")");
  if (o.transports.empty()) throw std::invalid_argument("sio: ServerOptions::transports is empty");
  if (o.ping_interval.count() <= 0 || o.ping_timeout.count() <= 0 || o.connect_timeout.count() <= 0 ||
      o.attachment_timeout.count() <= 0)
    throw std::invalid_argument("sio: ping_interval, ping_timeout, connect_timeout and attachment_timeout must be positive");
  if (o.max_http_buffer_size == 0) throw std::invalid_argument("sio: max_http_buffer_size must be positive");
  if (o.max_sessions == 0 || o.max_unconnected_sessions == 0)
    throw std::invalid_argument("sio: max_sessions and max_unconnected_sessions must be positive");
  if (o.sid_mark != '\0' && !detail::is_sid_character(o.sid_mark))
    throw std::invalid_argument("sio: ServerOptions::sid_mark must be one of A-Z a-z 0-9 - _");
  if (o.max_json_depth == 0) throw std::invalid_argument("sio: max_json_depth must be positive");
  if (o.max_namespaces_per_client == 0) throw std::invalid_argument("sio: max_namespaces_per_client must be positive");
  return o;
}

}  // namespace

ServerCore::ServerCore(ServerOptions options)
    : options_(checked(std::move(options))),
      parser_(options_.parser ? options_.parser : std::make_shared<const protocol::JsonParser>()),
      client_file_(options_.serve_client, options_.client_file) {}

ServerCore::~ServerCore() { detach_all(); }

engineio::ServerOptions ServerCore::engine_options() const {
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
  e.trusted_proxies = options_.trusted_proxies;
  e.allow_request = options_.allow_request;
  e.max_sessions = options_.max_sessions;
  e.max_handshakes_per_address = options_.max_handshakes_per_address;
  e.handshake_window = options_.handshake_window;
  e.sid_mark = options_.sid_mark;
  e.logger = options_.logger;
  return e;
}

void ServerCore::attach(engineio::Server& engine, std::function<void(std::function<void()>)> post,
                        std::function<bool()> in_io_thread) {
  engine_ = &engine;
  link_ = std::make_shared<ServerLink>(this, std::move(post), std::move(in_io_thread));
  engine.set_request_interceptor([this](const std::shared_ptr<transport::HttpExchange>& ex) { return serve_client(*ex); });
  of("/");
}

void ServerCore::post(std::function<void()> fn) { ServerLink::post_or_run(link_.get(), std::move(fn)); }

const std::shared_ptr<NamespaceState>& ServerCore::of(std::string_view name) {
  std::string key(name.empty() ? "/" : name);
  if (key.front() != '/') key.insert(key.begin(), '/');
  auto it = nsps_.find(key);
  if (it != nsps_.end()) return it->second;
  auto state = std::make_shared<NamespaceState>(key, this, link_);
  state->adapter = options_.adapter ? options_.adapter(*state) : std::make_unique<InMemoryAdapter>(*state);
  if (!state->adapter) throw std::invalid_argument("sio: ServerOptions::adapter returned no adapter");
  state->adapter->init();
  return nsps_.emplace(std::move(key), std::move(state)).first->second;
}

NamespaceState* ServerCore::find_nsp(std::string_view name) const {
  auto it = nsps_.find(name);
  return it == nsps_.end() ? nullptr : it->second.get();
}

// ---- engineio::SessionHandler ----

void ServerCore::on_open(engineio::Session& session) {
  link_->serving();
  protocol::DecoderOptions dopts;
  dopts.max_attachments = options_.max_attachments;
  dopts.max_attachment_bytes = options_.max_http_buffer_size;
  dopts.max_depth = options_.max_json_depth;
  auto* client = new Client(&session, parser_->make_decoder(dopts));
  session.user_data = client;
  ++unconnected_;
  client->connect_timer = timers().schedule_after(options_.connect_timeout, [this, client] {
    client->connect_timer = 0;
    if (client->session && !client->has_connected_socket()) {
      logf(LogLevel::debug, "no namespace connected in time: closing the connection");
      client->session->close();
    }
  });
}

void ServerCore::on_message(engineio::Session& session, std::string_view data, bool binary) {
  auto* client = static_cast<Client*>(session.user_data);
  // After close() nothing a client sends reaches the application.
  if (!client || closed_) return;
  std::error_code ec = binary ? client->decoder->feed_binary(data) : client->decoder->feed_text(data);
  if (ec) {
    logf(LogLevel::warn, "closing connection ", session.id(), ": ", ec.message());
    close_client(*client, DisconnectReason::parse_error);
    return;
  }
  watch_attachments(*client);
  if (client->decoder->ready()) dispatch(*client, client->decoder->take_shared());
}

void ServerCore::watch_attachments(Client& client) {
  const bool awaiting = client.decoder->awaiting_attachments();
  if (awaiting && !client.attachment_timer) {
    // What a packet announced is held until it completes: a client must not hold it forever.
    client.attachment_timer = timers().schedule_after(options_.attachment_timeout, [this, c = &client] {
      c->attachment_timer = 0;
      if (!c->session) return;
      logf(LogLevel::warn, "closing connection ", c->session->id(), ": attachments not all received within ",
           std::to_string(options_.attachment_timeout.count()), " ms");
      close_client(*c, DisconnectReason::parse_error);
    });
  } else if (!awaiting && client.attachment_timer) {
    timers().cancel(client.attachment_timer);
    client.attachment_timer = 0;
  }
}

bool ServerCore::accepts_session() {
  if (unconnected_ < options_.max_unconnected_sessions) return true;
  logf(LogLevel::warn, "refused a new connection: ", std::to_string(unconnected_),
       " have not connected a namespace yet (max_unconnected_sessions)");
  return false;
}

void ServerCore::on_drain(engineio::Session& session) {
  auto* client = static_cast<Client*>(session.user_data);
  if (!client || !client->drain_wanted) return;
  client->drain_wanted = false;
  auto sockets = client->sockets;  // a handler may disconnect
  for (auto& s : sockets) {
    if (!s->connected() || s->drain_handlers.empty()) continue;
    Socket handle(s);
    auto handlers = s->drain_handlers;  // a handler may add more
    for (const auto& h : handlers) {
      try {
        (*h)(handle);
      } catch (const std::exception& e) {
        logf(LogLevel::error, "drain handler threw: ", e.what());
      }
    }
  }
}

void ServerCore::on_close(engineio::Session& session, engineio::CloseReason reason) {
  auto* client = static_cast<Client*>(session.user_data);
  if (!client) return;
  session.user_data = nullptr;
  client->session = nullptr;
  if (client->unconnected) {
    client->unconnected = false;
    --unconnected_;
  }
  for (auto& s : client->sockets) s->session = nullptr;
  std::shared_ptr<Client> owned(client);
  auto finish = [this, c = std::move(owned), reason] {
    if (c->connect_timer) timers().cancel(c->connect_timer);
    if (c->attachment_timer) timers().cancel(c->attachment_timer);
    auto sockets = c->sockets;
    const DisconnectReason why = c->over_budget ? DisconnectReason::send_buffer_full : to_disconnect_reason(reason);
    for (auto& s : sockets) close_socket(*s, why);
  };
  // A close met while a broadcast walks the room index is finished after it.
  if (delivering_ > 0) post(std::move(finish));
  else finish();
}

// ---- closing ----

void ServerCore::close_socket(SocketState& s, DisconnectReason reason) {
  if (s.phase == SocketState::Phase::closed) return;
  auto keep = s.shared_from_this();
  if (s.phase == SocketState::Phase::connecting) {
    s.phase = SocketState::Phase::closed;
    if (s.client) s.client->remove(s);
    s.client = nullptr;
    s.session = nullptr;
    return;
  }
  fire_reason(s, true, reason);
  NamespaceState& nsp = *s.nsp;
  nsp.adapter->del_all(s.id);
  nsp.sockets.erase(s.id);
  s.phase = SocketState::Phase::closed;
  if (s.client) s.client->remove(s);
  s.client = nullptr;
  s.session = nullptr;
  for (auto& fn : s.replies.take_all(&timers())) {
    try {
      Args none;
      fn(make_error_code(error::socket_gone), none);
    } catch (const std::exception& e) {
      logf(LogLevel::error, "reply callback threw: ", e.what());
    }
  }
  fire_reason(s, false, reason);
  s.clear_handlers();
}

void ServerCore::fire_reason(SocketState& s, bool disconnecting, DisconnectReason reason) {
  Socket handle(s.shared_from_this());
  auto handlers = s.reason_handlers;
  for (const auto& h : handlers) {
    if (h->disconnecting != disconnecting) continue;
    if (h->once) {
      auto& v = s.reason_handlers;
      v.erase(std::remove(v.begin(), v.end(), h), v.end());
    }
    try {
      h->fn(handle, reason);
    } catch (const std::exception& e) {
      logf(LogLevel::error, disconnecting ? "\"disconnecting\"" : "\"disconnect\"", " handler threw: ", e.what());
    }
  }
}

void ServerCore::disconnect(SocketState& s, bool close) {
  if (!s.connected()) return;
  Client& client = *s.client;
  if (close) {
    auto sockets = client.sockets;
    for (auto& sock : sockets) disconnect(*sock, false);
    if (client.session) client.session->close();
    return;
  }
  write(s, protocol::OutgoingPacket::disconnect(s.nsp->name_), false);
  close_socket(s, DisconnectReason::server_namespace_disconnect);
}

void ServerCore::close_client(Client& client, DisconnectReason reason) {
  auto sockets = client.sockets;
  for (auto& s : sockets) close_socket(*s, reason);
  if (client.session) client.session->close();
}

void ServerCore::close() {
  end_sockets();
  if (engine_) engine_->close();
}

void ServerCore::close(std::chrono::milliseconds grace, std::function<void(std::error_code)> done) {
  end_sockets();
  if (engine_) engine_->shut_down(grace, std::move(done));
  else post([done = std::move(done)] { done({}); });
}

void ServerCore::end_sockets() {
  closed_ = true;
  for (auto& [name, nsp] : nsps_) {
    (void)name;
    std::vector<std::shared_ptr<SocketState>> sockets;
    for (auto& [id, s] : nsp->sockets) sockets.push_back(s);
    for (auto& s : sockets) close_socket(*s, DisconnectReason::server_shutting_down);
  }
  for (auto& [name, nsp] : nsps_) {
    (void)name;
    if (nsp->adapter && !nsp->adapter_closed) nsp->adapter->close();
    nsp->adapter_closed = true;
  }
}

void ServerCore::detach_all() {
  std::vector<Replies::Callback> pending;
  for (auto& [name, nsp] : nsps_) {
    (void)name;
    for (auto& [id, s] : nsp->sockets) {
      s->phase = SocketState::Phase::closed;
      s->client = nullptr;
      s->session = nullptr;
      s->clear_handlers();
      for (auto& fn : s->replies.take_all(nullptr)) pending.push_back(std::move(fn));
    }
    nsp->sockets.clear();
    if (nsp->adapter && !nsp->adapter_closed) nsp->adapter->close();
    nsp->adapter_closed = true;
    nsp->adapter.reset();
    nsp->middlewares.clear();
    nsp->connection_handlers.clear();
    nsp->server_handlers.clear();
    nsp->core = nullptr;
  }
  nsps_.clear();
  if (link_) link_->close();
  // Asio's rule: an operation started completes, here with an error, once nothing of the server
  // is left to reach. Handlers are not called (they may capture objects already destroyed).
  for (auto& fn : pending) {
    try {
      Args none;
      fn(make_error_code(error::server_gone), none);
    } catch (const std::exception&) {
    }
  }
}

}  // namespace sio::detail
