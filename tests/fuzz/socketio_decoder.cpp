// libFuzzer target: the Socket.IO decoder (protocol::Decoder) with binary reassembly, and the
// encoder the server sends with (OutgoingPacket through JsonParser).
//
// Input: records separated by NUL bytes, fed in order to one decoder as one connection's
// Engine.IO messages. A record that starts with 'B' is a binary message (the bytes after the
// 'B'); any other record is a text message (no text packet starts with 'B'). Text that is not
// UTF-8 is skipped, as Engine.IO refuses it before the decoder sees it. After an error the
// decoder must keep returning that error; it is then reset, as a new connection's would be.
//
// Every packet that completes is encoded as the server encodes, and checked: the text frame is
// valid UTF-8 and starts with '4'; decoding that frame and its attachments again gives a
// packet that encodes to the very same frames (decode -> encode -> decode is stable); the
// text codec (protocol::encode) writes what the server's encoder writes; the payload-in-place
// form of OutgoingPacket writes what the copying one does. Any mismatch aborts.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/detail/utf8.hpp"
#include "sio/engineio/frame.hpp"
#include "sio/error.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/protocol/parser.hpp"

namespace {

using sio::protocol::Decoder;
using sio::protocol::DecoderOptions;
using sio::protocol::Packet;

[[noreturn]] void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "socketio_decoder: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// Small limits, so that inputs of a few kilobytes reach every refusal.
DecoderOptions options() {
  DecoderOptions o;
  o.max_attachments = 16;
  o.max_attachment_bytes = 1024;
  o.max_depth = 32;
  return o;
}

// What the server sends for `p`: the payload written as the server writes JSON, then the
// default parser's frames.
struct Encoded {
  std::string text;
  std::vector<std::string> attachments;
};

std::vector<sio::engineio::Frame> attachment_frames(const Packet& p) {
  std::vector<sio::engineio::Frame> frames;
  for (const std::string& a : p.attachments) frames.push_back(sio::engineio::make_binary_frame(a));
  return frames;
}

Encoded to_encoded(const sio::protocol::EncodedPacket& e) {
  if (!e.text || e.text->binary) fail("the packet frame is missing or binary");
  Encoded out{e.text->bytes, {}};
  for (const auto& a : e.attachments) {
    if (!a || !a->binary) fail("an attachment frame is missing or not binary");
    out.attachments.push_back(a->bytes);
  }
  return out;
}

Encoded encode_as_server(const Packet& p) {
  static const sio::protocol::JsonParser parser;
  std::string payload;
  if (p.has_data) sio::protocol::append_json(payload, p.data);
  const sio::protocol::OutgoingPacket copying(p.type, p.nsp, p.id, payload, attachment_frames(p));
  Encoded out = to_encoded(copying.encoded(parser));

  // The same packet with room left before its payload, which the parser's header fills in place.
  const std::size_t room = sio::protocol::OutgoingPacket::header_room(p.nsp);
  std::string buffer(room, ' ');
  buffer.append(payload);
  const sio::protocol::OutgoingPacket in_place(p.type, p.nsp, p.id, std::move(buffer), room, attachment_frames(p));
  const Encoded other = to_encoded(in_place.encoded(parser));
  if (other.text != out.text || other.attachments != out.attachments) fail("in-place encoding differs", other.text);
  if (in_place.payload() != payload) fail("payload() changed after encoding in place", in_place.payload());
  return out;
}

// Decodes the frames of `e` with a fresh decoder; the packet, or a failure.
std::shared_ptr<Packet> decode_again(const Encoded& e) {
  Decoder d(options());
  if (e.text.empty() || e.text[0] != '4') fail("the frame does not start with 4", e.text);
  if (const std::error_code ec = d.feed_text(std::string_view(e.text).substr(1))) fail("re-encoded packet refused", e.text);
  for (const std::string& a : e.attachments) {
    if (d.ready()) fail("ready before its attachments", e.text);
    if (d.feed_binary(a)) fail("re-encoded attachment refused", e.text);
  }
  if (!d.ready()) fail("re-encoded packet incomplete", e.text);
  return d.take_shared();
}

void check_packet(const Packet& p) {
  const Encoded first = encode_as_server(p);
  if (!sio::detail::is_valid_utf8(first.text)) fail("the encoded text is not UTF-8", first.text);
  if (first.attachments != p.attachments) fail("attachments changed on the way out", first.text);

  // The text codec and the server's encoder agree.
  std::string text = "4";
  sio::protocol::encode(p, text);
  if (text != first.text) fail("protocol::encode differs from the server's encoder", text);

  // An event named by a number too large for a double (`2[1e400]`) is valid, as it is for
  // Node's parser (typeof Infinity is "number"), but JSON has no infinity: its name is written
  // `null`, as JSON.stringify writes it, and that packet is refused. Nothing else may differ.
  if ((p.type == sio::protocol::PacketType::event || p.type == sio::protocol::PacketType::binary_event) &&
      p.data[0].IsNumber() && !std::isfinite(p.data[0].GetDouble())) {
    Decoder d(options());
    if (!d.feed_text(std::string_view(first.text).substr(1))) fail("an event named null was accepted", first.text);
    return;
  }
  const std::shared_ptr<Packet> again = decode_again(first);
  if (again->type != p.type || again->nsp != p.nsp || again->id != p.id ||
      again->has_data != p.has_data || again->attachments != p.attachments) {
    fail("the re-decoded packet differs", first.text);
  }
  const Encoded second = encode_as_server(*again);
  if (second.text != first.text || second.attachments != first.attachments) fail("encoding is not stable", second.text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  Decoder decoder(options());
  bool take_moving = false;
  std::size_t pos = 0;
  while (pos <= input.size()) {
    const std::size_t end = std::min(input.find('\0', pos), input.size());
    const std::string_view record = input.substr(pos, end - pos);
    pos = end + 1;

    const bool binary = !record.empty() && record[0] == 'B';
    if (!binary && !sio::detail::is_valid_utf8(record)) continue;
    const std::error_code ec = binary ? decoder.feed_binary(record.substr(1)) : decoder.feed_text(record);
    if (ec) {
      if (ec.category() != sio::error_category()) fail("an error outside sio's category");
      if (decoder.ready() || decoder.awaiting_attachments()) fail("a failed decoder still holds a packet");
      if (decoder.feed_text("2[\"e\"]") != ec || decoder.feed_binary("x") != ec) fail("the error did not stick");
      decoder.reset();
      continue;
    }
    if (decoder.ready() && decoder.awaiting_attachments()) fail("ready and awaiting at once");
    if (!decoder.ready()) continue;
    // Both ways of taking a packet, in turn.
    if (take_moving) {
      const Packet p = decoder.take();
      check_packet(p);
    } else {
      const std::shared_ptr<Packet> p = decoder.take_shared();
      if (!p) fail("ready but nothing to take");
      check_packet(*p);
    }
    take_moving = !take_moving;
    if (decoder.ready() || decoder.take_shared()) fail("a packet taken twice");
  }
  return 0;
}
