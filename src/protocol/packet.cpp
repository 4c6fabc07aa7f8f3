// The Socket.IO packet text codec (declared in sio/protocol/packet.hpp).

#include "sio/protocol/packet.hpp"

#include <limits>
#include <utility>

#include "sio/protocol/detail/json.hpp"

namespace sio::protocol {

namespace {

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Event names the JavaScript client and server keep for themselves; a client may not emit them.
bool is_reserved_event(std::string_view name) noexcept {
  return name == "connect" || name == "connect_error" || name == "disconnect" ||
         name == "disconnecting" || name == "newListener" || name == "removeListener";
}

/// Whether the payload has the shape its packet type demands (the JavaScript parser's rules,
/// plus: events and acks need a payload, and an ack needs an id).
bool payload_valid(const Packet& p) noexcept {
  const rapidjson::Value& d = p.data;
  switch (p.type) {
    case PacketType::connect: return !p.has_data || d.IsObject();
    case PacketType::disconnect: return !p.has_data;
    case PacketType::connect_error: return p.has_data && (d.IsObject() || d.IsString());
    case PacketType::event:
    case PacketType::binary_event: {
      if (!p.has_data || !d.IsArray() || d.Empty()) return false;
      const rapidjson::Value& name = d[0];
      if (name.IsNumber()) return true;
      return name.IsString() &&
             !is_reserved_event(std::string_view(name.GetString(), name.GetStringLength()));
    }
    case PacketType::ack:
    case PacketType::binary_ack: return p.has_data && d.IsArray() && p.id.has_value();
  }
  return false;
}

/// True when every object marked `"_placeholder":true` in `v` is a placeholder whose index is
/// below `count`. Recursion depth is bounded by DecoderOptions::max_depth.
bool placeholders_valid(const rapidjson::Value& v, std::size_t count) noexcept {
  if (v.IsArray()) {
    for (const auto& e : v.GetArray()) {
      if (!placeholders_valid(e, count)) return false;
    }
  } else if (v.IsObject()) {
    const auto marker = v.FindMember("_placeholder");
    if (marker != v.MemberEnd() && marker->value.IsTrue()) {
      std::size_t num = 0;
      return is_placeholder(v, &num) && num < count;
    }
    for (const auto& m : v.GetObject()) {
      if (!placeholders_valid(m.value, count)) return false;
    }
  }
  return true;
}

/// Parses the text form of a packet into `p` (freshly constructed). `attachments` receives the
/// announced attachment count of a binary packet.
error parse_text(std::string_view m, const DecoderOptions& options, Packet& p,
                        std::size_t& attachments) {
  const std::size_t n = m.size();
  if (n == 0 || m[0] < '0' || m[0] > '6') return error::invalid_payload;
  p.type = static_cast<PacketType>(m[0] - '0');
  std::size_t i = 1;

  attachments = 0;
  if (is_binary(p.type)) {
    const std::size_t start = i;
    bool over = false;  // saturate rather than overflow; the limit decides
    for (; i < n && is_digit(m[i]); ++i) {
      if (!over) {
        attachments = attachments * 10 + static_cast<std::size_t>(m[i] - '0');
        over = attachments > options.max_attachments;
      }
    }
    if (i == start || i == n || m[i] != '-') return error::invalid_payload;
    ++i;
    if (over) return error::too_many_attachments;
  }

  if (i < n && m[i] == '/') {
    // The namespace runs to the first comma, or to the end when there is none ("0/custom").
    const std::size_t comma = m.find(',', i);
    if (comma == std::string_view::npos) {
      p.nsp.assign(m.data() + i, n - i);
      i = n;
    } else {
      p.nsp.assign(m.data() + i, comma - i);
      i = comma + 1;
    }
  }

  if (i < n && is_digit(m[i])) {
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t id = 0;
    for (; i < n && is_digit(m[i]); ++i) {
      const auto digit = static_cast<std::uint64_t>(m[i] - '0');
      if (id > (max - digit) / 10) return error::invalid_payload;
      id = id * 10 + digit;
    }
    p.id = id;
  }

  if (i < n) {
    // In a binary packet, an object naming "_placeholder" must not repeat a key: readers differ on
    // which of two values counts (JSON.parse takes the last), and the attachment it names must be
    // the one every reader would find.
    const std::string_view unambiguous = is_binary(p.type) ? "_placeholder" : "";
    if (!detail::parse_json(m.substr(i), p.data, options.max_depth, unambiguous)) return error::invalid_payload;
    p.has_data = true;
  }

  if (!payload_valid(p)) return error::invalid_payload;
  if (is_binary(p.type) && p.has_data && !placeholders_valid(p.data, attachments)) {
    return error::invalid_payload;
  }
  return error::ok;
}

}  // namespace

void encode(std::string& out, PacketType type, std::string_view nsp,
                   std::optional<std::uint64_t> id, const rapidjson::Value* data,
                   std::size_t attachment_count) {
  out.push_back(static_cast<char>('0' + static_cast<int>(type)));
  if (is_binary(type)) {
    detail::append_uint(out, attachment_count);
    out.push_back('-');
  }
  if (!nsp.empty() && nsp != "/") {
    out.append(nsp);
    out.push_back(',');
  }
  if (id) detail::append_uint(out, *id);
  if (data) detail::append_json(out, *data);
}

void encode(const Packet& p, std::string& out) {
  encode(out, p.type, p.nsp, p.id, p.has_data ? &p.data : nullptr, p.attachments.size());
}

void append_json(std::string& out, const rapidjson::Value& value) {
  detail::append_json(out, value);
}

void make_placeholder(rapidjson::Value& v, std::size_t num,
                             rapidjson::Document::AllocatorType& alloc) {
  v.SetObject();
  v.AddMember(rapidjson::StringRef("_placeholder"), rapidjson::Value(true), alloc);
  v.AddMember(rapidjson::StringRef("num"), rapidjson::Value(static_cast<std::uint64_t>(num)), alloc);
}

bool is_placeholder(const rapidjson::Value& v, std::size_t* num) noexcept {
  if (!v.IsObject()) return false;
  const auto marker = v.FindMember("_placeholder");
  if (marker == v.MemberEnd() || !marker->value.IsTrue()) return false;
  const auto index = v.FindMember("num");
  if (index == v.MemberEnd() || !index->value.IsUint64()) return false;
  const std::uint64_t value = index->value.GetUint64();
  if (value > std::numeric_limits<std::size_t>::max()) return false;
  if (num) *num = static_cast<std::size_t>(value);
  return true;
}

Decoder::Decoder(DecoderOptions options) : options_(options) {}

std::error_code Decoder::fail(error e) noexcept {
  packet_.reset();
  expected_ = 0;
  attachment_bytes_ = 0;
  state_ = State::failed;
  error_ = e;
  return e;
}

std::error_code Decoder::feed_text(std::string_view message) {
  if (state_ == State::failed) return error_;
  if (state_ == State::awaiting) return fail(error::unexpected_attachment);
  packet_ = std::make_shared<Packet>();
  const error e = parse_text(message, options_, *packet_, expected_);
  if (e != error::ok) return fail(e);
  if (is_binary(packet_->type) && expected_ > 0) {
    packet_->attachments.reserve(expected_);
    state_ = State::awaiting;
  } else {
    state_ = State::ready;
  }
  return {};
}

std::error_code Decoder::feed_binary(std::string_view bytes) {
  if (state_ == State::failed) return error_;
  if (state_ != State::awaiting) return fail(error::unexpected_attachment);
  if (bytes.size() > options_.max_attachment_bytes - attachment_bytes_) return fail(error::payload_too_large);
  attachment_bytes_ += bytes.size();
  packet_->attachments.emplace_back(bytes);
  if (packet_->attachments.size() == expected_) state_ = State::ready;
  return {};
}

Packet Decoder::take() {
  if (state_ != State::ready) return Packet();
  Packet p(std::move(*packet_));
  packet_.reset();
  expected_ = 0;
  attachment_bytes_ = 0;
  state_ = State::idle;
  return p;
}

std::shared_ptr<Packet> Decoder::take_shared() noexcept {
  if (state_ != State::ready) return nullptr;
  expected_ = 0;
  attachment_bytes_ = 0;
  state_ = State::idle;
  return std::move(packet_);
}

void Decoder::reset() noexcept {
  packet_.reset();
  expected_ = 0;
  attachment_bytes_ = 0;
  state_ = State::idle;
  error_ = error::ok;
}

}  // namespace sio::protocol
