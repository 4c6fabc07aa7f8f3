#pragma once
/// \file
/// sio::protocol::OutgoingPacket: a packet the server sends, as a value that every parser and
/// adapter can encode in its own format, and its frames, encoded once for every receiver.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/engineio/frame.hpp"

namespace sio::protocol {

enum class PacketType : std::uint8_t;
struct Packet;
class Parser;

/// The Engine.IO frames of one packet: its text (or binary) frame and the attachment frames that
/// follow it. Shared by every receiver of a broadcast.
struct EncodedPacket {
  engineio::Frame text;                      ///< The packet itself (`4...` for the default parser).
  std::vector<engineio::Frame> attachments;  ///< Binary attachments, in placeholder order.
  std::size_t size = 0;  ///< Bytes of all the frames (set by OutgoingPacket::encoded()).
};

/// A packet to send: type, namespace, ack id, the payload and its binary attachments.
///
/// The payload is kept in the form the server writes it, compact JSON as JSON.stringify writes it
/// with `{"_placeholder":true,"num":N}` where attachment N goes; the default parser sends that text
/// as it is. A parser or an adapter with another format (msgpack) walks decoded() instead. The
/// frames for local receivers are made once, by the server's parser, on the first encoded() call.
///
/// Copies share the attachment and encoded frames: they are for one thread.
/// A packet handed to another thread (another server's I/O thread) is clone()d first.
class OutgoingPacket {
 public:
  /// A packet of `type` for namespace `nsp` with ack id `id`, JSON payload `payload` (empty for
  /// none) and `attachments`. The binary types are chosen here: an event or ack with attachments
  /// is sent as binary_event or binary_ack.
  OutgoingPacket(PacketType type, std::string nsp, std::optional<std::uint64_t> id, std::string payload,
                 std::vector<engineio::Frame> attachments = {});
  /// The same, with the payload written into `buffer` after `payload_at` bytes of room (see
  /// header_room()). The first frame_with_prefix() call then writes its prefix into that room
  /// and makes the frame of this very buffer: the payload is never copied.
  OutgoingPacket(PacketType type, std::string nsp, std::optional<std::uint64_t> id, std::string buffer,
                 std::size_t payload_at, std::vector<engineio::Frame> attachments = {});

  /// The room to leave before a payload for the longest header the default parser writes for a
  /// packet of namespace `nsp` (`4`, type, attachment count, namespace, ack id).
  static constexpr std::size_t header_room(std::string_view nsp) noexcept { return nsp.size() + 46; }

  /// The CONNECT answer: `{"sid":"<sid>"}`.
  static OutgoingPacket connect(std::string nsp, std::string_view sid);
  /// A CONNECT_ERROR: `{"message":"<message>"}`, with `"data":<data_json>` when `data_json` is not empty.
  static OutgoingPacket connect_error(std::string nsp, std::string_view message, std::string_view data_json = {});
  /// A DISCONNECT of `nsp`.
  static OutgoingPacket disconnect(std::string nsp);

  /// The type, binary_event or binary_ack when the packet carries attachments.
  PacketType type() const noexcept { return type_; }
  /// The namespace, e.g. "/" or "/chat".
  const std::string& nsp() const noexcept { return nsp_; }
  /// The ack id, when a reply is awaited (or when this is a reply).
  std::optional<std::uint64_t> id() const noexcept { return id_; }
  /// The payload as compact JSON with placeholders; empty when the packet has none. Valid as long
  /// as the packet (or a copy of it) is.
  std::string_view payload() const noexcept {
    if (frame_) return std::string_view(frame_->bytes).substr(frame_at_);
    return std::string_view(buffer_).substr(payload_at_);
  }
  /// The binary attachments (frames of raw bytes), index = placeholder num.
  const std::vector<engineio::Frame>& attachments() const noexcept { return attachments_; }

  /// The packet as a decoded value (payload parsed, placeholders kept, attachments' bytes in
  /// Packet::attachments), for encoders of other formats. Made on the first call, then kept.
  std::shared_ptr<const Packet> decoded() const;
  /// The frames `parser` makes of this packet; encoded on the first call, then kept (for one
  /// parser: a server has one).
  const EncodedPacket& encoded(const Parser& parser) const;
  /// A text frame of `prefix` followed by the payload, for a parser's encode(). The first call on
  /// a packet made with room enough for `prefix` takes the packet's own buffer for the frame
  /// (payload() then reads from the frame); every other call copies the payload.
  engineio::Frame frame_with_prefix(std::string_view prefix) const;

  /// A copy that shares nothing with this one (fresh attachment frames, no encoding), to hand to
  /// another thread.
  OutgoingPacket clone() const;

 private:
  PacketType type_;
  std::optional<std::uint64_t> id_;
  std::string nsp_;
  std::vector<engineio::Frame> attachments_;
  // The payload: buffer_ from payload_at_, or, once a frame was made of that buffer, frame_ from frame_at_.
  mutable std::string buffer_;
  mutable std::size_t payload_at_ = 0;
  mutable engineio::Frame frame_;
  mutable std::size_t frame_at_ = 0;
  // Caches: a broadcast encodes once for all its receivers.
  mutable std::optional<EncodedPacket> encoded_;
  mutable std::shared_ptr<const Packet> decoded_;
};

}  // namespace sio::protocol
