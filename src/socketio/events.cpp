// A connected socket's incoming events and replies: socket middleware, handlers, acks
// (members of ServerCore, declared in sio/socketio/server_core.hpp).

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>
#include <utility>

#include "sio/protocol/detail/json.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/socket.hpp"
#include "sio/socketio/server_core.hpp"

namespace sio::detail {

void ServerCore::on_event(SocketState& s, std::shared_ptr<const protocol::Packet> pkt) {
  const auto& first = pkt->data[0];
  std::string name_storage;
  std::string_view name;
  if (first.IsString()) {
    name = std::string_view(first.GetString(), first.GetStringLength());
  } else if (first.IsDouble() && !std::isfinite(first.GetDouble())) {
    // `42[1e400]`: JSON.stringify would write the infinity as null, but Node names the event
    // with the number's text, as String() gives it.
    name = first.GetDouble() > 0 ? "Infinity" : "-Infinity";
  } else {
    // Numeric event names arrive as numbers; handlers are registered by their text.
    protocol::detail::append_json(name_storage, first);
    name = name_storage;
  }
  Ack ack;
  if (pkt->id) ack = Ack(std::make_shared<AckState>(link_, s.weak_from_this(), *pkt->id));
  Event ev{name, Args(std::move(pkt), 1), std::move(ack)};
  // Without socket.use middleware the event needs no life beyond this call.
  if (s.middlewares.empty()) return emit_event(s, ev);
  // Middleware may finish later: the event keeps its own copy of the name.
  auto held = std::make_shared<std::pair<std::string, Event>>(std::string(name), std::move(ev));
  held->second.name = held->first;
  run_packet_middleware(s.shared_from_this(), std::shared_ptr<Event>(held, &held->second), 0);
}

void ServerCore::run_packet_middleware(const std::shared_ptr<SocketState>& s, const std::shared_ptr<Event>& ev,
                                       std::size_t index) {
  if (!s->connected()) return;
  if (index >= s->middlewares.size()) return emit_event(*s, *ev);
  auto mw = s->middlewares[index];
  auto fn = std::make_shared<std::function<void(const ConnectError*)>>(
      [this, weak = s->weak_from_this(), ev, index](const ConnectError* err) {
        auto sock = weak.lock();
        if (!sock || !sock->core()) return;
        if (err) return emit_error(*sock, *err);
        run_packet_middleware(sock, ev, index + 1);
      });
  try {
    (*mw)(*ev, Next(fn));
  } catch (const std::exception& e) {
    logf(LogLevel::error, "socket middleware threw: ", e.what());
  }
}

void ServerCore::emit_error(SocketState& s, const ConnectError& err) {
  Socket handle(s.shared_from_this());
  bool any = false;
  auto handlers = s.error_handlers;
  for (const auto& h : handlers) {
    any = true;
    if (h->once) {
      auto& v = s.error_handlers;
      v.erase(std::remove(v.begin(), v.end(), h), v.end());
    }
    try {
      h->fn(handle, err);
    } catch (const std::exception& e) {
      logf(LogLevel::error, "error handler threw: ", e.what());
    }
  }
  if (!any) logf(LogLevel::warn, "socket ", s.id, ": middleware error with no \"error\" handler: ", err.what());
}

void ServerCore::emit_event(SocketState& s, Event& ev) {
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

void ServerCore::on_ack(SocketState& s, std::shared_ptr<const protocol::Packet> shared) {
  const protocol::Packet& packet = *shared;
  if (!packet.id) return;
  auto fn = s.replies.take(*packet.id, &timers());
  if (!fn) {
    logf(LogLevel::debug, "reply with unknown id from socket ", s.id, ": ignored");
    return;
  }
  Args args(std::move(shared), 0);
  try {
    fn({}, args);
  } catch (const std::exception& e) {
    logf(LogLevel::error, "reply callback threw: ", e.what());
  }
}

}  // namespace sio::detail
