// The outgoing packet value (declared in sio/protocol/outgoing_packet.hpp).

#include "sio/protocol/outgoing_packet.hpp"

#include <limits>
#include <utility>

#include "sio/protocol/detail/json.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/protocol/parser.hpp"

namespace sio::protocol {

OutgoingPacket::OutgoingPacket(PacketType type, std::string nsp, std::optional<std::uint64_t> id, std::string payload,
                               std::vector<engineio::Frame> attachments)
    : OutgoingPacket(type, std::move(nsp), id, std::move(payload), 0, std::move(attachments)) {}

OutgoingPacket::OutgoingPacket(PacketType type, std::string nsp, std::optional<std::uint64_t> id, std::string buffer,
                               std::size_t payload_at, std::vector<engineio::Frame> attachments)
    : type_(type),
      id_(id),
      nsp_(std::move(nsp)),
      attachments_(std::move(attachments)),
      buffer_(std::move(buffer)),
      payload_at_(payload_at < buffer_.size() ? payload_at : buffer_.size()) {
  if (!attachments_.empty()) {
    if (type_ == PacketType::ack) type_ = PacketType::binary_ack;
    else if (type_ == PacketType::event) type_ = PacketType::binary_event;
  }
}

OutgoingPacket OutgoingPacket::connect(std::string nsp, std::string_view sid) {
  std::string payload;
  payload.reserve(sid.size() + 10);
  payload.append("{\"sid\":");
  detail::append_json_string(payload, sid.data(), sid.size());
  payload.push_back('}');
  return OutgoingPacket(PacketType::connect, std::move(nsp), std::nullopt, std::move(payload));
}

OutgoingPacket OutgoingPacket::connect_error(std::string nsp, std::string_view message, std::string_view data_json) {
  std::string payload("{\"message\":");
  detail::append_json_string(payload, message.data(), message.size());
  if (!data_json.empty()) payload.append(",\"data\":").append(data_json);
  payload.push_back('}');
  return OutgoingPacket(PacketType::connect_error, std::move(nsp), std::nullopt, std::move(payload));
}

OutgoingPacket OutgoingPacket::disconnect(std::string nsp) {
  return OutgoingPacket(PacketType::disconnect, std::move(nsp), std::nullopt, std::string());
}

std::shared_ptr<const Packet> OutgoingPacket::decoded() const {
  if (decoded_) return decoded_;
  auto p = std::make_shared<Packet>();
  p->type = type_;
  p->nsp = nsp_;
  p->id = id_;
  const std::string_view text = payload();
  if (!text.empty()) {
    // The server wrote this text itself: no depth limit guards against it.
    p->has_data = detail::parse_json(text, p->data, std::numeric_limits<std::size_t>::max());
  }
  p->attachments.reserve(attachments_.size());
  for (const auto& a : attachments_) p->attachments.push_back(a ? a->bytes : std::string());
  decoded_ = std::move(p);
  return decoded_;
}

const EncodedPacket& OutgoingPacket::encoded(const Parser& parser) const {
  if (!encoded_) {
    encoded_ = parser.encode(*this);
    std::size_t size = encoded_->text ? encoded_->text->bytes.size() : 0;
    for (const auto& a : encoded_->attachments) size += a ? a->bytes.size() : 0;
    encoded_->size = size;
  }
  return *encoded_;
}

engineio::Frame OutgoingPacket::frame_with_prefix(std::string_view prefix) const {
  if (frame_ || prefix.size() > payload_at_) {
    const std::string_view text = payload();
    std::string bytes;
    bytes.reserve(prefix.size() + text.size());
    bytes.append(prefix).append(text);
    return engineio::make_text_frame(std::move(bytes));
  }
  // The prefix goes right before the payload; the room left in front of it is dropped.
  const std::size_t start = payload_at_ - prefix.size();
  buffer_.replace(start, prefix.size(), prefix);
  buffer_.erase(0, start);
  frame_ = engineio::make_text_frame(std::move(buffer_));
  frame_at_ = prefix.size();
  buffer_.clear();
  payload_at_ = 0;
  return frame_;
}

OutgoingPacket OutgoingPacket::clone() const {
  std::vector<engineio::Frame> attachments;
  attachments.reserve(attachments_.size());
  for (const auto& a : attachments_) attachments.push_back(engineio::make_binary_frame(a ? a->bytes : std::string()));
  return OutgoingPacket(type_, nsp_, id_, std::string(payload()), std::move(attachments));
}

}  // namespace sio::protocol
