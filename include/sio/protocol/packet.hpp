#pragma once
/// \file
/// The Socket.IO v5 packet and its text codec (the default parser of the JavaScript client).
///
/// Wire form: `<type>[<attachments>-][/<namespace>,][<ack id>][<JSON payload>]`, for example
/// `2/chat,12["message","hi"]`. Binary packets announce how many binary messages follow; their
/// payload holds `{"_placeholder":true,"num":N}` where attachment N belongs. Pure code: no I/O.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <rapidjson/document.h>

#include "sio/error.hpp"
#include "sio/protocol/packet_decoder.hpp"

namespace sio::protocol {

/// The type of a Socket.IO packet; the value is the digit that starts its text form.
enum class PacketType : std::uint8_t {
  connect = 0,        ///< Join a namespace (client), or accept the join (server, payload `{"sid":...}`).
  disconnect = 1,     ///< Leave a namespace.
  event = 2,          ///< An event: payload `["name", args...]`.
  ack = 3,            ///< The reply to an event that carried an ack id: payload `[args...]`.
  connect_error = 4,  ///< The server refused to join a namespace: payload `{"message":...}`.
  binary_event = 5,   ///< An event whose arguments hold binary attachments.
  binary_ack = 6,     ///< An ack whose arguments hold binary attachments.
};

/// True for the two types that carry binary attachments (binary_event, binary_ack).
constexpr bool is_binary(PacketType type) noexcept {
  return type == PacketType::binary_event || type == PacketType::binary_ack;
}

/// A decoded (or to-be-encoded) Socket.IO packet.
///
/// Move-only (it owns a rapidjson::Document). A received binary packet keeps its placeholders in
/// `data`; attachment `num` of a placeholder is `attachments[num]`.
struct Packet {
  /// Size of the blocks `data` takes its memory in.
  static constexpr std::size_t pool_block_size = 1024;
  PacketType type = PacketType::event;   ///< Packet type, as on the wire (binary types stay binary).
  std::string nsp = "/";                 ///< Namespace; "/" when the packet names none.
  std::optional<std::uint64_t> id;       ///< Ack id, when the sender wants (or this is) an acknowledgement.
  bool has_data = false;                 ///< False when the packet carried no JSON payload.
  /// The memory behind `data`, in small blocks: RapidJSON's default 64 KiB block would make every
  /// packet an application keeps (an Args, a socket's auth payload) cost 64 KiB. Allocated only
  /// when the payload has strings, arrays or objects to store.
  std::unique_ptr<rapidjson::MemoryPoolAllocator<>> pool = std::make_unique<rapidjson::MemoryPoolAllocator<>>(pool_block_size);
  rapidjson::Document data{pool.get()};  ///< Payload; placeholders {"_placeholder":true,"num":N} stay in place.
  std::vector<std::string> attachments;  ///< Binary attachments, index = placeholder num.
};

/// Appends the text encoding of `p` to `out` (without the Engine.IO '4' prefix; the caller may
/// have put it there). Binary types write "<N>-" with N = p.attachments.size(). Namespace "/" is
/// omitted; others are written "/nsp,". The payload is written when `p.has_data` is true.
/// The attachments themselves are not written: each goes out as a binary message of its own.
///
/// \code
///   std::string frame = "4";
///   sio::protocol::encode(packet, frame);   // "42[\"hello\",1]"
/// \endcode
void encode(const Packet& p, std::string& out);

/// Same, from parts, so the server can encode without building a Packet (hot path). `data` may be
/// null (no payload). `attachment_count` is written only for the binary types; choosing a binary
/// type when the payload holds placeholders is the caller's business.
void encode(std::string& out, PacketType type, std::string_view nsp, std::optional<std::uint64_t> id,
            const rapidjson::Value* data, std::size_t attachment_count);

/// Appends `value` as compact JSON, as JSON.stringify writes it: no spaces, members in their
/// stored order, UTF-8 as is, integers without a decimal point, doubles in JavaScript's shortest
/// form (`0.1`, `3`, `1e+21`), and `null` for NaN and infinities.
void append_json(std::string& out, const rapidjson::Value& value);

/// Writes {"_placeholder":true,"num":N} into v (keys in that order).
void make_placeholder(rapidjson::Value& v, std::size_t num, rapidjson::Document::AllocatorType& alloc);

/// True when v is a placeholder object (`"_placeholder":true` and a non-negative integer `num`);
/// *num receives its index.
bool is_placeholder(const rapidjson::Value& v, std::size_t* num = nullptr) noexcept;

/// Limits a Decoder enforces on what a client sends.
struct DecoderOptions {
  /// A packet announcing more attachments is refused (sio::error::too_many_attachments): each
  /// announced attachment is memory held until the packet completes.
  std::size_t max_attachments = 256;
  /// Most bytes the attachments of one packet may hold together; the attachment that would pass
  /// it is refused (sio::error::payload_too_large). The server sets it to max_http_buffer_size.
  std::size_t max_attachment_bytes = 1'000'000;
  /// Deepest nesting of arrays and objects accepted in a payload (the outer array counts as 1);
  /// deeper payloads are refused (sio::error::invalid_payload), so that hostile input cannot
  /// exhaust the stack. 128 is the limit serde_json, and so socketioxide, applies.
  std::size_t max_depth = 128;
};

/// The default (JSON text) decoder: decodes the messages of one Engine.IO session into
/// Socket.IO packets, waiting for binary attachments.
///
/// \code
///   sio::protocol::Decoder decoder;
///   // for each Engine.IO message:
///   std::error_code ec = binary ? decoder.feed_binary(data) : decoder.feed_text(data);
///   if (ec) { /* close the session: the client sent garbage */ }
///   else if (decoder.ready()) handle(decoder.take());
/// \endcode
///
/// An idle decoder owns no memory. After an error every feed returns that error again until
/// reset() is called.
class Decoder final : public PacketDecoder {
 public:
  /// Makes a decoder that enforces `options`.
  explicit Decoder(DecoderOptions options = {});

  /// One Engine.IO text message (without the '4' prefix). On success, ready() tells whether a
  /// packet is complete; a binary packet becomes ready once its attachments have arrived through
  /// feed_binary(). Placeholders are checked against the announced count here, before any
  /// attachment is buffered. A completed packet that was not taken is dropped.
  /// Errors: invalid_payload, too_many_attachments, unexpected_attachment (attachments awaited).
  std::error_code feed_text(std::string_view message) override;

  /// One Engine.IO binary message: the next attachment of the pending binary packet.
  /// Errors: unexpected_attachment when no attachment is awaited; payload_too_large when the
  /// packet's attachments would hold more than max_attachment_bytes.
  std::error_code feed_binary(std::string_view bytes) override;

  /// True when a complete packet waits for take().
  bool ready() const noexcept override { return state_ == State::ready; }

  /// True while a binary packet waits for attachments.
  bool awaiting_attachments() const noexcept override { return state_ == State::awaiting; }

  /// Moves the completed packet out; ready() is false afterwards. Precondition: ready()
  /// (otherwise a default Packet is returned).
  Packet take();
  /// Hands over the completed packet without moving it (the server shares it with the
  /// application's Args); ready() is false afterwards. Null when nothing is ready.
  std::shared_ptr<Packet> take_shared() noexcept override;

  /// Drops any partial packet (after an error the decoder must be reset before reuse).
  void reset() noexcept;

 private:
  enum class State : std::uint8_t { idle, awaiting, ready, failed };

  std::error_code fail(error e) noexcept;

  DecoderOptions options_;
  // The packet being decoded or waiting for take(): allocated per packet and handed over whole,
  // so an idle decoder (one per connection) holds no packet.
  std::shared_ptr<Packet> packet_;
  std::size_t expected_ = 0;      // attachments announced by the pending binary packet
  std::size_t attachment_bytes_ = 0;  // what its attachments hold so far
  State state_ = State::idle;
  error error_ = error::ok;       // what failed, repeated until reset()
};

}  // namespace sio::protocol
