#include "sio/protocol/packet.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace sp = sio::protocol;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

std::string encoded(const sp::Packet& p) {
  std::string out;
  sp::encode(p, out);
  return out;
}

std::string json(const rapidjson::Value& v) {
  std::string out;
  sp::append_json(out, v);
  return out;
}

sp::Packet decode_one(std::string_view text) {
  sp::Decoder decoder;
  const std::error_code ec = decoder.feed_text(text);
  INFO("input: " << text);
  REQUIRE_FALSE(ec);
  REQUIRE(decoder.ready());
  return decoder.take();
}

std::error_code decode_error(std::string_view text, sp::DecoderOptions options = {}) {
  sp::Decoder decoder(options);
  return decoder.feed_text(text);
}

// Decodes `text` and then re-encodes it: the bytes must come back unchanged.
void check_round_trip(std::string_view text) {
  INFO("input: " << text);
  const sp::Packet p = decode_one(text);
  CHECK(encoded(p) == text);
}

rapidjson::Document parse(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  REQUIRE_FALSE(d.HasParseError());
  return d;
}

std::string nested(std::size_t depth) {
  return "2[\"e\"," + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "]";
}

}  // namespace

TEST_CASE("encode: every packet type") {
  sp::Packet p;

  SECTION("CONNECT without payload") {
    p.type = sp::PacketType::connect;
    CHECK(encoded(p) == "0");
  }
  SECTION("CONNECT with payload, in a custom namespace") {
    p.type = sp::PacketType::connect;
    p.nsp = "/admin";
    p.data.SetObject();
    p.data.AddMember("token", "123", p.data.GetAllocator());
    p.has_data = true;
    CHECK(encoded(p) == R"(0/admin,{"token":"123"})");
  }
  SECTION("DISCONNECT") {
    p.type = sp::PacketType::disconnect;
    CHECK(encoded(p) == "1");
    p.nsp = "/admin";
    CHECK(encoded(p) == "1/admin,");
  }
  SECTION("EVENT") {
    p.type = sp::PacketType::event;
    p.data.SetArray();
    p.data.PushBack("hello", p.data.GetAllocator()).PushBack(1, p.data.GetAllocator());
    p.has_data = true;
    CHECK(encoded(p) == R"(2["hello",1])");
    p.id = 12;
    CHECK(encoded(p) == R"(212["hello",1])");
    p.nsp = "/admin";
    CHECK(encoded(p) == R"(2/admin,12["hello",1])");
  }
  SECTION("ACK") {
    p.type = sp::PacketType::ack;
    p.id = 456;
    p.data.SetArray();
    p.has_data = true;
    CHECK(encoded(p) == "3456[]");
  }
  SECTION("CONNECT_ERROR") {
    p.type = sp::PacketType::connect_error;
    p.nsp = "/random";
    p.data.SetObject();
    p.data.AddMember("message", "Invalid namespace", p.data.GetAllocator());
    p.has_data = true;
    CHECK(encoded(p) == R"(4/random,{"message":"Invalid namespace"})");
  }
  SECTION("BINARY_EVENT") {
    p.type = sp::PacketType::binary_event;
    auto& a = p.data.GetAllocator();
    p.data.SetArray();
    p.data.PushBack("file", a);
    rapidjson::Value ph;
    sp::make_placeholder(ph, 0, a);
    p.data.PushBack(ph, a);
    p.has_data = true;
    p.attachments.push_back("\x01\x02"s);
    CHECK(encoded(p) == R"(51-["file",{"_placeholder":true,"num":0}])");
  }
  SECTION("BINARY_ACK") {
    p.type = sp::PacketType::binary_ack;
    p.id = 7;
    p.data.SetArray();
    p.has_data = true;
    CHECK(encoded(p) == "60-7[]");
  }
}

TEST_CASE("encode appends to what the buffer already holds") {
  sp::Packet p;
  p.type = sp::PacketType::connect;
  std::string out = "4";
  sp::encode(p, out);
  CHECK(out == "40");
}

TEST_CASE("encode from parts") {
  std::string out;
  SECTION("without payload") {
    sp::encode(out, sp::PacketType::disconnect, "/", std::nullopt, nullptr, 0);
    CHECK(out == "1");
  }
  SECTION("an empty namespace is the main namespace") {
    sp::encode(out, sp::PacketType::disconnect, "", std::nullopt, nullptr, 0);
    CHECK(out == "1");
  }
  SECTION("with every part") {
    const rapidjson::Document d = parse(R"([{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
    sp::encode(out, sp::PacketType::binary_ack, "/custom", 789, &d, 2);
    CHECK(out == R"(62-/custom,789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])");
  }
  SECTION("the attachment count is written only for binary types") {
    const rapidjson::Document d = parse(R"(["a"])");
    sp::encode(out, sp::PacketType::event, "/", std::nullopt, &d, 3);
    CHECK(out == R"(2["a"])");
  }
  SECTION("largest ack id") {
    const rapidjson::Document d = parse("[]");
    sp::encode(out, sp::PacketType::ack, "/", std::numeric_limits<std::uint64_t>::max(), &d, 0);
    CHECK(out == "318446744073709551615[]");
  }
}

TEST_CASE("decode: conformance examples round-trip") {
  check_round_trip("0");
  check_round_trip(R"(0{"token":"123"})");
  check_round_trip("0/custom,");
  check_round_trip(R"(0/custom,{"sid":"abc"})");
  check_round_trip(R"(0/custom,{"token":"abc"})");
  check_round_trip("1");
  check_round_trip("1/custom,");
  check_round_trip(R"(4/random,{"message":"Invalid namespace"})");
  check_round_trip(R"(2["message",1,"2",{"3":[true]}])");
  check_round_trip(R"(2["message","message to main namespace"])");
  check_round_trip(R"(2456["message-with-ack",1,"2",{"3":[false]}])");
  check_round_trip(R"(3456[1,"2",{"3":[false]}])");
  check_round_trip(R"(2/custom,["auth",{}])");
}

TEST_CASE("decode: fields of every packet type") {
  SECTION("CONNECT") {
    const sp::Packet p = decode_one("0");
    CHECK(p.type == sp::PacketType::connect);
    CHECK(p.nsp == "/");
    CHECK_FALSE(p.id);
    CHECK_FALSE(p.has_data);
    CHECK(p.attachments.empty());

    const sp::Packet q = decode_one(R"(0{"token":"123"})");
    CHECK(q.has_data);
    REQUIRE(q.data.IsObject());
    CHECK(q.data["token"] == "123");
  }
  SECTION("DISCONNECT") {
    const sp::Packet p = decode_one("1/admin,");
    CHECK(p.type == sp::PacketType::disconnect);
    CHECK(p.nsp == "/admin");
    CHECK_FALSE(p.has_data);
  }
  SECTION("EVENT") {
    const sp::Packet p = decode_one(R"(2/admin,12["hello",1])");
    CHECK(p.type == sp::PacketType::event);
    CHECK(p.nsp == "/admin");
    CHECK(p.id == 12u);
    REQUIRE(p.data.IsArray());
    CHECK(p.data.Size() == 2);
    CHECK(p.data[0] == "hello");
    CHECK(p.data[1].IsInt());
  }
  SECTION("EVENT whose name is a number") {
    const sp::Packet p = decode_one("2[1,2]");
    CHECK(p.data[0].GetInt() == 1);
  }
  SECTION("ACK") {
    const sp::Packet p = decode_one("3456[]");
    CHECK(p.type == sp::PacketType::ack);
    CHECK(p.id == 456u);
    CHECK(p.data.IsArray());
    CHECK(p.data.Empty());
  }
  SECTION("CONNECT_ERROR with an object or a string") {
    const sp::Packet p = decode_one(R"(4/random,{"message":"Invalid namespace"})");
    CHECK(p.type == sp::PacketType::connect_error);
    CHECK(p.nsp == "/random");
    CHECK(p.data["message"] == "Invalid namespace");

    const sp::Packet q = decode_one(R"(4"Not authorized")");
    CHECK(q.data == "Not authorized");
  }
  SECTION("BINARY_EVENT with no attachment is ready at once") {
    const sp::Packet p = decode_one(R"(50-["a"])");
    CHECK(p.type == sp::PacketType::binary_event);
    CHECK(p.attachments.empty());
    CHECK(encoded(p) == R"(50-["a"])");
  }
  SECTION("BINARY_ACK with no attachment") {
    const sp::Packet p = decode_one("60-9[]");
    CHECK(p.type == sp::PacketType::binary_ack);
    CHECK(p.id == 9u);
  }
  SECTION("an id on a packet type that does not use it is kept") {
    const sp::Packet p = decode_one("05");
    CHECK(p.type == sp::PacketType::connect);
    CHECK(p.id == 5u);
  }
}

TEST_CASE("decode: namespaces") {
  SECTION("with a trailing comma") {
    CHECK(decode_one("0/custom,").nsp == "/custom");
  }
  SECTION("without a comma the namespace runs to the end") {
    CHECK(decode_one("0/custom").nsp == "/custom");
    CHECK(decode_one("1/custom").nsp == "/custom");
    CHECK(decode_one("0/random").nsp == "/random");
    // Re-encoded in the canonical form.
    CHECK(encoded(decode_one("0/custom")) == "0/custom,");
  }
  SECTION("followed by an id and a payload") {
    const sp::Packet p = decode_one(R"(2/chat/room,42["a"])");
    CHECK(p.nsp == "/chat/room");
    CHECK(p.id == 42u);
  }
  SECTION("followed by a payload") {
    const sp::Packet p = decode_one(R"(0/custom,{"a":1})");
    CHECK(p.nsp == "/custom");
    CHECK(p.data["a"] == 1);
  }
  SECTION("after the attachment count") {
    sp::Decoder d;
    REQUIRE_FALSE(d.feed_text(R"(51-/files,3["f",{"_placeholder":true,"num":0}])"));
    REQUIRE_FALSE(d.feed_binary("x"));
    const sp::Packet p = d.take();
    CHECK(p.nsp == "/files");
    CHECK(p.id == 3u);
  }
  SECTION("the main namespace written out") {
    const sp::Packet p = decode_one("0/,");
    CHECK(p.nsp == "/");
    CHECK(encoded(p) == "0");
  }
  SECTION("the namespace may hold any byte but a comma") {
    CHECK(decode_one("0/caf\xc3\xa9 1{}").nsp == "/caf\xc3\xa9 1{}");
  }
}

TEST_CASE("decode: ack ids") {
  CHECK(decode_one("30[]").id == 0u);
  CHECK(decode_one("3007[]").id == 7u);
  CHECK(decode_one("318446744073709551615[]").id == std::numeric_limits<std::uint64_t>::max());
  CHECK(decode_error("318446744073709551616[]") == sio::error::invalid_payload);
  CHECK(decode_error("399999999999999999999[]") == sio::error::invalid_payload);
  CHECK(decode_error("2184467440737095516150[\"a\"]") == sio::error::invalid_payload);
  check_round_trip("318446744073709551615[]");
}

TEST_CASE("decode: malformed input is refused") {
  const auto invalid = sio::make_error_code(sio::error::invalid_payload);
  const std::vector<std::string> inputs = {
      "",
      "abc",
      "9",
      "7",
      "a",
      "-1",
      "2{}",                         // event payload not an array
      "2abc[\"a\"]",                 // neither digits nor JSON
      "2[]",                         // event without name
      "2",                           // event without payload
      "2/chat,",                     // event without payload
      "2/chat",                      // namespace to the end, no payload
      "2[null]",                     // name neither string nor number
      "2[{}]",
      "2[[\"a\"]]",
      "2[true]",
      "2\"message\"",
      "5-[\"a\"]",                   // attachment count missing
      "5x-[\"a\"]",                  // attachment count not digits
      "52[\"a\"]",                   // '-' missing
      "52",                          // '-' missing at the end
      "5",                           // nothing after the type
      "5-",
      "6",
      "1{}",                         // DISCONNECT with payload
      "1\"bye\"",
      "0[]",                         // CONNECT payload not an object
      "0\"token\"",
      "4",                           // CONNECT_ERROR without payload
      "4[]",
      "412",
      "3[]",                         // ACK without id
      "3456{}",                      // ACK payload not an array
      "3456",                        // ACK without payload
      "3456\"a\"",
      "2[\"a\"",                     // bad JSON
      "2[\"a\"]]",
      "2[\"a\"]x",                   // trailing garbage
      "2[\"a\"] x",
      "2[\"a\",]",                   // trailing comma
      "2[\"a\"]//",                  // comment
      "2['a']",
      "2[\"a\",NaN]",
      "2[\"a\",Infinity]",
      "2[\"a\",01]",
      "2[\"a\"]\0"s,                 // NUL after the value
      "2[\"a\"]\0garbage"s,
      "2[\"a\0\"]"s,                 // raw control character inside a string
      "2\xef\xbb\xbf[\"a\"]",        // byte-order mark
      "2 ",                          // whitespace only
  };
  for (const auto& in : inputs) {
    INFO("input: " << in);
    CHECK(decode_error(in) == invalid);
  }
}

TEST_CASE("decode: surrounding JSON whitespace is accepted, as JSON.parse does") {
  const sp::Packet p = decode_one("2[\"a\"] \n");
  CHECK(encoded(p) == R"(2["a"])");
  CHECK(encoded(decode_one("2 [\"a\"]")) == R"(2["a"])");
  const sp::Packet q = decode_one("2/x, [ \"a\" , 1 ]\t");
  CHECK(encoded(q) == R"(2/x,["a",1])");
}

TEST_CASE("decode: reserved event names are refused") {
  for (const char* name :
       {"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}) {
    INFO(name);
    CHECK(decode_error("2[\""s + name + "\"]") == sio::error::invalid_payload);
    CHECK(decode_error("5" "0-[\""s + name + "\"]") == sio::error::invalid_payload);
  }
  // Near misses are ordinary events.
  check_round_trip(R"(2["Connect"])");
  check_round_trip(R"(2["connected"])");
  check_round_trip(R"(2["disconnect "])");
  // Reserved names are only checked for the event name, not for arguments.
  check_round_trip(R"(2["a","connect"])");
  // A NUL inside the name does not hide a reserved prefix.
  CHECK(decode_error("2[\"connect\\u0000\"]").value() == 0);
}

TEST_CASE("decode: nesting depth is bounded") {
  const sp::DecoderOptions defaults;
  CHECK(decode_error(nested(defaults.max_depth)).value() == 0);
  CHECK(decode_error(nested(defaults.max_depth + 1)) == sio::error::invalid_payload);
  // Objects count as well.
  std::string objects = "2[\"e\",";
  for (std::size_t i = 1; i < defaults.max_depth; ++i) objects += "{\"k\":";
  objects += "1";
  for (std::size_t i = 1; i < defaults.max_depth; ++i) objects += "}";
  objects += "]";
  CHECK(decode_error(objects).value() == 0);
  CHECK(decode_error(objects.insert(6, "[") + "]") == sio::error::invalid_payload);
  // Far deeper than any stack could recurse.
  CHECK(decode_error(nested(1'000'000)) == sio::error::invalid_payload);
  // The limit is an option.
  sp::DecoderOptions shallow;
  shallow.max_depth = 2;
  CHECK(decode_error(R"(2["a",[1]])", shallow).value() == 0);
  CHECK(decode_error(R"(2["a",[[1]]])", shallow) == sio::error::invalid_payload);
  CHECK(decode_error(R"(2["a",{"b":{}}])", shallow) == sio::error::invalid_payload);
}

TEST_CASE("binary: the conformance examples") {
  sp::Decoder d;
  SECTION("BINARY_EVENT") {
    const std::string text = R"(52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])";
    REQUIRE_FALSE(d.feed_text(text));
    CHECK_FALSE(d.ready());
    CHECK(d.awaiting_attachments());
    REQUIRE_FALSE(d.feed_binary("\x01\x02\x03"));
    CHECK_FALSE(d.ready());
    CHECK(d.awaiting_attachments());
    REQUIRE_FALSE(d.feed_binary("\x04\x05\x06"));
    CHECK(d.ready());
    CHECK_FALSE(d.awaiting_attachments());
    const sp::Packet p = d.take();
    CHECK_FALSE(d.ready());
    CHECK(p.type == sp::PacketType::binary_event);
    REQUIRE(p.attachments.size() == 2);
    CHECK(p.attachments[0] == "\x01\x02\x03");
    CHECK(p.attachments[1] == "\x04\x05\x06");
    std::size_t num = 9;
    REQUIRE(sp::is_placeholder(p.data[1], &num));
    CHECK(num == 0);
    REQUIRE(sp::is_placeholder(p.data[2], &num));
    CHECK(num == 1);
    CHECK(encoded(p) == text);
  }
  SECTION("BINARY_ACK") {
    const std::string text = R"(62-789[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])";
    REQUIRE_FALSE(d.feed_text(text));
    REQUIRE_FALSE(d.feed_binary("a"));
    REQUIRE_FALSE(d.feed_binary("b"));
    REQUIRE(d.ready());
    const sp::Packet p = d.take();
    CHECK(p.type == sp::PacketType::binary_ack);
    CHECK(p.id == 789u);
    CHECK(p.attachments == std::vector<std::string>{"a", "b"});
    CHECK(encoded(p) == text);
  }
}

TEST_CASE("binary: attachments at any depth, in any order, empty or holding NUL bytes") {
  const std::string text =
      R"(52-["upload",{"meta":{"parts":[{"_placeholder":true,"num":1},[[{"_placeholder":true,"num":0}]]]}}])";
  sp::Decoder d;
  REQUIRE_FALSE(d.feed_text(text));
  REQUIRE_FALSE(d.feed_binary(""));
  REQUIRE_FALSE(d.feed_binary("\0\xff"sv));
  REQUIRE(d.ready());
  const sp::Packet p = d.take();
  CHECK(p.attachments[0].empty());
  CHECK(p.attachments[1] == "\0\xff"s);
  const rapidjson::Value& parts = p.data[1]["meta"]["parts"];
  std::size_t num = 9;
  CHECK(sp::is_placeholder(parts[0], &num));
  CHECK(num == 1);
  CHECK(sp::is_placeholder(parts[1][0][0], &num));
  CHECK(num == 0);
  CHECK(encoded(p) == text);
}

TEST_CASE("binary: an attachment may be referenced twice or not at all") {
  sp::Decoder d;
  REQUIRE_FALSE(d.feed_text(R"(53-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":0}])"));
  REQUIRE_FALSE(d.feed_binary("0"));
  REQUIRE_FALSE(d.feed_binary("1"));
  REQUIRE_FALSE(d.feed_binary("2"));
  CHECK(d.take().attachments.size() == 3);
}

TEST_CASE("binary: a placeholder count that lies is refused before any attachment is held") {
  const auto invalid = sio::make_error_code(sio::error::invalid_payload);
  CHECK(decode_error(R"(52-["a",{"_placeholder":true,"num":5}])") == invalid);
  CHECK(decode_error(R"(52-["a",{"_placeholder":true,"num":2}])") == invalid);
  CHECK(decode_error(R"(50-["a",{"_placeholder":true,"num":0}])") == invalid);
  CHECK(decode_error(R"(52-["a",{"x":[{"_placeholder":true,"num":7}]}])") == invalid);
  CHECK(decode_error(R"(62-1[[[{"_placeholder":true,"num":2}]]])") == invalid);
  // A marked object whose index is not a non-negative integer.
  CHECK(decode_error(R"(51-["a",{"_placeholder":true,"num":-1}])") == invalid);
  CHECK(decode_error(R"(51-["a",{"_placeholder":true,"num":0.5}])") == invalid);
  CHECK(decode_error(R"(51-["a",{"_placeholder":true,"num":0.0}])") == invalid);
  CHECK(decode_error(R"(51-["a",{"_placeholder":true,"num":"0"}])") == invalid);
  CHECK(decode_error(R"(51-["a",{"_placeholder":true}])") == invalid);

  // With the attachments sent anyway, the packet is refused at its text already.
  sp::Decoder d;
  CHECK(d.feed_text(R"(52-["a",{"_placeholder":true,"num":5}])") == invalid);
  CHECK(d.feed_binary("x") == invalid);
  CHECK(d.feed_binary("y") == invalid);
  CHECK_FALSE(d.ready());
}

TEST_CASE("binary: objects not marked as placeholders are plain data") {
  sp::Decoder d;
  REQUIRE_FALSE(d.feed_text(R"(51-["a",{"_placeholder":false,"num":9},{"num":3},{"_placeholder":true,"num":0}])"));
  REQUIRE_FALSE(d.feed_binary("x"));
  CHECK(d.ready());
  // In a non-binary packet placeholders are plain data too.
  const sp::Packet p = decode_one(R"(2["a",{"_placeholder":true,"num":3}])");
  CHECK(p.attachments.empty());
  CHECK(encoded(p) == R"(2["a",{"_placeholder":true,"num":3}])");
}

TEST_CASE("binary: attachment counts") {
  SECTION("leading zeros") {
    sp::Decoder d;
    REQUIRE_FALSE(d.feed_text(R"(502-["a"])"));
    CHECK(d.awaiting_attachments());
    REQUIRE_FALSE(d.feed_binary("x"));
    REQUIRE_FALSE(d.feed_binary("y"));
    CHECK(encoded(d.take()) == R"(52-["a"])");
  }
  SECTION("the limit is inclusive") {
    sp::DecoderOptions options;
    options.max_attachments = 3;
    sp::Decoder d(options);
    REQUIRE_FALSE(d.feed_text(R"(53-["a"])"));
    for (int i = 0; i < 3; ++i) REQUIRE_FALSE(d.feed_binary("x"));
    CHECK(d.ready());
    CHECK(decode_error(R"(54-["a"])", options) == sio::error::too_many_attachments);
  }
  SECTION("the default limit") {
    const sp::DecoderOptions defaults;
    const std::string at = "5" + std::to_string(defaults.max_attachments) + "-[\"a\"]";
    const std::string over = "5" + std::to_string(defaults.max_attachments + 1) + "-[\"a\"]";
    CHECK(decode_error(at).value() == 0);
    CHECK(decode_error(over) == sio::error::too_many_attachments);
  }
  SECTION("the attachments of one packet hold at most max_attachment_bytes together") {
    sp::DecoderOptions options;
    options.max_attachment_bytes = 10;
    sp::Decoder d(options);
    REQUIRE_FALSE(d.feed_text(R"(53-["a"])"));
    REQUIRE_FALSE(d.feed_binary("12345"));
    REQUIRE_FALSE(d.feed_binary("1234"));
    CHECK(d.feed_binary("12") == sio::make_error_code(sio::error::payload_too_large));
    CHECK_FALSE(d.ready());
    CHECK_FALSE(d.awaiting_attachments());
    // The count starts again with each packet.
    d.reset();
    REQUIRE_FALSE(d.feed_text(R"(52-["a"])"));
    REQUIRE_FALSE(d.feed_binary("12345"));
    REQUIRE_FALSE(d.feed_binary("12345"));
    CHECK(d.ready());
    d.take();
    REQUIRE_FALSE(d.feed_text(R"(51-["a"])"));
    REQUIRE_FALSE(d.feed_binary("1234567890"));
    CHECK(d.ready());
  }
  SECTION("a count too large for any integer") {
    CHECK(decode_error("5" + std::string(100, '9') + "-[\"a\"]") == sio::error::too_many_attachments);
    CHECK(decode_error("6" + std::string(30, '9') + "-1[]") == sio::error::too_many_attachments);
    // The form is checked before the limit.
    CHECK(decode_error("5" + std::string(30, '9') + "[\"a\"]") == sio::error::invalid_payload);
  }
}

TEST_CASE("binary: the attachment state machine") {
  const auto unexpected = sio::make_error_code(sio::error::unexpected_attachment);
  sp::Decoder d;

  SECTION("a binary message when nothing is pending") {
    CHECK(d.feed_binary("x") == unexpected);
    CHECK_FALSE(d.ready());
    CHECK_FALSE(d.awaiting_attachments());
  }
  SECTION("a binary message after a text packet completed") {
    REQUIRE_FALSE(d.feed_text(R"(2["a"])"));
    CHECK(d.feed_binary("x") == unexpected);
    CHECK_FALSE(d.ready());
  }
  SECTION("one binary message too many") {
    REQUIRE_FALSE(d.feed_text(R"(51-["a",{"_placeholder":true,"num":0}])"));
    REQUIRE_FALSE(d.feed_binary("x"));
    REQUIRE(d.ready());
    CHECK(d.feed_binary("y") == unexpected);
    CHECK_FALSE(d.ready());
  }
  SECTION("one binary message too many after take()") {
    REQUIRE_FALSE(d.feed_text(R"(51-["a",{"_placeholder":true,"num":0}])"));
    REQUIRE_FALSE(d.feed_binary("x"));
    (void)d.take();
    CHECK(d.feed_binary("y") == unexpected);
  }
  SECTION("a text message while attachments are awaited") {
    REQUIRE_FALSE(d.feed_text(R"(52-["a"])"));
    REQUIRE_FALSE(d.feed_binary("x"));
    CHECK(d.feed_text(R"(2["b"])") == unexpected);
    CHECK_FALSE(d.ready());
    CHECK_FALSE(d.awaiting_attachments());
  }
  SECTION("a text message before the first attachment") {
    REQUIRE_FALSE(d.feed_text(R"(51-["a"])"));
    CHECK(d.feed_text(R"(51-["a"])") == unexpected);
  }
  SECTION("an error sticks until reset()") {
    CHECK(d.feed_text("2{}") == sio::error::invalid_payload);
    CHECK(d.feed_text(R"(2["a"])") == sio::error::invalid_payload);
    CHECK(d.feed_binary("x") == sio::error::invalid_payload);
    CHECK_FALSE(d.ready());
    d.reset();
    REQUIRE_FALSE(d.feed_text(R"(2["a"])"));
    CHECK(d.ready());
  }
  SECTION("reset() drops a partial packet") {
    REQUIRE_FALSE(d.feed_text(R"(52-["a"])"));
    REQUIRE_FALSE(d.feed_binary("x"));
    d.reset();
    CHECK_FALSE(d.awaiting_attachments());
    CHECK(d.feed_binary("y") == unexpected);
    d.reset();
    REQUIRE_FALSE(d.feed_text(R"(51-["b",{"_placeholder":true,"num":0}])"));
    REQUIRE_FALSE(d.feed_binary("z"));
    const sp::Packet p = d.take();
    CHECK(p.data[0] == "b");
    CHECK(p.attachments == std::vector<std::string>{"z"});
  }
  SECTION("reset() of an idle decoder is harmless") {
    d.reset();
    d.reset();
    REQUIRE_FALSE(d.feed_text("0"));
    CHECK(d.ready());
  }
}

TEST_CASE("Decoder: a stream of packets") {
  sp::Decoder d;
  const std::vector<std::pair<std::string, std::vector<std::string>>> stream = {
      {"0", {}},
      {R"(2["a"])", {}},
      {R"(51-["b",{"_placeholder":true,"num":0}])", {"B"}},
      {R"(2/x,1["c"])", {}},
      {R"(62-3[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}])", {"P", "Q"}},
      {R"(50-["d"])", {}},
      {"1", {}},
  };
  for (const auto& [text, attachments] : stream) {
    INFO(text);
    REQUIRE_FALSE(d.feed_text(text));
    for (const auto& a : attachments) {
      CHECK(d.awaiting_attachments());
      REQUIRE_FALSE(d.feed_binary(a));
    }
    REQUIRE(d.ready());
    const sp::Packet p = d.take();
    CHECK_FALSE(d.ready());
    CHECK(p.attachments == attachments);
    CHECK(encoded(p) == text);
  }
}

TEST_CASE("Decoder: an untaken packet is replaced by the next one") {
  sp::Decoder d;
  REQUIRE_FALSE(d.feed_text(R"(2["a"])"));
  REQUIRE_FALSE(d.feed_text(R"(2["b"])"));
  CHECK(d.take().data[0] == "b");
}

TEST_CASE("Decoder: take() without a ready packet gives a default packet") {
  sp::Decoder d;
  const sp::Packet p = d.take();
  CHECK(p.type == sp::PacketType::event);
  CHECK(p.nsp == "/");
  CHECK_FALSE(p.has_data);
  REQUIRE_FALSE(d.feed_text(R"(51-["a"])"));
  const sp::Packet q = d.take();  // still awaiting
  CHECK_FALSE(q.has_data);
  CHECK(d.awaiting_attachments());
}

TEST_CASE("a taken packet owns its data") {
  sp::Packet p;
  {
    sp::Decoder d;
    REQUIRE_FALSE(d.feed_text(R"(2["a long event name that is not inline",{"key with some length":"value with some length"}])"));
    p = d.take();
    REQUIRE_FALSE(d.feed_text(R"(2["another"])"));
  }
  CHECK(p.data[0] == "a long event name that is not inline");
  CHECK(p.data[1]["key with some length"] == "value with some length");
  // And it can still be built on.
  p.data.PushBack(rapidjson::Value(3), p.data.GetAllocator());
  CHECK(encoded(p) ==
        R"(2["a long event name that is not inline",{"key with some length":"value with some length"},3])");
}

TEST_CASE("placeholders") {
  rapidjson::Document d;
  rapidjson::Value v;
  sp::make_placeholder(v, 3, d.GetAllocator());
  CHECK(json(v) == R"({"_placeholder":true,"num":3})");
  std::size_t num = 0;
  CHECK(sp::is_placeholder(v, &num));
  CHECK(num == 3);
  CHECK(sp::is_placeholder(v));

  // Overwrites whatever v held.
  rapidjson::Value w("text");
  sp::make_placeholder(w, 0, d.GetAllocator());
  CHECK(json(w) == R"({"_placeholder":true,"num":0})");

  // Key order does not matter when reading; extra members are tolerated.
  CHECK(sp::is_placeholder(parse(R"({"num":1,"_placeholder":true})")));
  CHECK(sp::is_placeholder(parse(R"({"_placeholder":true,"num":1,"x":0})")));

  CHECK_FALSE(sp::is_placeholder(parse(R"({"_placeholder":false,"num":1})")));
  CHECK_FALSE(sp::is_placeholder(parse(R"({"_placeholder":1,"num":1})")));
  CHECK_FALSE(sp::is_placeholder(parse(R"({"_placeholder":"true","num":1})")));
  CHECK_FALSE(sp::is_placeholder(parse(R"({"_placeholder":true})")));
  CHECK_FALSE(sp::is_placeholder(parse(R"({"_placeholder":true,"num":-1})")));
  CHECK_FALSE(sp::is_placeholder(parse(R"({"_placeholder":true,"num":1.5})")));
  CHECK_FALSE(sp::is_placeholder(parse(R"({"_placeholder":true,"num":null})")));
  CHECK_FALSE(sp::is_placeholder(parse(R"({"num":1})")));
  CHECK_FALSE(sp::is_placeholder(parse(R"([true,1])")));
  CHECK_FALSE(sp::is_placeholder(parse("null")));
}

TEST_CASE("UTF-8 strings round-trip as UTF-8") {
  const std::string text = "2[\"h\xc3\xa9llo\",\"\xe2\x9c\x93\",\"\xf0\x9f\x98\x80\",{\"cl\xc3\xa9\":\"\xe4\xb8\xad\xe6\x96\x87\"}]";
  const sp::Packet p = decode_one(text);
  CHECK(p.data[0] == "h\xc3\xa9llo");
  CHECK(p.data[2] == "\xf0\x9f\x98\x80");
  CHECK(p.data[3]["cl\xc3\xa9"] == "\xe4\xb8\xad\xe6\x96\x87");
  CHECK(encoded(p) == text);

  // Escapes decode to UTF-8 and are written back as UTF-8, as JSON.stringify does.
  const sp::Packet q = decode_one(R"(2["\u00e9","\u2713","\ud83d\ude00","\/"])");
  CHECK(q.data[0] == "\xc3\xa9");
  CHECK(q.data[2] == "\xf0\x9f\x98\x80");
  CHECK(encoded(q) == "2[\"\xc3\xa9\",\"\xe2\x9c\x93\",\"\xf0\x9f\x98\x80\",\"/\"]");
}

TEST_CASE("strings are escaped as JSON.stringify escapes them") {
  // Decode escapes, then check the re-encoding byte for byte.
  const sp::Packet p =
      decode_one(R"(2["q\"b\\s\b\f\n\r\t","\u0000\u0001\u001f\u001F","\u007f"," ~<>&'"])");
  CHECK(p.data[1].GetStringLength() == 4);
  CHECK(p.data[1].GetString()[0] == '\0');
  CHECK(encoded(p) == R"(2["q\"b\\s\b\f\n\r\t","\u0000\u0001\u001f\u001f",")"
                      "\x7f"
                      R"("," ~<>&'"])");
}

TEST_CASE("numbers: integers stay integers, beyond 2^53 doubles as in JavaScript") {
  check_round_trip(R"(2["n",0,1,-1,42,2147483647,2147483648,-2147483649,9007199254740992,-9007199254740992])");
  const sp::Packet p = decode_one(R"(2["n",1,-9007199254740992,9007199254740992,9007199254740993])");
  CHECK(p.data[1].IsInt());
  CHECK(p.data[2].GetInt64() == -9007199254740992);
  CHECK(p.data[3].GetUint64() == 9007199254740992u);
  CHECK(p.data[4].IsDouble());
  // JSON.stringify(JSON.parse(x)) in Node: what a double holds, in JavaScript's digits.
  CHECK(encoded(decode_one(R"(2["n",9007199254740993,9223372036854775807,-9223372036854775808,18446744073709551615])")) ==
        R"(2["n",9007199254740992,9223372036854776000,-9223372036854776000,18446744073709552000])");
  // -0 reads as negative zero, which JSON.stringify writes "0".
  CHECK(encoded(decode_one(R"(2["n",-0])")) == R"(2["n",0])");
}

TEST_CASE("numbers beyond a double's range read as JSON.parse reads them") {
  CHECK(encoded(decode_one(R"(2["n",1e400,-1e400,1.0e-2147483639,1e-400])")) == R"(2["n",null,null,0,0])");
}

TEST_CASE("lone surrogate escapes are kept, and written back as JSON.stringify writes them") {
  const sp::Packet p = decode_one(R"(2["ok\udc00ok","\ud800"])");
  CHECK(p.data[0] == "ok\xed\xb0\x80ok");
  CHECK(encoded(p) == R"(2["ok\udc00ok","\ud800"])");
}

TEST_CASE("binary: a placeholder object that names a key twice is refused") {
  const auto invalid = sio::make_error_code(sio::error::invalid_payload);
  CHECK(decode_error(R"(51-["a",{"_placeholder":false,"_placeholder":true,"num":0}])") == invalid);
  CHECK(decode_error(R"(51-["a",{"_placeholder":true,"num":5,"num":0}])") == invalid);
  CHECK(decode_error(R"(61-0[[{"_placeholder":true,"_placeholder":true,"num":0}]])") == invalid);
  // Elsewhere, repeats read as JSON.parse reads them: the last value at the first key's place.
  sp::Decoder decoder;
  REQUIRE_FALSE(decoder.feed_text(R"(51-["a",{"_placeholder":true,"num":0},{"x":1,"y":2,"x":3}])"));
  REQUIRE_FALSE(decoder.feed_binary("\x01"));
  REQUIRE(decoder.ready());
  CHECK(json(decoder.take().data[2]) == R"({"x":3,"y":2})");
  // In a packet that is not binary there are no placeholders: such an object is plain data.
  CHECK(encoded(decode_one(R"(2["a",{"_placeholder":false,"_placeholder":true,"num":9}])")) ==
        R"(2["a",{"_placeholder":true,"num":9}])");
}

TEST_CASE("numbers: doubles keep every digit and JavaScript's form") {
  check_round_trip(R"(2["d",0.1,0.30000000000000004,-1.5,3.141592653589793,123.456])");
  check_round_trip(R"(2["d",5e-324,1.7976931348623157e+308,2.2250738585072014e-308])");
  check_round_trip(R"(2["d",1e+21,1.5e+300,1e-7,1.2345e-10,0.000001,0.0000123])");
  check_round_trip(R"(2["d",100000000000000000000,123456789012345680000])");
  // Forms JSON.parse accepts but JSON.stringify never writes come back in the canonical form.
  CHECK(encoded(decode_one(R"(2["d",1.0,2.50,1E3,1e21,-0.0,1e-400,0.1e1])")) ==
        R"(2["d",1,2.5,1000,1e+21,0,0,1])");
  // Integers beyond 64 bits become doubles, as in JavaScript.
  CHECK(encoded(decode_one(R"(2["d",123456789012345678901234567890])")) ==
        R"(2["d",1.2345678901234568e+29])");
}

TEST_CASE("append_json writes numbers like JavaScript's Number#toString") {
  const auto text = [](double d) {
    std::string out;
    sp::append_json(out, rapidjson::Value(d));
    return out;
  };
  CHECK(text(0.0) == "0");
  CHECK(text(-0.0) == "0");
  CHECK(text(1.0) == "1");
  CHECK(text(-3.0) == "-3");
  CHECK(text(0.5) == "0.5");
  CHECK(text(-0.001) == "-0.001");
  CHECK(text(1e-6) == "0.000001");
  CHECK(text(1e-7) == "1e-7");
  CHECK(text(-1.5e-7) == "-1.5e-7");
  CHECK(text(1e20) == "100000000000000000000");
  CHECK(text(1e21) == "1e+21");
  CHECK(text(1.25e21) == "1.25e+21");
  CHECK(text(9007199254740992.0) == "9007199254740992");
  CHECK(text(123456.789) == "123456.789");
  CHECK(text(1.7976931348623157e308) == "1.7976931348623157e+308");
  CHECK(text(5e-324) == "5e-324");
  CHECK(text(std::nan("")) == "null");
  CHECK(text(std::numeric_limits<double>::infinity()) == "null");
  CHECK(text(-std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("append_json writes compact JSON in member order") {
  rapidjson::Document d;
  auto& a = d.GetAllocator();
  d.SetObject();
  d.AddMember("z", 1, a);
  d.AddMember("a", rapidjson::Value(rapidjson::kArrayType), a);
  d["a"].PushBack(true, a).PushBack(false, a).PushBack(rapidjson::Value(), a).PushBack(2.5, a);
  d.AddMember("m", rapidjson::Value(rapidjson::kObjectType), a);
  d.AddMember("s", "x\"y", a);
  CHECK(json(d) == R"({"z":1,"a":[true,false,null,2.5],"m":{},"s":"x\"y"})");
  CHECK(json(rapidjson::Value(rapidjson::kArrayType)) == "[]");
  CHECK(json(rapidjson::Value("")) == R"("")");
  CHECK(json(rapidjson::Value(std::uint64_t{18446744073709551615u})) == "18446744073709551615");
  CHECK(json(rapidjson::Value(std::int64_t{-5})) == "-5");
}

TEST_CASE("key order is kept through decode and encode") {
  check_round_trip(R"(0{"z":1,"a":2,"m":{"y":[],"b":{}}})");
}

TEST_CASE("error codes carry sio's category") {
  const std::error_code ec = decode_error("abc");
  CHECK(ec.category() == sio::error_category());
  CHECK(ec.message() == "Invalid payload");
}
