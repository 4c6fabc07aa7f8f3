#include "sio/protocol/outgoing_packet.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sio/engineio/frame.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/protocol/parser.hpp"

using sio::engineio::make_binary_frame;
using sio::protocol::OutgoingPacket;
using sio::protocol::PacketType;

namespace {

const std::string one_placeholder = R"(["e",{"_placeholder":true,"num":0}])";

// The default parser, counting how often it is asked to encode.
struct CountingParser final : sio::protocol::Parser {
  mutable int encodes = 0;
  sio::protocol::JsonParser json;
  sio::protocol::EncodedPacket encode(const OutgoingPacket& packet) const override {
    ++encodes;
    return json.encode(packet);
  }
  std::unique_ptr<sio::protocol::PacketDecoder> make_decoder(const sio::protocol::DecoderOptions& o) const override {
    return json.make_decoder(o);
  }
};

}  // namespace

TEST_CASE("events and acks with attachments become their binary types") {
  CHECK(OutgoingPacket(PacketType::event, "/", std::nullopt, R"(["e"])").type() == PacketType::event);
  CHECK(OutgoingPacket(PacketType::ack, "/", 1, "[]").type() == PacketType::ack);
  OutgoingPacket event(PacketType::event, "/chat", 4, one_placeholder, {make_binary_frame("x")});
  CHECK(event.type() == PacketType::binary_event);
  CHECK(event.nsp() == "/chat");
  CHECK(event.id() == std::uint64_t{4});
  CHECK(event.payload() == one_placeholder);
  REQUIRE(event.attachments().size() == 1);
  CHECK(event.attachments()[0]->bytes == "x");
  CHECK(OutgoingPacket(PacketType::ack, "/", 1, R"([{"_placeholder":true,"num":0}])", {make_binary_frame("x")}).type() ==
        PacketType::binary_ack);
  // A type chosen binary stays binary.
  CHECK(OutgoingPacket(PacketType::binary_event, "/", std::nullopt, R"(["e"])").type() == PacketType::binary_event);
}

TEST_CASE("CONNECT, CONNECT_ERROR and DISCONNECT carry the payloads the client expects") {
  auto connect = OutgoingPacket::connect("/chat", "abc");
  CHECK(connect.type() == PacketType::connect);
  CHECK(connect.nsp() == "/chat");
  CHECK_FALSE(connect.id());
  CHECK(connect.payload() == R"({"sid":"abc"})");
  CHECK(OutgoingPacket::connect("/", "a\"b").payload() == R"({"sid":"a\"b"})");

  auto refused = OutgoingPacket::connect_error("/", "m", R"({"a":1})");
  CHECK(refused.type() == PacketType::connect_error);
  CHECK(refused.payload() == R"({"message":"m","data":{"a":1}})");
  CHECK(OutgoingPacket::connect_error("/x", "m").payload() == R"({"message":"m"})");
  CHECK(OutgoingPacket::connect_error("/", "say \"no\"\n").payload() == R"({"message":"say \"no\"\n"})");

  auto bye = OutgoingPacket::disconnect("/x");
  CHECK(bye.type() == PacketType::disconnect);
  CHECK(bye.nsp() == "/x");
  CHECK(bye.payload().empty());
  CHECK(bye.attachments().empty());
}

TEST_CASE("decoded() parses the payload, keeps placeholders and carries the attachments' bytes") {
  OutgoingPacket p(PacketType::event, "/chat", 9, one_placeholder, {make_binary_frame(std::string("\x00\xff", 2))});
  auto d = p.decoded();
  REQUIRE(d);
  CHECK(d->type == PacketType::binary_event);
  CHECK(d->nsp == "/chat");
  CHECK(d->id == std::uint64_t{9});
  REQUIRE(d->has_data);
  REQUIRE(d->data.IsArray());
  CHECK(d->data[0] == "e");
  std::size_t num = 99;
  CHECK(sio::protocol::is_placeholder(d->data[1], &num));
  CHECK(num == 0);
  CHECK(d->attachments == std::vector<std::string>{std::string("\x00\xff", 2)});
  // Made once.
  CHECK(p.decoded() == d);

  auto empty = OutgoingPacket::disconnect("/").decoded();
  CHECK(empty->type == PacketType::disconnect);
  CHECK_FALSE(empty->has_data);
  CHECK(empty->attachments.empty());
}

TEST_CASE("encoded() encodes once, and copies share the frames") {
  CountingParser parser;
  OutgoingPacket p(PacketType::event, "/", std::nullopt, one_placeholder, {make_binary_frame("x")});
  const auto& first = p.encoded(parser);
  CHECK(first.text->bytes == "451-" + one_placeholder);
  const auto& again = p.encoded(parser);
  CHECK(&again == &first);
  CHECK(parser.encodes == 1);
  // A copy (a broadcast's receivers) reuses the frames already made.
  OutgoingPacket copy = p;
  CHECK(copy.encoded(parser).text == first.text);
  CHECK(copy.attachments()[0] == p.attachments()[0]);
  CHECK(parser.encodes == 1);
}

TEST_CASE("clone() shares no frame with the original") {
  CountingParser parser;
  OutgoingPacket p(PacketType::ack, "/x", 3, R"([{"_placeholder":true,"num":0}])", {make_binary_frame("bytes")});
  const auto& mine = p.encoded(parser);
  auto decoded = p.decoded();
  OutgoingPacket other = p.clone();
  CHECK(other.type() == p.type());
  CHECK(other.nsp() == p.nsp());
  CHECK(other.id() == p.id());
  CHECK(other.payload() == p.payload());
  REQUIRE(other.attachments().size() == 1);
  CHECK(other.attachments()[0] != p.attachments()[0]);
  CHECK(other.attachments()[0]->bytes == "bytes");
  CHECK(other.attachments()[0]->binary);
  // Nothing cached comes along: the other thread encodes and decodes its own.
  const auto& theirs = other.encoded(parser);
  CHECK(parser.encodes == 2);
  CHECK(theirs.text != mine.text);
  CHECK(theirs.text->bytes == mine.text->bytes);
  CHECK(theirs.attachments[0] == other.attachments()[0]);
  CHECK(other.decoded() != decoded);
}

TEST_CASE("a payload written after room for its header becomes the frame without a copy") {
  const std::string payload = R"(["e",1])";
  const std::size_t room = OutgoingPacket::header_room("/chat");
  std::string buffer(room, '\0');
  buffer += payload;
  OutgoingPacket p(PacketType::event, "/chat", 12, std::move(buffer), room);
  CHECK(p.payload() == payload);
  const char* buffer_bytes = p.payload().data() - room;

  sio::protocol::JsonParser parser;
  const auto& frames = p.encoded(parser);
  CHECK(frames.text->bytes == "42/chat,12" + payload);
  CHECK_FALSE(frames.text->binary);
  // The frame is the packet's own buffer, and the payload is still there to read.
  CHECK(frames.text->bytes.data() == buffer_bytes);
  CHECK(p.payload() == payload);
  CHECK(p.decoded()->data[1] == 1);
  OutgoingPacket copy = p;
  CHECK(copy.payload() == payload);
  CHECK(copy.clone().payload() == payload);

  // A second encoding (another parser) copies; so does a packet without room.
  CHECK(parser.encode(p).text->bytes == "42/chat,12" + payload);
  CHECK(p.payload() == payload);
  OutgoingPacket plain(PacketType::event, "/chat", 12, payload);
  CHECK(plain.encoded(parser).text->bytes == "42/chat,12" + payload);
  CHECK(plain.payload() == payload);
}

TEST_CASE("the header room fits the longest header of a binary packet") {
  const std::string payload = R"([{"_placeholder":true,"num":0}])";
  const std::string nsp = "/a-rather-long-namespace";
  const std::size_t room = OutgoingPacket::header_room(nsp);
  std::vector<sio::engineio::Frame> many(1, make_binary_frame("x"));
  std::string buffer(room, '\0');
  buffer += payload;
  const std::uint64_t id = UINT64_MAX;
  OutgoingPacket p(PacketType::ack, nsp, id, std::move(buffer), room, many);
  const char* buffer_bytes = p.payload().data() - room;
  sio::protocol::JsonParser parser;
  const auto& text = p.encoded(parser).text->bytes;
  CHECK(text == "461-" + nsp + "," + std::to_string(id) + payload);
  CHECK(text.data() == buffer_bytes);
}
