// What a server sends: writing through a socket's session, emits with and without replies,
// broadcasts, server-side events (members of ServerCore, declared in sio/socketio/server_core.hpp).

#include <algorithm>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "sio/ack.hpp"
#include "sio/detail/payload_writer.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/protocol/parser.hpp"
#include "sio/socketio/broadcast.hpp"
#include "sio/socketio/server_core.hpp"

namespace sio::detail {

SendStatus ServerCore::write(SocketState& s, const protocol::OutgoingPacket& packet, bool volatile_flag) {
  engineio::Session* session = s.session;
  if (!session || s.phase != SocketState::Phase::connected) return SendStatus::disconnected;
  if (!s.drain_handlers.empty()) s.client->drain_wanted = true;
  const std::size_t budget = options_.max_buffered_bytes;
  if (transport::WsConnection* ws = session->websocket()) {
    // Open on a WebSocket, the common case of a broadcast's many receivers: the session hands
    // the frames straight to its connection.
    const std::size_t buffered = ws->buffered_amount();
    if (volatile_flag && buffered != 0) return SendStatus::dropped;
    const protocol::EncodedPacket& frames = packet.encoded(*parser_);
    if (budget != 0 && frames.size > budget - std::min(buffered, budget)) return over_budget(s, buffered, frames.size);
    session->send(frames.text);
    for (const auto& a : frames.attachments) session->send(a);
    return SendStatus::sent;
  }
  const bool websocket = session->transport() == engineio::TransportKind::websocket;
  const bool writable = (!volatile_flag && websocket) || session->writable();
  if (volatile_flag && !writable) return SendStatus::dropped;
  const protocol::EncodedPacket& frames = packet.encoded(*parser_);
  if (budget != 0) {
    const std::size_t buffered = session->buffered_amount();
    if (frames.size > budget - std::min(buffered, budget)) return over_budget(s, buffered, frames.size);
  }
  session->send(frames.text);
  for (const auto& a : frames.attachments) session->send(a);
  return writable || websocket ? SendStatus::sent : SendStatus::queued;
}

SendStatus ServerCore::over_budget(SocketState& s, std::size_t buffered, std::size_t size) {
  Client& client = *s.client;
  if (options_.overflow == OverflowPolicy::drop || client.over_budget) return SendStatus::queue_full;
  client.over_budget = true;
  logf(LogLevel::warn, "closing connection ", client.session->id(), ": ", std::to_string(buffered),
       " bytes wait to be sent and a packet of ", std::to_string(size), " would pass max_buffered_bytes (",
       std::to_string(options_.max_buffered_bytes), ")");
  // Closed right after the emit (never inside a broadcast that walks the room index, nor
  // inside the caller's emit): until then every packet for it is refused.
  post([this, weak = s.weak_from_this()] {
    auto sock = weak.lock();
    if (sock && sock->client) close_client(*sock->client, DisconnectReason::send_buffer_full);
  });
  return SendStatus::queue_full;
}

protocol::OutgoingPacket ServerCore::make_packet(protocol::PacketType type, const std::string& nsp,
                                                 std::optional<std::uint64_t> id, std::string_view event,
                                                 FunctionRef<void(PayloadWriter&)> write_args) {
  // The payload goes after room for the header, which the parser writes there when it encodes.
  const std::size_t room = protocol::OutgoingPacket::header_room(nsp);
  std::string payload;
  payload.reserve(room + json_capacity_);
  payload.resize(room);
  std::vector<engineio::Frame> attachments;
  {
    PayloadWriter w(payload, attachments);
    w.start_array();
    if (type == protocol::PacketType::event) w.string(event);
    write_args(w);
    w.end_array();
  }
  // The next payload starts with room for one like this one: no regrowth in a steady stream.
  const std::size_t written = payload.size() - room;
  json_capacity_ = written < 64 ? 64 : written + 16;
  return protocol::OutgoingPacket(type, nsp, id, std::move(payload), room, std::move(attachments));
}

std::uint64_t ServerCore::add_pending_reply(SocketState& s, ReplyFn fn, std::optional<std::chrono::milliseconds> timeout,
                                            std::optional<std::uint64_t> id) {
  std::uint64_t ack_id = id ? *id : s.nsp->next_ack_id++;
  TimerQueue::Id timer = 0;
  if (timeout) {
    timer = timers().schedule_after(*timeout, [this, weak = s.weak_from_this(), ack_id] {
      auto sock = weak.lock();
      if (!sock) return;
      auto reply = sock->replies.take(ack_id, nullptr);
      if (!reply) return;
      Args none;
      try {
        reply(make_error_code(error::timeout), none);
      } catch (const std::exception& e) {
        logf(LogLevel::error, "reply callback threw: ", e.what());
      }
    });
  }
  s.replies.add(ack_id, std::move(fn), timer);
  return ack_id;
}

void ServerCore::fail_reply(SocketState& s, std::uint64_t id, error e) {
  auto fn = s.replies.take(id, &timers());
  if (!fn) return;
  post([fn = std::move(fn), e]() mutable {
    Args none;
    fn(make_error_code(e), none);
  });
}

SendStatus ServerCore::emit_to(SocketState& s, std::string_view event, FunctionRef<void(PayloadWriter&)> write_args,
                               ReplyFn reply, std::optional<std::chrono::milliseconds> timeout, bool volatile_flag) {
  if (!s.connected()) {
    if (reply) post([reply = std::move(reply)]() mutable { Args none; reply(make_error_code(error::socket_gone), none); });
    return SendStatus::disconnected;
  }
  std::optional<std::uint64_t> id;
  if (reply) id = add_pending_reply(s, std::move(reply), timeout);
  auto packet = make_packet(protocol::PacketType::event, s.nsp->name_, id, event, write_args);
  auto status = write(s, packet, volatile_flag);
  if (status == SendStatus::dropped && id) fail_reply(s, *id, error::dropped);
  if (status == SendStatus::queue_full && id) fail_reply(s, *id, error::queue_full);
  return status;
}

SendStatus ServerCore::send_ack(SocketState& s, std::uint64_t id, FunctionRef<void(PayloadWriter&)> write_args) {
  if (!s.connected()) return SendStatus::disconnected;
  return write(s, make_packet(protocol::PacketType::ack, s.nsp->name_, id, {}, write_args), false);
}

std::size_t ServerCore::broadcast(NamespaceState& nsp, const BroadcastOptions& opts, std::string_view event,
                                  FunctionRef<void(PayloadWriter&)> write_args, RepliesFn replies) {
  std::optional<std::uint64_t> id;
  if (replies) id = nsp.next_ack_id++;
  auto packet = make_packet(protocol::PacketType::event, nsp.name_, id, event, write_args);
  if (!replies) return nsp.adapter->broadcast(packet, opts);

  // The collection may end after the server is gone (sio::error::server_gone): it keeps what it logs with.
  auto c = std::make_shared<ReplyCollector>(
      link_, timers(), [logger = options_.logger, replies = std::move(replies)](std::error_code ec, std::vector<Args>& r) {
        try {
          replies(ec, r);
        } catch (const std::exception& e) {
          engineio::detail::log(logger, LogLevel::error, "reply callback threw: ", e.what());
        }
      });
  c->start_timer(opts.timeout);
  nsp.adapter->server_count([c](std::size_t n) { c->on_server_count(n); });
  nsp.adapter->broadcast_with_ack(
      packet, opts, [c](std::size_t clients) { c->on_count(clients); },
      [c](std::error_code ec, const Args& a) { c->on_reply(ec, a); });
  const std::size_t receivers = c->expected();
  c->sent();
  // Complete already (no receiver): the callback still never runs inside the emit.
  if (c->complete()) post([c] {
      if (!c->done()) c->finish({});
    });
  return receivers;
}

void ServerCore::server_side_emit(NamespaceState& nsp, std::string_view event, FunctionRef<void(PayloadWriter&)> write_args,
                                  RepliesFn replies, std::optional<std::chrono::milliseconds> timeout) {
  auto packet = make_packet(protocol::PacketType::event, nsp.name_, std::nullopt, event, write_args);
  Adapter::RepliesHandler done;
  if (replies) {
    // The callback never runs inside the emit, even when the adapter answers at once.
    done = [link = link_, replies = std::move(replies)](std::error_code ec, std::vector<Args> r) mutable {
      ServerLink::post_or_run(link.get(), [replies = std::move(replies), ec, r = std::move(r)]() mutable { replies(ec, r); });
    };
  }
  nsp.adapter->server_side_emit(packet, std::move(done), timeout);
}

void ServerCore::on_server_side_emit(NamespaceState& nsp, const protocol::OutgoingPacket& packet,
                                     std::function<void(const Args&)> reply) {
  auto decoded = packet.decoded();
  if (!decoded->has_data || !decoded->data.IsArray() || decoded->data.Empty() || !decoded->data[0].IsString()) {
    logf(LogLevel::warn, "a server-side event for ", nsp.name_, " without an event name: ignored");
    return;
  }
  std::string name(decoded->data[0].GetString(), decoded->data[0].GetStringLength());
  Args args(decoded, 1);
  Ack ack;
  if (reply) ack = Ack(std::make_shared<AckState>(link_, [reply = std::move(reply)](Args& a) { reply(a); }));
  auto handlers = nsp.server_handlers;  // a handler may add more
  for (const auto& h : handlers) {
    if (h->event != name) continue;
    try {
      h->fn(args, ack);
    } catch (const std::exception& e) {
      logf(LogLevel::error, "server-side handler for \"", name, "\" threw: ", e.what());
    }
  }
}

}  // namespace sio::detail
