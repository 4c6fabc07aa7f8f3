#include "sio/protocol/parser.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sio/engineio/frame.hpp"
#include "sio/error.hpp"
#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"

using sio::engineio::make_binary_frame;
using sio::protocol::OutgoingPacket;
using sio::protocol::PacketType;

namespace {

// The text frame the default parser makes of `p`.
std::string text(const OutgoingPacket& p) {
  auto e = sio::protocol::JsonParser().encode(p);
  REQUIRE(e.text);
  CHECK_FALSE(e.text->binary);
  return e.text->bytes;
}

}  // namespace

TEST_CASE("JsonParser writes the Engine.IO message digit, the header and the payload") {
  CHECK(text(OutgoingPacket(PacketType::event, "/", std::nullopt, R"(["e",1])")) == R"(42["e",1])");
  CHECK(text(OutgoingPacket(PacketType::event, "/", 12, R"(["e"])")) == R"(4212["e"])");
  CHECK(text(OutgoingPacket(PacketType::event, "/x", std::nullopt, R"(["e"])")) == R"(42/x,["e"])");
  CHECK(text(OutgoingPacket(PacketType::event, "/x", 12, R"(["e"])")) == R"(42/x,12["e"])");
  CHECK(text(OutgoingPacket(PacketType::ack, "/x", 0, "[1]")) == "43/x,0[1]");
  CHECK(text(OutgoingPacket::connect("/", "abc")) == R"(40{"sid":"abc"})");
  CHECK(text(OutgoingPacket::connect("/x", "abc")) == R"(40/x,{"sid":"abc"})");
  CHECK(text(OutgoingPacket::disconnect("/")) == "41");
  CHECK(text(OutgoingPacket::disconnect("/x")) == "41/x,");
  CHECK(text(OutgoingPacket::connect_error("/x", "m")) == R"(44/x,{"message":"m"})");
}

TEST_CASE("JsonParser announces the attachments and sends the same frames after the packet") {
  OutgoingPacket p(PacketType::event, "/", std::nullopt, R"(["e",{"_placeholder":true,"num":0}])",
                   {make_binary_frame("ab")});
  auto e = sio::protocol::JsonParser().encode(p);
  CHECK(e.text->bytes == R"(451-["e",{"_placeholder":true,"num":0}])");
  REQUIRE(e.attachments.size() == 1);
  CHECK(e.attachments[0] == p.attachments()[0]);
  CHECK(e.attachments[0]->binary);

  OutgoingPacket ack(PacketType::ack, "/x", 7, R"([{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
                     {make_binary_frame("1"), make_binary_frame("2")});
  CHECK(text(ack) == R"(462-/x,7[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
}

TEST_CASE("JsonParser's decoder reads what its encoder writes") {
  sio::protocol::JsonParser parser;
  OutgoingPacket p(PacketType::event, "/x", 3, R"(["e",{"_placeholder":true,"num":0},"s"])", {make_binary_frame("ab")});
  auto e = parser.encode(p);
  auto decoder = parser.make_decoder({});
  REQUIRE(decoder);
  // The decoder is fed Engine.IO message data: without the '4'.
  REQUIRE_FALSE(decoder->feed_text(e.text->bytes.substr(1)));
  CHECK_FALSE(decoder->ready());
  REQUIRE_FALSE(decoder->feed_binary(e.attachments[0]->bytes));
  REQUIRE(decoder->ready());
  auto packet = decoder->take_shared();
  REQUIRE(packet);
  CHECK_FALSE(decoder->ready());
  CHECK(packet->type == PacketType::binary_event);
  CHECK(packet->nsp == "/x");
  CHECK(packet->id == std::uint64_t{3});
  CHECK(packet->data[2] == "s");
  CHECK(packet->attachments == std::vector<std::string>{"ab"});
}

TEST_CASE("JsonParser's decoders enforce the options they are made with") {
  sio::protocol::JsonParser parser;
  sio::protocol::DecoderOptions options;
  options.max_attachments = 1;
  auto strict = parser.make_decoder(options);
  CHECK(strict->feed_text(R"(52-["e",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])") ==
        sio::error::too_many_attachments);
  // Each connection has its own decoder: another one is not affected.
  auto other = parser.make_decoder(options);
  CHECK_FALSE(other->feed_text(R"(2["e"])"));
  CHECK(other->ready());
}
