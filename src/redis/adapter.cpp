#include "sio/redis/adapter.hpp"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/detail/random.hpp"
#include "sio/engineio/frame.hpp"
#include "sio/protocol/msgpack.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"

namespace sio::redis {

namespace {

class RedisAdapter;

namespace msgpack = protocol::msgpack;

void log(const Logger& logger, LogLevel level, const std::string& message) {
  if (logger) logger(level, message);
}

// A member of a msgpack map read into a JSON object, or null.
const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

// Rooms as Node's adapter sends them: strings, or numbers for numeric room names.
bool read_rooms(const rapidjson::Value* list, std::vector<Room>& out) {
  if (!list) return true;
  if (!list->IsArray()) return false;
  for (const auto& r : list->GetArray()) {
    if (r.IsString()) {
      out.emplace_back(r.GetString(), r.GetStringLength());
    } else if (r.IsNumber()) {
      std::string text;
      protocol::append_json(text, r);
      out.push_back(std::move(text));
    } else {
      return false;
    }
  }
  return true;
}

bool flag(const rapidjson::Value* flags, const char* name, bool otherwise) {
  const rapidjson::Value* v = flags ? member(*flags, name) : nullptr;
  return v && v->IsBool() ? v->GetBool() : otherwise;
}

}  // namespace

class Cluster::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& ioc, ClusterOptions options)
      : options_(std::move(options)),
        pub_(ioc, options_.redis, options_.logger, "redis pub"),
        sub_(ioc, options_.redis, options_.logger, "redis sub") {
    sub_.on_message([this](std::string_view channel, std::string_view pattern, std::string_view payload) {
      on_message(channel, pattern, payload);
    });
    sub_.on_subscribed([this](std::string_view kind, std::string_view name) {
      if (kind == "psubscribe") confirmed_.emplace(name);
      else if (kind == "punsubscribe") confirmed_.erase(std::string(name));
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

  // A broadcast pattern of an adapter, `<key>#<nsp>#*`, subscribed while the adapter is attached.
  void attach(const std::string& pattern, RedisAdapter* adapter) {
    by_pattern_[pattern] = adapter;
    sub_.psubscribe(pattern);
    report();
  }
  void detach(const std::string& pattern, RedisAdapter* adapter) {
    auto it = by_pattern_.find(pattern);
    if (it == by_pattern_.end() || it->second != adapter) return;
    by_pattern_.erase(it);
    sub_.punsubscribe(pattern);
  }

  void close() {
    pub_.stop();
    sub_.stop();
  }
  void on_state(std::function<void(bool)> handler) {
    state_handler_ = std::move(handler);
    reported_ = false;
    report();
  }
  Connection& pub() noexcept { return pub_; }
  const ClusterOptions& options() const noexcept { return options_; }
  bool up() const noexcept {
    if (!pub_.up() || !sub_.up()) return false;
    for (const auto& entry : by_pattern_)
      if (confirmed_.find(entry.first) == confirmed_.end()) return false;
    return true;
  }
  std::string make_uid() { return ids_.next().substr(0, 6); }

 private:
  void on_message(std::string_view channel, std::string_view pattern, std::string_view payload);
  // Tells the state handler when up() changed since it was last told.
  void report() {
    const bool now = up();
    if (now == reported_) return;
    reported_ = now;
    if (state_handler_) state_handler_(now);
  }

  ClusterOptions options_;
  Connection pub_;
  Connection sub_;
  std::map<std::string, RedisAdapter*, std::less<>> by_pattern_;
  std::set<std::string, std::less<>> confirmed_;  // patterns Redis confirmed since the last connect
  std::function<void(bool)> state_handler_;
  bool reported_ = false;
  detail::SidGenerator ids_;
};

namespace {

/// The adapter of one namespace: this server's room index (InMemoryAdapter), and broadcasts
/// published to, and received from, the other servers.
class RedisAdapter final : public InMemoryAdapter {
 public:
  RedisAdapter(AdapterHost& host, std::shared_ptr<Cluster::Impl> cluster)
      : InMemoryAdapter(host), cluster_(std::move(cluster)), uid_(cluster_->make_uid()),
        channel_(cluster_->options().key + "#" + std::string(host.name()) + "#") {}
  ~RedisAdapter() override { close(); }

  void init() override { cluster_->attach(channel_ + "*", this); }
  void close() override { cluster_->detach(channel_ + "*", this); }

  /// A message on a broadcast channel of this namespace, from any server (this one included).
  void on_broadcast(std::string_view channel, std::string_view payload) {
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
    const rapidjson::Value* raw_opts = message.Size() > 2 ? &message[2] : nullptr;
    if (raw_opts && !raw_opts->IsObject() && !raw_opts->IsNull())
      return unreadable(channel, payload.size(), "opts is not a map");
    if (raw_opts && raw_opts->IsObject()) {
      if (!read_rooms(member(*raw_opts, "rooms"), opts.rooms) || !read_rooms(member(*raw_opts, "except"), opts.except))
        return unreadable(channel, payload.size(), "rooms or except is not a list of rooms");
      const rapidjson::Value* flags = member(*raw_opts, "flags");
      opts.volatile_ = flag(flags, "volatile", false);
      opts.compress = flag(flags, "compress", true);
    }

    std::string json;
    protocol::append_json(json, *data);
    std::vector<engineio::Frame> frames;
    frames.reserve(attachments.size());
    for (auto& a : attachments) frames.push_back(engineio::make_binary_frame(std::move(a)));
    const protocol::OutgoingPacket out(protocol::PacketType::event, std::string(host().name()), std::nullopt,
                                       std::move(json), std::move(frames));
    local_broadcast(out, opts);
  }

 protected:
  void forward_broadcast(const protocol::OutgoingPacket& packet, const BroadcastOptions& opts) override {
    const auto type = packet.type();
    if (type != protocol::PacketType::event && type != protocol::PacketType::binary_event) return;
    const auto decoded = packet.decoded();
    std::string message;
    msgpack::Writer w(message);
    w.array(3);
    w.string(uid_);
    // The packet as Node's emit makes it: type EVENT even with binary arguments (the encoder of
    // each receiving server chooses BINARY_EVENT), binary as bin.
    w.map(3);
    w.string("type");
    w.unsigned_integer(2);
    w.string("data");
    w.value(decoded->data, &decoded->attachments);
    w.string("nsp");
    w.string(host().name());
    w.map(3);
    w.string("rooms");
    w.array(opts.rooms.size());
    for (const auto& r : opts.rooms) w.string(r);
    w.string("except");
    w.array(opts.except.size());
    for (const auto& r : opts.except) w.string(r);
    w.string("flags");
    w.map((opts.volatile_ ? 1 : 0) + (opts.compress ? 0 : 1));
    if (opts.volatile_) {
      w.string("volatile");
      w.boolean(true);
    }
    if (!opts.compress) {
      w.string("compress");
      w.boolean(false);
    }
    std::string channel = channel_;
    if (opts.rooms.size() == 1) channel += opts.rooms.front() + "#";
    cluster_->pub().command({"PUBLISH", std::move(channel), std::move(message)},
                            [logger = cluster_->options().logger, nsp = std::string(host().name())](std::error_code ec,
                                                                                                    Reply reply) {
                              if (ec)
                                log(logger, LogLevel::warn,
                                    "redis: a broadcast of " + nsp + " did not reach the other servers: " + ec.message());
                              else if (reply.is_error())
                                log(logger, LogLevel::warn, "redis: PUBLISH refused: " + reply.str);
                            });
  }

 private:
  void unreadable(std::string_view channel, std::size_t bytes, const char* why) const {
    log(cluster_->options().logger, LogLevel::warn,
        "redis: ignored a message of " + std::to_string(bytes) + " bytes on " + std::string(channel) + ": " + why);
  }

  std::shared_ptr<Cluster::Impl> cluster_;
  std::string uid_;
  std::string channel_;  // <key>#<nsp>#
};

}  // namespace

void Cluster::Impl::on_message(std::string_view channel, std::string_view pattern, std::string_view payload) {
  if (pattern.empty()) return;
  auto it = by_pattern_.find(pattern);
  if (it != by_pattern_.end()) it->second->on_broadcast(channel, payload);
}

Cluster::Cluster(asio::io_context& ioc, ClusterOptions options)
    : impl_(std::make_shared<Impl>(ioc, std::move(options))) {}

Cluster::~Cluster() = default;

AdapterFactory Cluster::adapter() {
  return [impl = impl_](AdapterHost& host) -> std::unique_ptr<Adapter> { return std::make_unique<RedisAdapter>(host, impl); };
}

void Cluster::close() { impl_->close(); }

void Cluster::on_state(std::function<void(bool up)> handler) { impl_->on_state(std::move(handler)); }

bool Cluster::up() const noexcept { return impl_->up(); }

const ClusterOptions& Cluster::options() const noexcept { return impl_->options(); }

}  // namespace sio::redis
