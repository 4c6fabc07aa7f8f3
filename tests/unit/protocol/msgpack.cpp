#include "sio/protocol/msgpack.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "sio/error.hpp"
#include "sio/protocol/packet.hpp"

namespace msgpack = sio::protocol::msgpack;

namespace {

std::string hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string unhex(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i + 1 < text.size(); i += 2) out += static_cast<char>(std::stoi(std::string(text.substr(i, 2)), nullptr, 16));
  return out;
}

std::string json(const rapidjson::Value& v) {
  std::string out;
  sio::protocol::append_json(out, v);
  return out;
}

// A JSON text as msgpack, through the writer.
std::string write_json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  REQUIRE_FALSE(d.HasParseError());
  std::string out;
  msgpack::Writer(out).value(d);
  return out;
}

// msgpack bytes read back, as JSON text; "error" when refused.
std::string read_json(const std::string& bytes, std::vector<std::string>* attachments = nullptr,
                      const msgpack::ReadLimits& limits = {}) {
  rapidjson::MemoryPoolAllocator<> alloc;
  rapidjson::Value v;
  if (msgpack::read_all(bytes, v, alloc, attachments, limits)) {
    CHECK(v.IsNull());
    return "error";
  }
  return json(v);
}

// What notepack.io 3.0 (the Redis adapter's codec) writes for each JSON value, as produced by it.
struct Vector {
  const char* json;
  const char* hex;
};
const Vector notepack_vectors[] = {
    {"null", "c0"},
    {"true", "c3"},
    {"false", "c2"},
    {"0", "00"},
    {"1", "01"},
    {"127", "7f"},
    {"128", "cc80"},
    {"255", "ccff"},
    {"256", "cd0100"},
    {"65535", "cdffff"},
    {"65536", "ce00010000"},
    {"4294967295", "ceffffffff"},
    {"4294967296", "cf0000000100000000"},
    {"9007199254740991", "cf001fffffffffffff"},
    {"-1", "ff"},
    {"-32", "e0"},
    {"-33", "d0df"},
    {"-128", "d080"},
    {"-129", "d1ff7f"},
    {"-32768", "d18000"},
    {"-32769", "d2ffff7fff"},
    {"-2147483648", "d280000000"},
    {"-2147483649", "d3ffffffff7fffffff"},
    {"-9007199254740991", "d3ffe0000000000001"},
    {"0.5", "cb3fe0000000000000"},
    {"-1.25", "cbbff4000000000000"},
    {"3.0", "03"},  // an integral double is an integer, as in JavaScript
    {"\"\"", "a0"},
    {"\"a\"", "a161"},
    {"\"h\\u00e9llo \\ud83d\\ude00\"", "ab68c3a96c6c6f20f09f9880"},
    {"[]", "90"},
    {"[1,[2,[3]]]", "920192029103"},
    {"[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]", "dc001000000000000000000000000000000000"},
    {"{}", "80"},
    {"{\"a\":1,\"b\":[true,null]}", "82a16101a16292c3c0"},
    {"[\"event\",{\"nested\":{\"deep\":\"yes\"}},42]", "93a56576656e7481a66e657374656481a464656570a37965732a"},
};

}  // namespace

TEST_CASE("msgpack::Writer writes what notepack.io writes") {
  for (const auto& v : notepack_vectors) {
    INFO(v.json);
    CHECK(hex(write_json(v.json)) == v.hex);
  }
  // Lengths at the edges of each form.
  CHECK(hex(write_json("\"" + std::string(31, 'x') + "\"")).substr(0, 2) == "bf");
  CHECK(hex(write_json("\"" + std::string(32, 'x') + "\"")).substr(0, 4) == "d920");
  CHECK(hex(write_json("\"" + std::string(255, 'x') + "\"")).substr(0, 4) == "d9ff");
  CHECK(hex(write_json("\"" + std::string(256, 'x') + "\"")).substr(0, 6) == "da0100");
  std::string big_object = "{";
  for (int i = 0; i < 16; ++i) big_object += std::string(i ? "," : "") + "\"k" + std::to_string(i) + "\":" + std::to_string(i);
  big_object += "}";
  CHECK(hex(write_json(big_object)).substr(0, 6) == "de0010");
}

TEST_CASE("msgpack::Writer writes integral doubles past 2^53 as float 64, where notepack.io wraps them") {
  // notepack.io writes 1e21 as the uint64 1e21 mod 2^64 (cf35c9adc5dea00000), which reads back
  // as another number; a float 64 reads back as 1e21 everywhere.
  CHECK(hex(write_json("1e21")) == "cb444b1ae4d6e2ef50");
  // 2^53 is the last integer (a double's integers are exact up to it); 2^63 as a double stays one,
  // while the same value read as an int64 is written as one (found by the fuzzer: a float 32 of
  // -2^63 came back as an int64, written -9223372036854775808 rather than -9223372036854776000).
  CHECK(hex(write_json("9007199254740992.0")) == "cf0020000000000000");
  CHECK(hex(write_json("-9223372036854775808.0")) == "cbc3e0000000000000");
  CHECK(hex(write_json("-9223372036854775808")) == "d38000000000000000");
  std::string out;
  msgpack::Writer w(out);
  w.number(std::numeric_limits<double>::quiet_NaN());
  w.number(-std::numeric_limits<double>::infinity());
  CHECK(hex(out).substr(0, 2) == "cb");
  CHECK(hex(out).substr(18, 2) == "cb");
}

TEST_CASE("msgpack::read reads what notepack.io writes") {
  for (const auto& v : notepack_vectors) {
    INFO(v.json);
    // The JSON text as sio writes it (3.0 is 3, escapes become UTF-8).
    rapidjson::Document d;
    d.Parse(v.json);
    CHECK(read_json(unhex(v.hex)) == json(d));
  }
  // Forms notepack.io does not write but MessagePack has.
  CHECK(read_json(unhex("ca3fc00000")) == "1.5");                 // float 32
  CHECK(read_json(unhex("dd00000001c3")) == "[true]");            // array 32
  CHECK(read_json(unhex("df00000001a178c2")) == "{\"x\":false}");  // map 32
  CHECK(read_json(unhex("db00000001" "61")) == "\"a\"");          // str 32
  CHECK(read_json(unhex("cfffffffffffffffff")) == "18446744073709551615");
}

TEST_CASE("msgpack: bin becomes an attachment behind a placeholder, and back") {
  // notepack.io's ["file", <Buffer 01 02 03>, {inner: <Buffer of 300 × 07>}].
  const std::string bytes = unhex("93a466696c65c40301020381a5696e6e6572c5012c") + std::string(300, '\x07');
  std::vector<std::string> attachments;
  CHECK(read_json(bytes, &attachments) ==
        R"(["file",{"_placeholder":true,"num":0},{"inner":{"_placeholder":true,"num":1}}])");
  REQUIRE(attachments.size() == 2);
  CHECK(attachments[0] == std::string("\x01\x02\x03"));
  CHECK(attachments[1] == std::string(300, '\x07'));

  // Written back with the attachments: the same bytes.
  rapidjson::MemoryPoolAllocator<> alloc;
  rapidjson::Value v;
  std::vector<std::string> again;
  REQUIRE_FALSE(msgpack::read_all(bytes, v, alloc, &again));
  std::string out;
  msgpack::Writer(out).value(v, &again);
  CHECK(out == bytes);

  // Without attachments the placeholder is a plain object, and bin is refused.
  std::string plain;
  msgpack::Writer(plain).value(v);
  CHECK(plain.find('\xc4') == std::string::npos);
  CHECK(read_json(bytes) == "error");

  // A failed read leaves the attachments it had.
  std::vector<std::string> kept{"earlier"};
  CHECK(read_json(unhex("92c40161"), &kept) == "error");  // the second element is missing
  CHECK(kept == std::vector<std::string>{"earlier"});
}

TEST_CASE("msgpack::read turns notepack.io's Dates into JavaScript's Date.toJSON() text") {
  CHECK(read_json(unhex("d6ff6b1293ee")) == "\"2026-12-04T10:20:30.000Z\"");            // timestamp 32
  CHECK(read_json(unhex("d7ff1d5353006b1293ee")) == "\"2026-12-04T10:20:30.123Z\"");    // timestamp 64
  CHECK(read_json(unhex("c70cff3b8b87c0ffffffffffffffff")) == "\"1969-12-31T23:59:59.999Z\"");  // timestamp 96
  CHECK(read_json(unhex("d6ff00000000")) == "\"1970-01-01T00:00:00.000Z\"");
  // Outside years 0 to 9999, JavaScript writes a sign and six digits.
  CHECK(read_json(unhex("c70cff000000000000003afff44180")) == "\"+010000-01-01T00:00:00.000Z\"");
  CHECK(read_json(unhex("c70cff00000000fffffff184aa5080")) == "\"-000001-01-01T00:00:00.000Z\"");
  // Past JavaScript's range (8.64e15 ms), refused.
  CHECK(read_json(unhex("c70cff000000000000800000000000")) == "error");
  // notepack.io's old undefined (fixext 1, type 0) is null; other extensions are refused.
  CHECK(read_json(unhex("91d40000")) == "[null]");
  CHECK(read_json(unhex("d40501")) == "error");
  CHECK(read_json(unhex("d7ff" "ffffffff00000000")) == "error");  // 1,073,741,823 > 999,999,999 ns
}

TEST_CASE("msgpack::read refuses malformed and hostile input without reading past it") {
  const char* refused[] = {
      "",                    // nothing
      "c1",                  // the one unused code
      "cd01",                // a uint 16 cut short
      "a5616263",            // a str of 5 with 3 bytes
      "db7fffffff61",        // a str of 2 GiB announced, 1 byte there
      "dd7fffffff",          // an array of 2^31 announced: refused before any memory is reserved
      "df7fffffff",          // likewise a map
      "de0001",              // a map whose pair is missing
      "8101c3",              // a map key that is not a string
      "a2c328",              // a str that is not UTF-8
      "c6ffffffff00",        // a bin of 4 GiB announced
      "c8ffff05",            // an ext cut short
  };
  std::vector<std::string> attachments;
  for (const char* h : refused) {
    INFO(h);
    CHECK(read_json(unhex(h), &attachments) == "error");
  }
  CHECK(attachments.empty());
  // Bytes after the value: read_all refuses them, read reports where the value ended.
  CHECK(read_json(unhex("c3c3")) == "error");
  rapidjson::MemoryPoolAllocator<> alloc;
  rapidjson::Value v;
  std::size_t consumed = 0;
  CHECK_FALSE(msgpack::read(unhex("c3c2"), v, alloc, nullptr, consumed));
  CHECK(consumed == 1);
  CHECK(v.IsTrue());
}

TEST_CASE("msgpack::read bounds the nesting depth") {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += '\x91';
  deep += '\xc0';
  CHECK(read_json(deep) == "error");
  msgpack::ReadLimits limits;
  limits.max_depth = 64;
  CHECK(read_json(deep, nullptr, limits) != "error");
  // 32 levels (the default) pass, 33 do not.
  CHECK(read_json(std::string(32, '\x91') + '\xc0') != "error");
  CHECK(read_json(std::string(33, '\x91') + '\xc0') == "error");
}
