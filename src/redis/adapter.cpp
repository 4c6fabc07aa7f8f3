// The classic adapter of sio::redis::Cluster: @socket.io/redis-adapter's createAdapter wire format
// (broadcasts by PSUBSCRIBE, requests and responses on channels of their own).
#include "sio/redis/adapter.hpp"

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <map>
#include <utility>
#include <vector>

#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/args.hpp"
#include "sio/engineio/frame.hpp"
#include "sio/protocol/msgpack.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"
#include "cluster_impl.hpp"
#include "socket_details_json.hpp"
#include "wire.hpp"

namespace sio::redis {

namespace {

namespace msgpack = protocol::msgpack;
using namespace detail;  // the helpers of wire.hpp
using detail::Subscription;

/// The request types of @socket.io/redis-adapter.
enum RequestType : int {
  request_sockets = 0,
  request_all_rooms = 1,
  request_remote_join = 2,
  request_remote_leave = 3,
  request_remote_disconnect = 4,
  request_remote_fetch = 5,
  request_server_side_emit = 6,
  request_broadcast = 7,
  request_broadcast_client_count = 8,
  request_broadcast_ack = 9,
};

using detail::write_rooms;  // rooms as JSON; as msgpack below

void write_rooms(msgpack::Writer& w, const std::vector<Room>& rooms) {
  w.array(rooms.size());
  for (const auto& r : rooms) w.string(r);
}

// {rooms, except}, as the JSON requests carry them.
rapidjson::Value json_options(const BroadcastOptions& opts, rapidjson::MemoryPoolAllocator<>& alloc) {
  rapidjson::Value out(rapidjson::kObjectType);
  rapidjson::Value rooms, except;
  write_rooms(rooms, opts.rooms, alloc);
  write_rooms(except, opts.except, alloc);
  out.AddMember("rooms", rooms, alloc);
  out.AddMember("except", except, alloc);
  return out;
}

// {rooms, except, flags}, as broadcasts carry them.
void write_msgpack_options(msgpack::Writer& w, const BroadcastOptions& opts) {
  w.map(3);
  w.string("rooms");
  write_rooms(w, opts.rooms);
  w.string("except");
  write_rooms(w, opts.except);
  w.string("flags");
  const std::size_t flags = (opts.volatile_ ? 1 : 0) + (opts.compress ? 0 : 1) + (opts.timeout ? 1 : 0);
  w.map(flags);
  if (opts.volatile_) {
    w.string("volatile");
    w.boolean(true);
  }
  if (!opts.compress) {
    w.string("compress");
    w.boolean(false);
  }
  if (opts.timeout) {
    w.string("timeout");
    w.unsigned_integer(static_cast<std::uint64_t>(opts.timeout->count()));
  }
}

// The packet {type: 2, data, nsp} of a broadcast: EVENT even with binary arguments (each
// receiving server's encoder chooses BINARY_EVENT), binary as bin.
void write_msgpack_packet(msgpack::Writer& w, const protocol::OutgoingPacket& packet) {
  const auto decoded = packet.decoded();
  w.map(3);
  w.string("type");
  w.unsigned_integer(2);
  w.string("data");
  w.value(decoded->data, &decoded->attachments);
  w.string("nsp");
  w.string(packet.nsp());
}

/// The adapter of one namespace: this server's room index (InMemoryAdapter), what crosses to the
/// other servers published on Redis, and what they publish applied here.
class RedisAdapter final : public InMemoryAdapter, public detail::Subscriber {
 public:
  RedisAdapter(AdapterHost& host, std::shared_ptr<Cluster::Impl> cluster)
      : InMemoryAdapter(host), cluster_(std::move(cluster)), uid_(cluster_->make_uid()),
        channel_(cluster_->options().key + "#" + std::string(host.name()) + "#"),
        request_channel_(cluster_->options().key + "-request#" + std::string(host.name()) + "#"),
        response_channel_(cluster_->options().key + "-response#" + std::string(host.name()) + "#") {}
  ~RedisAdapter() override { close(); }

  // Broadcasts come by the pattern `<key>#<nsp>#*`, requests and responses by their channels.
  void init() override {
    cluster_->subscribe(this, Subscription::pattern, channel_ + "*");
    for (const auto& c : channels()) cluster_->subscribe(this, Subscription::channel, c);
  }
  void close() override {
    if (closed_) return;
    closed_ = true;
    cluster_->unsubscribe(this, Subscription::pattern, channel_ + "*");
    for (const auto& c : channels()) cluster_->unsubscribe(this, Subscription::channel, c);
    // What waits on other servers ends now: a request completes with sio::error::server_gone
    // (later, on the io_context); replies of a broadcast with acks stop coming, and its own
    // timeout ends it.
    detail::end_requests(cluster_->ioc(), requests_);
    ack_requests_.clear();
  }

  /// The servers subscribed to this namespace's requests (PUBSUB NUMSUB), this one included; 1
  /// when Redis cannot say.
  void server_count(std::function<void(std::size_t)> done) override {
    cluster_->count_subscribers("NUMSUB", request_channel_, alive_, std::move(done));
  }

  void on_message(std::string_view channel, std::string_view pattern, std::string_view payload) override {
    if (!pattern.empty()) on_broadcast(channel, payload);
    else if (channel.substr(0, response_channel_.size()) == response_channel_) on_response(payload);
    else on_request(payload);
  }

 protected:
  void forward_broadcast(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts) override {
    const auto type = packet.type();
    if (type != protocol::PacketType::event && type != protocol::PacketType::binary_event) return;
    std::string message;
    msgpack::Writer w(message);
    w.array(3);
    w.string(uid_);
    write_msgpack_packet(w, packet);
    write_msgpack_options(w, opts);
    std::string channel = channel_;
    if (opts.rooms.size() == 1) channel += opts.rooms.front() + "#";
    cluster_->publish(std::move(channel), std::move(message), "a broadcast of " + std::string(host().name()));
  }

  void forward_broadcast_with_ack(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts,
                                  const CountHandler& on_count, const ReplyHandler& on_reply) override {
    const std::string id = cluster_->make_uid();
    auto& pending = ack_requests_[id];
    pending.on_count = on_count;
    pending.on_reply = on_reply;
    // Replies may come until the sender's own timeout; then the request is forgotten.
    pending.timer = expire_after(opts.timeout.value_or(cluster_->options().requests_timeout),
                                 [this, id] { ack_requests_.erase(id); });
    std::string message;
    msgpack::Writer w(message);
    w.map(5);
    w.string("uid");
    w.string(uid_);
    w.string("requestId");
    w.string(id);
    w.string("type");
    w.unsigned_integer(request_broadcast);
    w.string("packet");
    write_msgpack_packet(w, packet);
    w.string("opts");
    write_msgpack_options(w, opts);
    cluster_->publish(request_channel_, std::move(message), "a broadcast with acks of " + std::string(host().name()));
  }

  void forward_fetch_sockets(const BroadcastOptions& opts, FetchHandler done) override {
    ask_others([this, opts, done = std::move(done)](std::size_t servers) mutable {
      if (closed_) return done(make_error_code(error::server_gone), {});  // closed while counting
      if (servers <= 1) return done({}, {});
      const std::string id = cluster_->make_uid();
      auto& r = requests_[id];
      r.type = request_remote_fetch;
      r.expected = servers;
      r.received = 1;  // this server's sockets are the adapter's own
      r.fetch_done = std::move(done);
      r.timer = expire_after(cluster_->options().requests_timeout, [this, id] {
        auto it = requests_.find(id);
        if (it == requests_.end()) return;
        auto request = std::move(it->second);
        requests_.erase(it);
        log(cluster_->options().logger, LogLevel::warn,
            "redis: fetch_sockets of " + std::string(host().name()) + ": " + std::to_string(request.received) + " of " +
                std::to_string(request.expected) + " servers answered in time");
        request.fetch_done(make_error_code(error::timeout), std::move(request.sockets));
      });
      publish_json(request_channel_, [&](rapidjson::Value& m, rapidjson::MemoryPoolAllocator<>& alloc) {
        add_header(m, alloc, request_remote_fetch, id);
        m.AddMember("opts", json_options(opts, alloc), alloc);
      });
    });
  }

  void forward_add_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) override {
    publish_rooms_request(request_remote_join, opts, rooms);
  }
  void forward_del_sockets(const BroadcastOptions& opts, const std::vector<Room>& rooms) override {
    publish_rooms_request(request_remote_leave, opts, rooms);
  }
  void forward_disconnect_sockets(const BroadcastOptions& opts, bool close) override {
    publish_json(request_channel_, [&](rapidjson::Value& m, rapidjson::MemoryPoolAllocator<>& alloc) {
      add_header(m, alloc, request_remote_disconnect, {});
      m.AddMember("opts", json_options(opts, alloc), alloc);
      m.AddMember("close", close, alloc);
    });
  }

  void forward_server_side_emit(const protocol::OutgoingPacket& packet, RepliesHandler replies,
                                std::optional<std::chrono::milliseconds> timeout) override {
    const std::string data(packet.payload());
    if (!replies) {
      publish_json(request_channel_, [&](rapidjson::Value& m, rapidjson::MemoryPoolAllocator<>& alloc) {
        add_header(m, alloc, request_server_side_emit, {});
        add_raw(m, alloc, "data", data);
      });
      return;
    }
    ask_others([this, data, timeout, replies = std::move(replies)](std::size_t servers) mutable {
      if (closed_) return replies(make_error_code(error::server_gone), {});  // closed while counting
      if (servers <= 1) return replies({}, {});
      const std::string id = cluster_->make_uid();
      auto& r = requests_[id];
      r.type = request_server_side_emit;
      r.expected = servers - 1;  // the others
      r.sse_done = std::move(replies);
      r.timer = expire_after(timeout.value_or(cluster_->options().requests_timeout), [this, id] {
        auto it = requests_.find(id);
        if (it == requests_.end()) return;
        auto request = std::move(it->second);
        requests_.erase(it);
        request.sse_done(make_error_code(error::timeout), std::move(request.responses));
      });
      publish_json(request_channel_, [&](rapidjson::Value& m, rapidjson::MemoryPoolAllocator<>& alloc) {
        add_header(m, alloc, request_server_side_emit, id);
        add_raw(m, alloc, "data", data);
      });
    });
  }

 private:
  void on_broadcast(std::string_view channel, std::string_view payload);
  void on_request(std::string_view payload);
  void on_response(std::string_view payload);

  // A request that waits on the other servers.
  struct Request {
    int type = 0;
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

  std::vector<std::string> channels() const {
    return {request_channel_, response_channel_, response_channel_ + uid_ + "#"};
  }

  // Runs `fn` after `after`, unless the adapter is gone or the timer destroyed first.
  template <class F>
  std::unique_ptr<asio::steady_timer> expire_after(std::chrono::milliseconds after, F fn) {
    return cluster_->expire_after(after, alive_, std::move(fn));
  }

  // The server count, then `fn(count)`, unless the adapter is gone by then.
  template <class F>
  void ask_others(F fn) {
    server_count([alive = std::weak_ptr<char>(alive_), fn = std::move(fn)](std::size_t n) mutable {
      if (alive.lock()) fn(n);
    });
  }

  void add_header(rapidjson::Value& m, rapidjson::MemoryPoolAllocator<>& alloc, int type, const std::string& id) const {
    m.AddMember("uid", rapidjson::Value(uid_.c_str(), static_cast<rapidjson::SizeType>(uid_.size()), alloc), alloc);
    if (!id.empty()) m.AddMember("requestId", rapidjson::Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), alloc), alloc);
    m.AddMember("type", type, alloc);
  }
  // A member whose value is JSON text (a payload as the server wrote it).
  static void add_raw(rapidjson::Value& m, rapidjson::MemoryPoolAllocator<>& alloc, const char* name, const std::string& json) {
    rapidjson::Document d(&alloc);
    d.Parse(json.c_str(), json.size());
    rapidjson::Value v;
    if (!d.HasParseError()) v.CopyFrom(d, alloc);
    m.AddMember(rapidjson::StringRef(name), v, alloc);
  }

  template <class Fill>
  void publish_json(const std::string& channel, Fill fill) {
    rapidjson::MemoryPoolAllocator<> alloc;
    rapidjson::Value m(rapidjson::kObjectType);
    fill(m, alloc);
    cluster_->publish(channel, json_text(m), "a request of " + std::string(host().name()));
  }

  void publish_rooms_request(int type, const BroadcastOptions& opts, const std::vector<Room>& rooms) {
    publish_json(request_channel_, [&](rapidjson::Value& m, rapidjson::MemoryPoolAllocator<>& alloc) {
      add_header(m, alloc, type, {});
      m.AddMember("opts", json_options(opts, alloc), alloc);
      rapidjson::Value list;
      write_rooms(list, rooms, alloc);
      m.AddMember("rooms", list, alloc);
    });
  }

  // Where the answers to a request of server `asker` go: the shared response channel, or the
  // asker's own with ClusterOptions::publish_on_specific_response_channel.
  std::string response_channel_of(const std::string& asker) const {
    if (!cluster_->options().publish_on_specific_response_channel || asker.empty()) return response_channel_;
    return response_channel_ + asker + "#";
  }

  void unreadable(std::string_view channel, std::size_t bytes, const char* why) const {
    log(cluster_->options().logger, LogLevel::warn,
        "redis: ignored a message of " + std::to_string(bytes) + " bytes on " + std::string(channel) + ": " + why);
  }

  std::shared_ptr<Cluster::Impl> cluster_;
  std::string uid_;
  std::string channel_;           // <key>#<nsp>#
  std::string request_channel_;   // <key>-request#<nsp>#
  std::string response_channel_;  // <key>-response#<nsp>#
  std::map<std::string, Request, std::less<>> requests_;
  std::map<std::string, AckRequest, std::less<>> ack_requests_;
  bool closed_ = false;
  // Callbacks that outlive the adapter (replies of Redis, timers) check it is still there.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

void RedisAdapter::on_broadcast(std::string_view channel, std::string_view payload) {
  // `<key>#<nsp>#<room>#` names one room: a server without members in it has nothing to do.
  if (channel.size() > channel_.size()) {
    std::string_view room = channel.substr(channel_.size());
    if (room.back() == '#') room.remove_suffix(1);
    if (!has_room(Room(room))) return;
  }
  rapidjson::MemoryPoolAllocator<> alloc;
  rapidjson::Value message;
  std::vector<std::string> attachments;
  if (msgpack::read_all(payload, message, alloc, &attachments) || !message.IsArray() || message.Size() < 2 ||
      !message[0].IsString() || !message[1].IsObject())
    return unreadable(channel, payload.size(), "not [uid, packet, opts]");
  if (std::string_view(message[0].GetString(), message[0].GetStringLength()) == uid_) return;  // our own

  const rapidjson::Value& packet = message[1];
  const rapidjson::Value* nsp = member(packet, "nsp");
  if (nsp && !nsp->IsString()) return unreadable(channel, payload.size(), "nsp is not a string");
  if (std::string_view(nsp ? nsp->GetString() : "/") != host().name()) return;  // another namespace's
  const rapidjson::Value* type = member(packet, "type");
  const rapidjson::Value* data = member(packet, "data");
  if (!type || !type->IsUint64() || !data || !data->IsArray() || data->Empty() || !(*data)[0].IsString())
    return unreadable(channel, payload.size(), "not an event packet");
  // EVENT (2), or BINARY_EVENT (5) from an encoder that already chose the binary type.
  if (type->GetUint64() != 2 && type->GetUint64() != 5) return unreadable(channel, payload.size(), "not an event");

  BroadcastOptions opts;
  if (!read_options(message.Size() > 2 ? &message[2] : nullptr, opts))
    return unreadable(channel, payload.size(), "opts is not {rooms, except, flags}");

  std::vector<engineio::Frame> frames;
  frames.reserve(attachments.size());
  for (auto& a : attachments) frames.push_back(engineio::make_binary_frame(std::move(a)));
  const protocol::OutgoingPacket out(protocol::PacketType::event, std::string(host().name()), std::nullopt,
                                     json_text(*data), std::move(frames));
  local_broadcast(out, opts);
}

void RedisAdapter::on_request(std::string_view payload) {
  Message m;
  if (!read_message(payload, m)) return unreadable(request_channel_, payload.size(), "not a request");
  const rapidjson::Value& r = m.root();
  const rapidjson::Value* type = member(r, "type");
  if (!type || !type->IsInt()) return unreadable(request_channel_, payload.size(), "a request without a type");
  const std::string id = string_member(r, "requestId");
  const std::string answers = response_channel_of(string_member(r, "uid"));
  BroadcastOptions opts;
  const rapidjson::Value* raw_opts = member(r, "opts");
  if (!read_options(raw_opts, opts)) return unreadable(request_channel_, payload.size(), "opts is not {rooms, except}");

  switch (type->GetInt()) {
    case request_sockets: {
      if (requests_.count(id)) return;
      std::vector<Room> rooms;
      read_rooms(member(r, "rooms"), rooms);
      BroadcastOptions selection;
      selection.rooms = std::move(rooms);
      const auto ids = this->sockets(selection);
      publish_json(answers, [&](rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc) {
        out.AddMember("requestId", rapidjson::Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), alloc), alloc);
        rapidjson::Value list;
        write_rooms(list, ids, alloc);
        out.AddMember("sockets", list, alloc);
      });
      return;
    }
    case request_all_rooms: {
      if (requests_.count(id)) return;
      const auto all = rooms();
      publish_json(answers, [&](rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc) {
        out.AddMember("requestId", rapidjson::Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), alloc), alloc);
        rapidjson::Value list;
        write_rooms(list, all, alloc);
        out.AddMember("rooms", list, alloc);
      });
      return;
    }
    case request_remote_join:
    case request_remote_leave:
    case request_remote_disconnect: {
      std::vector<Room> rooms;
      read_rooms(member(r, "rooms"), rooms);
      const std::string sid = string_member(r, "sid");
      if (!raw_opts) {
        // The old form: one socket by id, and an answer once done.
        if (sid.empty() || !find_socket(sid)) return;
        opts.rooms = {sid};
        const std::string room = string_member(r, "room");
        if (!room.empty()) rooms = {room};
      }
      const int t = type->GetInt();
      if (t == request_remote_join) local_add_sockets(opts, rooms);
      else if (t == request_remote_leave) local_del_sockets(opts, rooms);
      else local_disconnect_sockets(opts, flag(&r, "close", false));
      if (!raw_opts)
        publish_json(answers, [&](rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc) {
          out.AddMember("requestId", rapidjson::Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), alloc), alloc);
        });
      return;
    }
    case request_remote_fetch: {
      if (requests_.count(id)) return;  // our own
      const auto found = local_fetch_sockets(opts);
      publish_json(answers, [&](rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc) {
        out.AddMember("requestId", rapidjson::Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), alloc), alloc);
        rapidjson::Value list(rapidjson::kArrayType);
        for (const auto& s : found) {
          rapidjson::Value v;
          detail::write_socket_details(v, s, alloc);
          list.PushBack(v, alloc);
        }
        out.AddMember("sockets", list, alloc);
      });
      return;
    }
    case request_server_side_emit: {
      if (string_member(r, "uid") == uid_) return;  // our own
      const rapidjson::Value* data = member(r, "data");
      if (!data || !data->IsArray() || data->Empty() || !(*data)[0].IsString())
        return unreadable(request_channel_, payload.size(), "a server-side event without an event name");
      const protocol::OutgoingPacket packet(protocol::PacketType::event, std::string(host().name()), std::nullopt,
                                            json_text(*data));
      std::function<void(const Args&)> reply;
      if (!id.empty()) {
        // The first argument of the handler's reply, once, where the asker reads answers.
        reply = [alive = std::weak_ptr<char>(alive_), this, id, answers, answered = false](const Args& args) mutable {
          if (answered || !alive.lock()) return;
          answered = true;
          publish_json(answers, [&](rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc) {
            out.AddMember("type", static_cast<int>(request_server_side_emit), alloc);
            out.AddMember("requestId", rapidjson::Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), alloc), alloc);
            rapidjson::Value arg;
            if (!args.empty()) arg.CopyFrom(args[0], alloc);
            out.AddMember("data", arg, alloc);
          });
        };
      }
      host().on_server_side_emit(packet, std::move(reply));
      return;
    }
    case request_broadcast: {
      if (ack_requests_.count(id)) return;  // our own
      const rapidjson::Value* packet = member(r, "packet");
      const rapidjson::Value* data = packet ? member(*packet, "data") : nullptr;
      if (!data || !data->IsArray() || data->Empty() || !(*data)[0].IsString())
        return unreadable(request_channel_, payload.size(), "a broadcast with acks without an event");
      std::vector<engineio::Frame> frames;
      for (auto& a : m.attachments) frames.push_back(engineio::make_binary_frame(std::move(a)));
      const protocol::OutgoingPacket out(protocol::PacketType::event, std::string(host().name()), host().new_ack_id(),
                                         json_text(*data), std::move(frames));
      const std::size_t reached = local_broadcast_with_ack(
          out, opts, [alive = std::weak_ptr<char>(alive_), this, id, answers](std::error_code ec, const Args& args) {
            if (ec || !alive.lock()) return;  // a client that did not answer: the requester times it out
            std::string message;
            msgpack::Writer w(message);
            w.map(3);
            w.string("type");
            w.unsigned_integer(request_broadcast_ack);
            w.string("requestId");
            w.string(id);
            w.string("packet");
            if (args.empty()) {
              w.nil();
            } else {
              std::vector<std::string> attachments;
              if (args.packet()) attachments = args.packet()->attachments;
              w.value(args[0], &attachments);
            }
            cluster_->publish(answers, std::move(message), "a reply to a broadcast with acks");
          });
      publish_json(answers, [&](rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc) {
        out.AddMember("type", static_cast<int>(request_broadcast_client_count), alloc);
        out.AddMember("requestId", rapidjson::Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), alloc), alloc);
        out.AddMember("clientCount", static_cast<std::uint64_t>(reached), alloc);
      });
      return;
    }
    default:
      return;  // a type of a later version: Node ignores it too
  }
}

void RedisAdapter::on_response(std::string_view payload) {
  Message m;
  if (!read_message(payload, m)) return unreadable(response_channel_, payload.size(), "not a response");
  const rapidjson::Value& r = m.root();
  const std::string id = string_member(r, "requestId");
  if (id.empty()) return;
  const rapidjson::Value* type = member(r, "type");
  const int t = type && type->IsInt() ? type->GetInt() : -1;

  if (auto ack = ack_requests_.find(id); ack != ack_requests_.end()) {
    if (t == request_broadcast_client_count) {
      const rapidjson::Value* count = member(r, "clientCount");
      if (count && count->IsUint64()) ack->second.on_count(static_cast<std::size_t>(count->GetUint64()));
    } else if (t == request_broadcast_ack) {
      ack->second.on_reply({}, one_argument(member(r, "packet"), std::move(m.attachments)));
    }
    return;
  }

  auto it = requests_.find(id);
  if (it == requests_.end()) return;  // another server's, or late
  Request& request = it->second;
  if (request.type == request_remote_fetch) {
    ++request.received;
    const rapidjson::Value* list = member(r, "sockets");
    if (list && list->IsArray())
      for (const auto& s : list->GetArray()) {
        SocketDetails d;
        if (detail::read_socket_details(s, d)) request.sockets.push_back(std::move(d));
      }
    if (request.received < request.expected) return;
    auto done = std::move(request.fetch_done);
    auto found = std::move(request.sockets);
    requests_.erase(it);
    done({}, std::move(found));
  } else if (request.type == request_server_side_emit) {
    request.responses.push_back(one_argument(member(r, "data"), std::move(m.attachments)));
    if (request.responses.size() < request.expected) return;
    auto done = std::move(request.sse_done);
    auto responses = std::move(request.responses);
    requests_.erase(it);
    done({}, std::move(responses));
  }
}

}  // namespace

std::unique_ptr<Adapter> detail::make_classic_adapter(AdapterHost& host, std::shared_ptr<Cluster::Impl> cluster) {
  return std::make_unique<RedisAdapter>(host, std::move(cluster));
}

}  // namespace sio::redis
