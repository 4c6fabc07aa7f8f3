// The sharded adapter of sio::redis::Cluster (ClusterOptions::sharded): the wire format of
// @socket.io/redis-adapter's createShardedAdapter, which is socket.io-adapter's ClusterAdapter
// over Redis 7's sharded Pub/Sub.
//
// Every message is `{uid, nsp, type, data}`, JSON text, or msgpack when a message of a type that
// may carry binary does. Messages go by SPUBLISH to `<key>#<nsp>#` (a broadcast to one room may
// take the room's channel, `<key>#<nsp>#<room>#`, see SubscriptionMode); answers go to
// `<key>#<nsp>#<uid>#`, the channel of the server that asked.
#include <asio/steady_timer.hpp>
#include <map>
#include <utility>
#include <vector>

#include "cluster_impl.hpp"
#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/args.hpp"
#include "sio/engineio/frame.hpp"
#include "sio/error.hpp"
#include "sio/protocol/msgpack.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/redis/adapter.hpp"
#include "socket_details_json.hpp"
#include "wire.hpp"

namespace sio::redis {

namespace {

using namespace detail;  // the helpers of wire.hpp
using Value = rapidjson::Value;
using Alloc = rapidjson::MemoryPoolAllocator<>;

/// The message types of socket.io-adapter's ClusterAdapter (1, 2 and 13 are its heartbeats,
/// which the sharded adapter does not send).
enum class MessageType : int {
  broadcast = 3,
  sockets_join = 4,
  sockets_leave = 5,
  disconnect_sockets = 6,
  fetch_sockets = 7,
  fetch_sockets_response = 8,
  server_side_emit = 9,
  server_side_emit_response = 10,
  broadcast_client_count = 11,
  broadcast_ack = 12,
};

// The length of `s` in UTF-16 units, as JavaScript's String.length counts it.
std::size_t js_length(std::string_view s) noexcept {
  std::size_t n = 0;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xC0) != 0x80) ++n;  // ASCII, or the first byte of a sequence
    if ((c & 0xF8) == 0xF0) ++n;  // four bytes: a surrogate pair
  }
  return n;
}

// Whether `v` holds a placeholder of one of `attachments` attachments: binary data, which JSON
// cannot carry.
bool has_binary(const Value& v, std::size_t attachments) {
  if (attachments == 0) return false;
  if (v.IsArray()) {
    for (const auto& e : v.GetArray())
      if (has_binary(e, attachments)) return true;
    return false;
  }
  if (!v.IsObject()) return false;
  const Value* placeholder = member(v, "_placeholder");
  const Value* num = member(v, "num");
  if (placeholder && placeholder->IsBool() && placeholder->GetBool() && num && num->IsUint64() &&
      num->GetUint64() < attachments)
    return true;
  for (const auto& m : v.GetObject())
    if (has_binary(m.value, attachments)) return true;
  return false;
}

// {rooms, except, flags} as ClusterAdapter's encodeOptions() writes them.
Value options_value(const BroadcastOptions& opts, Alloc& alloc) {
  Value out(rapidjson::kObjectType);
  Value rooms, except, flags(rapidjson::kObjectType);
  write_rooms(rooms, opts.rooms, alloc);
  write_rooms(except, opts.except, alloc);
  if (opts.volatile_) flags.AddMember("volatile", true, alloc);
  if (!opts.compress) flags.AddMember("compress", false, alloc);
  if (opts.timeout) flags.AddMember("timeout", static_cast<std::uint64_t>(opts.timeout->count()), alloc);
  out.AddMember("rooms", rooms, alloc);
  out.AddMember("except", except, alloc);
  out.AddMember("flags", flags, alloc);
  return out;
}

// The Socket.IO packet of a broadcast, {type: 2, data, nsp}: EVENT even with binary arguments
// (each receiving server's encoder chooses BINARY_EVENT).
Value packet_value(const protocol::Packet& decoded, const std::string& nsp, Alloc& alloc) {
  Value out(rapidjson::kObjectType);
  Value data;
  data.CopyFrom(decoded.data, alloc);
  out.AddMember("type", 2, alloc);
  out.AddMember("data", data, alloc);
  out.AddMember("nsp", string_value(nsp, alloc), alloc);
  return out;
}

// Whether an array is an event: its first element names it.
bool is_event(const Value* data) { return data && data->IsArray() && !data->Empty() && (*data)[0].IsString(); }

std::vector<engineio::Frame> frames_of(std::vector<std::string>& attachments) {
  std::vector<engineio::Frame> frames;
  frames.reserve(attachments.size());
  for (auto& a : attachments) frames.push_back(engineio::make_binary_frame(std::move(a)));
  return frames;
}

/// The adapter of one namespace: this server's room index (InMemoryAdapter), what crosses to the
/// other servers published on Redis's sharded channels, and what they publish applied here.
class ShardedAdapter final : public InMemoryAdapter, public Subscriber {
 public:
  ShardedAdapter(AdapterHost& host, std::shared_ptr<Cluster::Impl> cluster)
      : InMemoryAdapter(host), cluster_(std::move(cluster)), mode_(cluster_->options().subscription_mode),
        uid_(cluster_->make_uid(16)), channel_(cluster_->options().key + "#" + std::string(host.name()) + "#"),
        response_channel_(channel_ + uid_ + "#") {}
  ~ShardedAdapter() override { close(); }

  void init() override {
    cluster_->subscribe(this, Subscription::shard_channel, channel_);
    cluster_->subscribe(this, Subscription::shard_channel, response_channel_);
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    cluster_->unsubscribe(this, Subscription::shard_channel, channel_);
    cluster_->unsubscribe(this, Subscription::shard_channel, response_channel_);
    for (const auto& room : rooms())
      if (has_own_channel(room)) cluster_->unsubscribe(this, Subscription::shard_channel, room_channel(room));
    // What waits on other servers ends now: a request completes with sio::error::server_gone
    // (later, on the io_context); replies of a broadcast with acks stop coming, and its own
    // timeout ends it.
    detail::end_requests(cluster_->ioc(), requests_);
    ack_requests_.clear();
  }

  /// The servers subscribed to this namespace's channel (PUBSUB SHARDNUMSUB), this one included;
  /// 1 when Redis cannot say.
  void server_count(std::function<void(std::size_t)> done) override {
    cluster_->count_subscribers("SHARDNUMSUB", channel_, alive_, std::move(done));
  }

  void on_message(std::string_view channel, std::string_view, std::string_view payload) override {
    Message m;
    if (!read_message(payload, m)) return unreadable(channel, payload.size(), "not a JSON or msgpack object");
    if (channel == response_channel_) on_response(channel, payload.size(), m);
    else on_cluster_message(channel, payload.size(), m);
  }

 protected:
  // ---- the room index's events: a room's own channel, while it has members here ----

  void on_room_created(const Room& room) override {
    // Not awaited by up(): a room comes and goes with its members, the cluster stays up.
    if (!closed_ && has_own_channel(room))
      cluster_->subscribe(this, Subscription::shard_channel, room_channel(room), false);
  }
  void on_room_deleted(const Room& room) override {
    if (has_own_channel(room)) cluster_->unsubscribe(this, Subscription::shard_channel, room_channel(room));
  }

  // ---- what this server asks of the others ----

  void forward_broadcast(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts) override {
    const auto type = packet.type();
    if (type != protocol::PacketType::event && type != protocol::PacketType::binary_event) return;
    const auto decoded = packet.decoded();
    Alloc alloc;
    Value data(rapidjson::kObjectType);
    data.AddMember("packet", packet_value(*decoded, packet.nsp(), alloc), alloc);
    data.AddMember("opts", options_value(opts, alloc), alloc);
    publish(broadcast_channel(opts), MessageType::broadcast, data, alloc, &decoded->attachments);
  }

  void forward_broadcast_with_ack(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts,
                                  const CountHandler& on_count, const ReplyHandler& on_reply) override {
    const std::string id = cluster_->make_uid(16);
    auto& pending = ack_requests_[id];
    pending.on_count = on_count;
    pending.on_reply = on_reply;
    // Replies may come until the sender's own timeout; then the request is forgotten.
    pending.timer = cluster_->expire_after(opts.timeout.value_or(cluster_->options().requests_timeout), alive_,
                                           [this, id] { ack_requests_.erase(id); });
    const auto decoded = packet.decoded();
    Alloc alloc;
    Value data(rapidjson::kObjectType);
    data.AddMember("packet", packet_value(*decoded, packet.nsp(), alloc), alloc);
    data.AddMember("requestId", string_value(id, alloc), alloc);
    data.AddMember("opts", options_value(opts, alloc), alloc);
    // The namespace's channel: the server count, which the sender waits on, counts every server.
    publish(channel_, MessageType::broadcast, data, alloc, &decoded->attachments);
  }

  void forward_fetch_sockets(const BroadcastOptions& opts, FetchHandler done) override {
    // The server count, then the request; neither runs once the adapter is gone.
    server_count([this, opts, done = std::move(done)](std::size_t servers) mutable {
      if (closed_) return done(make_error_code(error::server_gone), {});  // closed while counting
      if (servers <= 1) return done({}, {});
      const std::string id = cluster_->make_uid(16);
      auto& r = requests_[id];
      r.type = MessageType::fetch_sockets;
      r.expected = servers - 1;  // the others
      r.fetch_done = std::move(done);
      r.timer = cluster_->expire_after(opts.timeout.value_or(cluster_->options().requests_timeout), alive_,
                                       [this, id] { time_out(id); });
      Alloc alloc;
      Value data(rapidjson::kObjectType);
      data.AddMember("opts", options_value(opts, alloc), alloc);
      data.AddMember("requestId", string_value(id, alloc), alloc);
      publish(channel_, MessageType::fetch_sockets, data, alloc);
    });
  }

  void forward_add_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) override {
    publish_rooms(MessageType::sockets_join, opts, rooms);
  }
  void forward_del_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) override {
    publish_rooms(MessageType::sockets_leave, opts, rooms);
  }
  void forward_disconnect_sockets(const BroadcastOptions& opts, bool close) override {
    Alloc alloc;
    Value data(rapidjson::kObjectType);
    data.AddMember("opts", options_value(opts, alloc), alloc);
    data.AddMember("close", close, alloc);
    publish(channel_, MessageType::disconnect_sockets, data, alloc);
  }

  void forward_server_side_emit(const protocol::OutgoingPacket& packet, RepliesHandler replies,
                                std::optional<std::chrono::milliseconds> timeout) override {
    if (!replies) return publish_server_side_emit(packet, {});
    server_count([this, packet, timeout, replies = std::move(replies)](std::size_t servers) mutable {
      if (closed_) return replies(make_error_code(error::server_gone), {});  // closed while counting
      if (servers <= 1) return replies({}, {});
      const std::string id = cluster_->make_uid(16);
      auto& r = requests_[id];
      r.type = MessageType::server_side_emit;
      r.expected = servers - 1;
      r.sse_done = std::move(replies);
      r.timer = cluster_->expire_after(timeout.value_or(cluster_->options().requests_timeout), alive_,
                                       [this, id] { time_out(id); });
      publish_server_side_emit(packet, id);
    });
  }

 private:
  // A request that waits on the other servers.
  struct Request {
    MessageType type = MessageType::fetch_sockets;
    std::size_t expected = 0;  // answers awaited (servers)
    std::size_t received = 0;
    std::vector<SocketDetails> sockets;
    FetchHandler fetch_done;
    std::vector<Args> responses;
    RepliesHandler sse_done;
    std::unique_ptr<asio::steady_timer> timer;
  };
  // A broadcast with acknowledgements whose replies other servers forward.
  struct AckRequest {
    CountHandler on_count;
    ReplyHandler on_reply;
    std::unique_ptr<asio::steady_timer> timer;
  };

  void on_cluster_message(std::string_view channel, std::size_t bytes, Message& m);
  void on_broadcast(std::string_view channel, std::size_t bytes, Message& m, const std::string& from, const Value& data);
  void on_server_side_emit(std::string_view channel, std::size_t bytes, Message& m, const std::string& from,
                           const Value& data);
  void on_response(std::string_view channel, std::size_t bytes, Message& m);

  // Whether `room` has a channel of its own (subscribed while it has members here): every room
  // in dynamic-private mode, rooms that are not one of this server's sockets in dynamic mode.
  bool has_own_channel(const Room& room) const {
    return mode_ == SubscriptionMode::dynamic_private || (mode_ == SubscriptionMode::dynamic && !find_socket(room));
  }
  std::string room_channel(const Room& room) const { return channel_ + room + "#"; }
  // Where a broadcast without acknowledgements goes: to one room, its channel in the dynamic
  // modes (unless, in dynamic mode, the room looks like a socket id: sockets' own rooms have no
  // channel there); the namespace's channel otherwise.
  std::string broadcast_channel(const BroadcastOptions& opts) const {
    if (opts.rooms.size() == 1 &&
        (mode_ == SubscriptionMode::dynamic_private ||
         (mode_ == SubscriptionMode::dynamic && js_length(opts.rooms.front()) != 20)))
      return room_channel(opts.rooms.front());
    return channel_;
  }

  // Publishes `{uid, nsp, type, data}` on `channel`: msgpack if `data` holds binary (one of
  // `attachments`), JSON otherwise.
  void publish(const std::string& channel, MessageType type, Value& data, Alloc& alloc,
               const std::vector<std::string>* attachments = nullptr) {
    Value m(rapidjson::kObjectType);
    m.AddMember("uid", string_value(uid_, alloc), alloc);
    m.AddMember("nsp", string_value(host().name(), alloc), alloc);
    m.AddMember("type", static_cast<int>(type), alloc);
    m.AddMember("data", data, alloc);
    std::string bytes;
    if (attachments && has_binary(m["data"], attachments->size())) {
      protocol::msgpack::Writer w(bytes);
      w.value(m, attachments);
    } else {
      bytes = json_text(m);
    }
    cluster_->spublish(channel, std::move(bytes), "a message of " + std::string(host().name()));
  }
  // An answer to the server `requester`, on its own channel.
  void respond(const std::string& requester, MessageType type, Value& data, Alloc& alloc,
               const std::vector<std::string>* attachments = nullptr) {
    publish(channel_ + requester + "#", type, data, alloc, attachments);
  }

  void publish_rooms(MessageType type, const BroadcastOptions& opts, const std::vector<Room>& rooms) {
    Alloc alloc;
    Value data(rapidjson::kObjectType);
    Value list;
    write_rooms(list, rooms, alloc);
    data.AddMember("opts", options_value(opts, alloc), alloc);
    data.AddMember("rooms", list, alloc);
    publish(channel_, type, data, alloc);
  }

  void publish_server_side_emit(const protocol::OutgoingPacket& packet, const std::string& id) {
    const auto decoded = packet.decoded();
    Alloc alloc;
    Value data(rapidjson::kObjectType);
    if (!id.empty()) data.AddMember("requestId", string_value(id, alloc), alloc);
    Value events;
    events.CopyFrom(decoded->data, alloc);
    data.AddMember("packet", events, alloc);
    publish(channel_, MessageType::server_side_emit, data, alloc, &decoded->attachments);
  }

  // A reply of one of this server's handlers or clients, `{requestId, packet: <first argument>}`.
  void respond_with_argument(const std::string& requester, MessageType type, const std::string& id, const Args& args) {
    Alloc alloc;
    Value data(rapidjson::kObjectType);
    data.AddMember("requestId", string_value(id, alloc), alloc);
    Value arg;
    if (!args.empty()) arg.CopyFrom(args[0], alloc);
    data.AddMember("packet", arg, alloc);
    const auto* attachments = args.packet() ? &args.packet()->attachments : nullptr;
    respond(requester, type, data, alloc, attachments);
  }

  void time_out(const std::string& id) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    auto request = std::move(it->second);
    requests_.erase(it);
    log(cluster_->options().logger, LogLevel::warn,
        "redis: a request of " + std::string(host().name()) + ": " + std::to_string(request.received) + " of " +
            std::to_string(request.expected) + " other servers answered in time");
    if (request.type == MessageType::fetch_sockets) request.fetch_done(make_error_code(error::timeout), std::move(request.sockets));
    else request.sse_done(make_error_code(error::timeout), std::move(request.responses));
  }

  void unreadable(std::string_view channel, std::size_t bytes, const char* why) const {
    log(cluster_->options().logger, LogLevel::warn,
        "redis: ignored a message of " + std::to_string(bytes) + " bytes on " + std::string(channel) + ": " + why);
  }

  std::shared_ptr<Cluster::Impl> cluster_;
  SubscriptionMode mode_;
  std::string uid_;
  std::string channel_;           // <key>#<nsp>#
  std::string response_channel_;  // <key>#<nsp>#<uid>#
  std::map<std::string, Request, std::less<>> requests_;
  std::map<std::string, AckRequest, std::less<>> ack_requests_;
  bool closed_ = false;
  // Callbacks that outlive the adapter (replies of Redis, timers) check it is still there.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

void ShardedAdapter::on_cluster_message(std::string_view channel, std::size_t bytes, Message& m) {
  const Value& message = m.root();
  const Value* uid = member(message, "uid");
  if (uid && uid->IsString() && std::string_view(uid->GetString(), uid->GetStringLength()) == uid_) return;  // our own
  const Value* nsp = member(message, "nsp");
  if (!nsp || !nsp->IsString() || std::string_view(nsp->GetString(), nsp->GetStringLength()) != host().name())
    return;  // another namespace's
  const Value* type = member(message, "type");
  if (!type || !type->IsInt()) return unreadable(channel, bytes, "a message without a type");
  const Value* data = member(message, "data");
  if (!data || !data->IsObject()) return unreadable(channel, bytes, "a message without data");
  const std::string from = uid && uid->IsString() ? std::string(uid->GetString(), uid->GetStringLength()) : std::string();

  switch (static_cast<MessageType>(type->GetInt())) {
    case MessageType::broadcast: return on_broadcast(channel, bytes, m, from, *data);
    case MessageType::sockets_join:
    case MessageType::sockets_leave: {
      BroadcastOptions opts;
      std::vector<Room> rooms;
      if (!read_options(member(*data, "opts"), opts) || !read_rooms(member(*data, "rooms"), rooms))
        return unreadable(channel, bytes, "not {opts, rooms}");
      if (static_cast<MessageType>(type->GetInt()) == MessageType::sockets_join) local_add_sockets(opts, rooms);
      else local_del_sockets(opts, rooms);
      return;
    }
    case MessageType::disconnect_sockets: {
      BroadcastOptions opts;
      if (!read_options(member(*data, "opts"), opts)) return unreadable(channel, bytes, "not {opts, close}");
      local_disconnect_sockets(opts, flag(data, "close", false));
      return;
    }
    case MessageType::fetch_sockets: {
      BroadcastOptions opts;
      const Value* id = member(*data, "requestId");
      if (!read_options(member(*data, "opts"), opts) || !id || !id->IsString() || from.empty())
        return unreadable(channel, bytes, "not {opts, requestId} from a server");
      const auto found = local_fetch_sockets(opts);
      Alloc alloc;
      Value answer(rapidjson::kObjectType);
      answer.AddMember("requestId", Value(*id, alloc), alloc);
      Value list(rapidjson::kArrayType);
      for (const auto& s : found) {
        Value v;
        write_socket_details(v, s, alloc);
        list.PushBack(v, alloc);
      }
      answer.AddMember("sockets", list, alloc);
      return respond(from, MessageType::fetch_sockets_response, answer, alloc);
    }
    case MessageType::server_side_emit: return on_server_side_emit(channel, bytes, m, from, *data);
    case MessageType::fetch_sockets_response:
    case MessageType::server_side_emit_response:
    case MessageType::broadcast_client_count:
    case MessageType::broadcast_ack:
      // Answers belong on the asker's own channel; ClusterAdapter takes them from anywhere.
      return on_response(channel, bytes, m);
    default:
      return;  // a heartbeat of ClusterAdapterWithHeartbeat, or a type of a later version
  }
}

void ShardedAdapter::on_broadcast(std::string_view channel, std::size_t bytes, Message& m, const std::string& from,
                                  const Value& data) {
  const Value* packet = member(data, "packet");
  const Value* events = packet ? member(*packet, "data") : nullptr;
  const Value* packet_type = packet ? member(*packet, "type") : nullptr;
  if (!is_event(events)) return unreadable(channel, bytes, "a broadcast without an event");
  // EVENT (2), or BINARY_EVENT (5) from an encoder that already chose the binary type.
  if (packet_type && !(packet_type->IsInt() && (packet_type->GetInt() == 2 || packet_type->GetInt() == 5)))
    return unreadable(channel, bytes, "a broadcast of something else than an event");
  BroadcastOptions opts;
  if (!read_options(member(data, "opts"), opts)) return unreadable(channel, bytes, "opts is not {rooms, except, flags}");
  const Value* id = member(data, "requestId");
  if (!id) {
    const protocol::OutgoingPacket out(protocol::PacketType::event, std::string(host().name()), std::nullopt,
                                       json_text(*events), frames_of(m.attachments));
    local_broadcast(out, opts);
    return;
  }
  if (!id->IsString() || from.empty()) return unreadable(channel, bytes, "a broadcast with acks without a requestId");
  const std::string request(id->GetString(), id->GetStringLength());
  const protocol::OutgoingPacket out(protocol::PacketType::event, std::string(host().name()), host().new_ack_id(),
                                     json_text(*events), frames_of(m.attachments));
  const std::size_t reached = local_broadcast_with_ack(
      out, opts, [alive = std::weak_ptr<char>(alive_), this, from, request](std::error_code ec, const Args& args) {
        if (ec || !alive.lock()) return;  // a client that did not answer: the requester times it out
        respond_with_argument(from, MessageType::broadcast_ack, request, args);
      });
  Alloc alloc;
  Value answer(rapidjson::kObjectType);
  answer.AddMember("requestId", string_value(request, alloc), alloc);
  answer.AddMember("clientCount", static_cast<std::uint64_t>(reached), alloc);
  respond(from, MessageType::broadcast_client_count, answer, alloc);
}

void ShardedAdapter::on_server_side_emit(std::string_view channel, std::size_t bytes, Message& m, const std::string& from,
                                         const Value& data) {
  const Value* events = member(data, "packet");
  if (!is_event(events)) return unreadable(channel, bytes, "a server-side event without an event name");
  const Value* id = member(data, "requestId");
  if (id && (!id->IsString() || from.empty()))
    return unreadable(channel, bytes, "a server-side event with acks without a requestId");
  const protocol::OutgoingPacket packet(protocol::PacketType::event, std::string(host().name()), std::nullopt,
                                        json_text(*events), frames_of(m.attachments));
  std::function<void(const Args&)> reply;
  if (id) {
    // The first argument of the handler's reply, once, to the asker.
    reply = [alive = std::weak_ptr<char>(alive_), this, from, request = std::string(id->GetString(), id->GetStringLength()),
             answered = false](const Args& args) mutable {
      if (answered || !alive.lock()) return;
      answered = true;
      respond_with_argument(from, MessageType::server_side_emit_response, request, args);
    };
  }
  host().on_server_side_emit(packet, std::move(reply));
}

void ShardedAdapter::on_response(std::string_view channel, std::size_t bytes, Message& m) {
  const Value& message = m.root();
  const Value* type = member(message, "type");
  const Value* data = member(message, "data");
  const Value* id = data ? member(*data, "requestId") : nullptr;
  if (!type || !type->IsInt() || !id || !id->IsString()) return unreadable(channel, bytes, "not a response");
  const std::string_view request(id->GetString(), id->GetStringLength());

  switch (static_cast<MessageType>(type->GetInt())) {
    case MessageType::broadcast_client_count: {
      auto it = ack_requests_.find(request);
      const Value* count = member(*data, "clientCount");
      if (it == ack_requests_.end()) return;  // late, or another server's
      if (!count || !count->IsUint64()) return unreadable(channel, bytes, "a client count that is not a count");
      it->second.on_count(static_cast<std::size_t>(count->GetUint64()));
      return;
    }
    case MessageType::broadcast_ack: {
      auto it = ack_requests_.find(request);
      if (it != ack_requests_.end()) it->second.on_reply({}, one_argument(member(*data, "packet"), std::move(m.attachments)));
      return;
    }
    case MessageType::fetch_sockets_response:
    case MessageType::server_side_emit_response: {
      auto it = requests_.find(request);
      if (it == requests_.end() || static_cast<int>(it->second.type) + 1 != type->GetInt()) return;
      Request& r = it->second;
      ++r.received;
      if (r.type == MessageType::fetch_sockets) {
        const Value* list = member(*data, "sockets");
        if (list && list->IsArray())
          for (const auto& s : list->GetArray()) {
            SocketDetails d;
            if (read_socket_details(s, d)) r.sockets.push_back(std::move(d));
          }
      } else {
        r.responses.push_back(one_argument(member(*data, "packet"), std::move(m.attachments)));
      }
      if (r.received < r.expected) return;
      auto done = std::move(r);
      requests_.erase(it);
      if (done.type == MessageType::fetch_sockets) done.fetch_done({}, std::move(done.sockets));
      else done.sse_done({}, std::move(done.responses));
      return;
    }
    default:
      return;
  }
}

}  // namespace

std::unique_ptr<Adapter> detail::make_sharded_adapter(AdapterHost& host, std::shared_ptr<Cluster::Impl> cluster) {
  return std::make_unique<ShardedAdapter>(host, std::move(cluster));
}

}  // namespace sio::redis
