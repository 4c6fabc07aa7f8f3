#include "sio/engineio/packet.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace sio::engineio;

TEST_CASE("decode_frame: every text packet type") {
  const std::pair<const char*, PacketType> cases[] = {
      {"0", PacketType::open},    {"1", PacketType::close},   {"2", PacketType::ping},   {"3", PacketType::pong},
      {"4", PacketType::message}, {"5", PacketType::upgrade}, {"6", PacketType::noop},
  };
  for (const auto& [text, type] : cases) {
    PacketView p;
    REQUIRE_FALSE(decode_frame(text, false, p));
    CHECK(p.type == type);
    CHECK_FALSE(p.binary);
    CHECK(p.data.empty());
  }
  PacketView p;
  REQUIRE_FALSE(decode_frame("4hello", false, p));
  CHECK(p.type == PacketType::message);
  CHECK(p.data == "hello");
  REQUIRE_FALSE(decode_frame("2probe", false, p));
  CHECK(p.type == PacketType::ping);
  CHECK(p.data == "probe");
  REQUIRE_FALSE(decode_frame("4\xc3\xa9t\xc3\xa9", false, p));
  CHECK(p.data == "\xc3\xa9t\xc3\xa9");
}

TEST_CASE("decode_frame: a binary frame is a binary message, bytes as they are") {
  const std::string bytes("\x01\x02\x03\x04\x00\xff", 6);
  PacketView p;
  REQUIRE_FALSE(decode_frame(bytes, true, p));
  CHECK(p.type == PacketType::message);
  CHECK(p.binary);
  CHECK(p.data == bytes);
  CHECK(p.data.data() == bytes.data());  // a view, no copy
  REQUIRE_FALSE(decode_frame({}, true, p));
  CHECK(p.binary);
  CHECK(p.data.empty());
}

TEST_CASE("decode_frame rejects malformed text frames") {
  PacketView p;
  CHECK(decode_frame("", false, p) == sio::error::invalid_packet);
  CHECK(decode_frame("7", false, p) == sio::error::invalid_packet);
  CHECK(decode_frame("9x", false, p) == sio::error::invalid_packet);
  CHECK(decode_frame("abc", false, p) == sio::error::invalid_packet);
  CHECK(decode_frame("bAQIDBA==", false, p) == sio::error::invalid_packet);  // 'b' is for polling payloads only
  CHECK(decode_frame("/", false, p) == sio::error::invalid_packet);
  CHECK(decode_frame(" 4", false, p) == sio::error::invalid_packet);
  CHECK(decode_frame("4\xff", false, p) == sio::error::invalid_utf8);
  CHECK(decode_frame("4\xed\xa0\x80", false, p) == sio::error::invalid_utf8);
  CHECK(decode_frame("4\xc3", false, p) == sio::error::invalid_utf8);
}

TEST_CASE("decode_payload: one packet, several packets, binary") {
  std::vector<Packet> out;
  REQUIRE_FALSE(decode_payload("4hello", out));
  REQUIRE(out.size() == 1);
  CHECK(out[0].type == PacketType::message);
  CHECK(out[0].data == "hello");

  out.clear();
  REQUIRE_FALSE(decode_payload("4test1\x1e" "4test2\x1e" "4test3", out));
  REQUIRE(out.size() == 3);
  CHECK(out[0].data == "test1");
  CHECK(out[1].data == "test2");
  CHECK(out[2].data == "test3");

  out.clear();
  REQUIRE_FALSE(decode_payload("4hello\x1e" "bAQIDBA==", out));
  REQUIRE(out.size() == 2);
  CHECK_FALSE(out[0].binary);
  CHECK(out[1].type == PacketType::message);
  CHECK(out[1].binary);
  CHECK(out[1].data == std::string("\x01\x02\x03\x04", 4));

  out.clear();
  REQUIRE_FALSE(decode_payload("3\x1e" "1\x1e" "2\x1e" "6\x1e" "5\x1e" "0", out));
  REQUIRE(out.size() == 6);
  CHECK(out[0].type == PacketType::pong);
  CHECK(out[1].type == PacketType::close);
  CHECK(out[2].type == PacketType::ping);
  CHECK(out[3].type == PacketType::noop);
  CHECK(out[4].type == PacketType::upgrade);
  CHECK(out[5].type == PacketType::open);

  out.clear();
  REQUIRE_FALSE(decode_payload("b\x1e" "4", out));  // empty binary, empty text
  REQUIRE(out.size() == 2);
  CHECK(out[0].binary);
  CHECK(out[0].data.empty());
  CHECK(out[1].data.empty());

  out.clear();
  REQUIRE_FALSE(decode_payload("4\xe2\x82\xac", out));
  CHECK(out[0].data == "\xe2\x82\xac");
}

TEST_CASE("decode_payload appends to what the vector holds") {
  std::vector<Packet> out(1);
  REQUIRE_FALSE(decode_payload("4a\x1e" "4b", out));
  CHECK(out.size() == 3);
}

TEST_CASE("decode_payload is all or nothing on malformed bodies") {
  const std::pair<std::string, sio::error> cases[] = {
      {"", sio::error::invalid_packet},
      {"abc", sio::error::invalid_packet},
      {"4a\x1e", sio::error::invalid_packet},
      {"\x1e" "4a", sio::error::invalid_packet},
      {"4a\x1e\x1e" "4b", sio::error::invalid_packet},
      {"4a\x1e" "7", sio::error::invalid_packet},
      {"4a\x1e" "bAQID*A==", sio::error::invalid_packet},
      {"4a\x1e" "bAQI", sio::error::invalid_packet},
      {"bZh==", sio::error::invalid_packet},
      {"4a\x1e" "4\xff", sio::error::invalid_utf8},
      {"4\xc0\xaf", sio::error::invalid_utf8},
  };
  for (const auto& [body, expected] : cases) {
    std::vector<Packet> out(2);
    CHECK(decode_payload(body, out) == expected);
    CHECK(out.size() == 2);
  }
}

TEST_CASE("append_to_payload joins with the record separator and base64-encodes binary") {
  std::string out;
  append_to_payload(out, *make_text_frame("4hello"));
  CHECK(out == "4hello");
  append_to_payload(out, *make_binary_frame(std::string("\x01\x02\x03\x04", 4)));
  CHECK(out == "4hello\x1e" "bAQIDBA==");
  append_to_payload(out, *make_frame(PacketType::ping));
  CHECK(out == "4hello\x1e" "bAQIDBA==\x1e" "2");
  std::string bin;
  append_to_payload(bin, *make_binary_frame({}));
  CHECK(bin == "b");
  CHECK(payload_size(*make_binary_frame(std::string("\x01\x02\x03\x04", 4)), false) == 10);
  CHECK(payload_size(*make_text_frame("4hello"), true) == 6);
}

TEST_CASE("a payload round-trips through append_to_payload and decode_payload") {
  std::string body;
  const std::vector<Frame> frames = {make_frame(PacketType::message, "a"), make_binary_frame(std::string("\0\xff", 2)),
                                     make_frame(PacketType::ping), make_frame(PacketType::message, "\xf0\x9f\x98\x80")};
  for (const auto& f : frames) append_to_payload(body, *f);
  std::vector<Packet> out;
  REQUIRE_FALSE(decode_payload(body, out));
  REQUIRE(out.size() == 4);
  CHECK(out[0].data == "a");
  CHECK(out[1].binary);
  CHECK(out[1].data == std::string("\0\xff", 2));
  CHECK(out[2].type == PacketType::ping);
  CHECK(out[3].data == "\xf0\x9f\x98\x80");
}

TEST_CASE("make_frame writes the type digit then the data") {
  CHECK(make_frame(PacketType::message, "hello")->bytes == "4hello");
  CHECK(make_frame(PacketType::ping)->bytes == "2");
  CHECK(make_frame(PacketType::pong, "probe")->bytes == "3probe");
  CHECK(make_frame(PacketType::noop)->bytes == "6");
  CHECK(make_frame(PacketType::close)->bytes == "1");
  CHECK_FALSE(make_frame(PacketType::message, "x")->binary);
}

TEST_CASE("encode_open writes exactly the five keys, in order") {
  CHECK(encode_open("abc", true, 300, 200, 1000000) ==
        R"(0{"sid":"abc","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000})");
  CHECK(encode_open("abc", false, 25000, 20000, 1000000) ==
        R"(0{"sid":"abc","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000})");
  // An id is never written raw into the JSON.
  CHECK(encode_open("a\"b\\c\n", false, 1, 2, 3) ==
        R"(0{"sid":"a\"b\\c\u000a","upgrades":[],"pingInterval":1,"pingTimeout":2,"maxPayload":3})");
}
