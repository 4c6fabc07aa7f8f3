// libFuzzer target: the Engine.IO codec a client's bytes meet first, a polling request body
// (decode_payload) and a WebSocket frame (decode_frame), each read as text and as binary.
//
// Beyond "no crash": what decodes must re-encode (append_to_payload, as the server writes
// polling responses) to exactly the body it came from, since every packet has one encoding
// (text as is, binary as canonical base64); payload_size() must predict that encoding's length;
// a failed decode must leave its output as it was (all or nothing). Any mismatch aborts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sio/detail/utf8.hpp"
#include "sio/engineio/frame.hpp"
#include "sio/engineio/packet.hpp"

namespace {

using sio::engineio::Packet;
using sio::engineio::PacketType;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "engineio_payload: %s\n", what);
  std::abort();
}

bool same(const Packet& a, const Packet& b) {
  return a.type == b.type && a.binary == b.binary && a.data == b.data;
}

// The frame the server would hold for `p`: a text frame keeps its type digit, a binary one its bytes.
sio::engineio::FrameData frame_of(const Packet& p) {
  if (p.binary) return sio::engineio::FrameData(p.data, true);
  std::string bytes(1, sio::engineio::to_char(p.type));
  bytes.append(p.data);
  return sio::engineio::FrameData(std::move(bytes), false);
}

void check_payload(std::string_view body) {
  // A packet already in the vector: decode_payload appends, and on error must leave it alone.
  std::vector<Packet> packets(1);
  packets[0].type = PacketType::pong;
  packets[0].data = "kept";
  const std::error_code ec = sio::engineio::decode_payload(body, packets);
  if (packets.empty() || packets[0].type != PacketType::pong || packets[0].data != "kept") {
    fail("decode_payload changed the packets it was given");
  }
  if (ec) {
    if (packets.size() != 1) fail("a failed decode_payload left packets behind");
    if (ec != sio::error::invalid_utf8 && ec != sio::error::invalid_packet) fail("unexpected error code");
    if (ec == sio::error::invalid_utf8 && sio::detail::is_valid_utf8(body)) fail("valid UTF-8 refused as invalid");
    return;
  }
  if (!sio::detail::is_valid_utf8(body)) fail("a body that is not UTF-8 decoded");
  if (packets.size() < 2) fail("a body decoded to no packet");

  std::string again;
  std::size_t predicted = 0;
  for (std::size_t i = 1; i < packets.size(); ++i) {
    const Packet& p = packets[i];
    if (p.binary && p.type != PacketType::message) fail("a binary packet that is not a message");
    const sio::engineio::FrameData frame = frame_of(p);
    predicted += sio::engineio::payload_size(frame, again.empty());
    sio::engineio::append_to_payload(again, frame);
  }
  if (again.size() != predicted) fail("payload_size() disagrees with append_to_payload()");
  if (again != body) fail("decode_payload then append_to_payload did not give the body back");

  std::vector<Packet> round;
  if (sio::engineio::decode_payload(again, round)) fail("a re-encoded payload does not decode");
  if (round.size() != packets.size() - 1) fail("a re-encoded payload has another packet count");
  for (std::size_t i = 0; i < round.size(); ++i) {
    if (!same(round[i], packets[i + 1])) fail("a re-encoded payload decodes to other packets");
  }
}

void check_frame(std::string_view frame) {
  sio::engineio::PacketView view;
  if (const std::error_code ec = sio::engineio::decode_frame(frame, false, view)) {
    if (ec == sio::error::invalid_utf8 && sio::detail::is_valid_utf8(frame)) fail("valid UTF-8 frame refused");
  } else {
    if (view.binary) fail("a text frame decoded as binary");
    if (!sio::detail::is_valid_utf8(view.data)) fail("a text frame with invalid UTF-8 decoded");
    if (frame.empty() || frame[0] != sio::engineio::to_char(view.type)) fail("wrong type digit");
    if (view.data.data() != frame.data() + 1 || view.data.size() != frame.size() - 1) fail("text data is not the frame's");
  }
  if (sio::engineio::decode_frame(frame, true, view)) fail("a binary frame was refused");
  if (!view.binary || view.type != PacketType::message || view.data.data() != frame.data() ||
      view.data.size() != frame.size()) {
    fail("a binary frame decoded to something else than its bytes");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_payload(input);
  check_frame(input);
  return 0;
}
