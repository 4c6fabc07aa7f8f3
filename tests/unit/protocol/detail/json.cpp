#include "sio/protocol/detail/json.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>

#include "sio/detail/utf8.hpp"

namespace spd = sio::protocol::detail;
using namespace std::string_literals;

namespace {

constexpr std::size_t depth = 128;

bool parses(std::string_view text, std::string_view unambiguous_key = {}) {
  rapidjson::Document d;
  return spd::parse_json(text, d, depth, unambiguous_key);
}

rapidjson::Document parse(std::string_view text, std::string_view unambiguous_key = {}) {
  rapidjson::Document d;
  INFO("input: " << text);
  REQUIRE(spd::parse_json(text, d, depth, unambiguous_key));
  return d;
}

std::string json(const rapidjson::Value& v) {
  std::string out;
  spd::append_json(out, v);
  return out;
}

// What JSON.stringify(JSON.parse(text)) gives, as sio computes it.
std::string reencoded(std::string_view text) { return json(parse(text)); }

std::string string_literal(std::string_view s) {
  std::string out;
  spd::append_json_string(out, s.data(), s.size());
  return out;
}

// A WHATWG UTF-8 decoder (the Encoding Standard's algorithm), re-encoding as UTF-8 with U+FFFD
// for each error: what the writer must produce for text holding no surrogate's three-byte form.
std::string whatwg_repaired(std::string_view in) {
  std::string out;
  unsigned needed = 0, seen = 0, lower = 0x80, upper = 0xbf;
  char32_t cp = 0;
  for (std::size_t i = 0; i < in.size();) {
    const auto b = static_cast<unsigned char>(in[i]);
    if (needed == 0) {
      ++i;
      if (b < 0x80) out.push_back(static_cast<char>(b));
      else if (b >= 0xc2 && b <= 0xdf) needed = 1, cp = b & 0x1f;
      else if (b >= 0xe0 && b <= 0xef) {
        if (b == 0xe0) lower = 0xa0;
        if (b == 0xed) upper = 0x9f;
        needed = 2, cp = b & 0xf;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b == 0xf0) lower = 0x90;
        if (b == 0xf4) upper = 0x8f;
        needed = 3, cp = b & 0x7;
      } else {
        out += "\xef\xbf\xbd";
      }
      continue;
    }
    if (b < lower || b > upper) {
      needed = seen = 0, cp = 0, lower = 0x80, upper = 0xbf;
      out += "\xef\xbf\xbd";
      continue;  // the byte is read again
    }
    ++i;
    lower = 0x80, upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen == needed) {
      sio::detail::append_utf8(out, cp);
      needed = seen = 0, cp = 0;
    }
  }
  if (needed) out += "\xef\xbf\xbd";
  return out;
}

}  // namespace

TEST_CASE("parse_json: lone surrogate escapes are kept and written back as JSON.stringify writes them") {
  // JSON.stringify(JSON.parse(x)) in Node gives each right-hand side.
  CHECK(reencoded(R"(["ok\udc00ok"])") == R"(["ok\udc00ok"])");
  CHECK(reencoded(R"(["\ud800"])") == R"(["\ud800"])");
  CHECK(reencoded(R"(["\uDBFF\uDFFF\uD800x"])") == "[\"\xf4\x8f\xbf\xbf\\ud800x\"]");
  CHECK(reencoded(R"(["\ud800\ud800\udc00"])") == "[\"\\ud800\xf0\x90\x80\x80\"]");
  CHECK(reencoded(R"(["\udc00\ud800"])") == R"(["\udc00\ud800"])");
  CHECK(reencoded(R"(["\ud800\u0041","\ud800\\","\ud800\n"])") == R"(["\ud800A","\ud800\\","\ud800\n"])");
  CHECK(reencoded(R"({"\udfff":"\ud83d\ude00"})") == "{\"\\udfff\":\"\xf0\x9f\x98\x80\"}");
  // The application sees a lone surrogate in its three-byte (WTF-8) form.
  const auto d = parse(R"(["ok\udc00ok","\ud800"])");
  CHECK(d[0].GetString() == "ok\xed\xb0\x80ok"s);
  CHECK(d[1].GetString() == "\xed\xa0\x80"s);
}

TEST_CASE("parse_json: escapes and UTF-8 as JSON.parse reads them") {
  const auto d = parse(R"(["\u00e9\u2713\ud83d\ude00\/\"\\\b\f\n\r\t\u0000", "h\u00C9", "caf)" "\xc3\xa9" R"("])");
  CHECK(std::string(d[0].GetString(), d[0].GetStringLength()) ==
        "\xc3\xa9\xe2\x9c\x93\xf0\x9f\x98\x80/\"\\\b\f\n\r\t"s + '\0');
  CHECK(d[1] == "h\xc3\x89");
  CHECK(d[2] == "caf\xc3\xa9");
}

TEST_CASE("parse_json: decode, encode, decode gives the same value, always as UTF-8") {
  const char* const texts[] = {
      R"(["ok\udc00ok","\ud800","\udbff\udfff","a\ud800\ud800b",{"\udc00":["\ud800"]}])",
      R"([0,-0,1e400,-1e400,1e-400,9007199254740993,18446744073709551616,0.1,-5e-324])",
      R"({"b":1,"1":2,"0":3,"b":[{"x":1,"x":{"y":2,"y":3}}]})",
  };
  for (const char* text : texts) {
    const std::string once = reencoded(text);
    INFO(once);
    CHECK(sio::detail::is_valid_utf8(once));
    CHECK(reencoded(once) == once);
  }
}

TEST_CASE("parse_json: numbers as JSON.parse reads them, with no overflow on any exponent") {
  // Right-hand sides from Node: JSON.stringify(JSON.parse(x)).
  CHECK(reencoded("[1e400,-1e400,1E+309,1.0e-2147483639,-1e-400,1e-2147483649]") == "[null,null,null,0,0,0]");
  CHECK(reencoded("[1e99999999999999999999999999999,1e-99999999999999999999999999999]") == "[null,0]");
  CHECK(reencoded("[0.00000000000000000000001e330,100000000000000000000000e-345]") == "[1e+307,1e-322]");
  CHECK(reencoded("[1.7976931348623158079e308,1.7976931348623158080e308]") == "[1.7976931348623157e+308,null]");
  CHECK(reencoded("[2.4703282292062328e-324,2.4703282292062327e-324]") == "[5e-324,0]");
  CHECK(reencoded("[9007199254740992,9007199254740993,-9007199254740993]") ==
        "[9007199254740992,9007199254740992,-9007199254740992]");
  CHECK(reencoded("[12345678901234567890,18446744073709551615,-9223372036854775808]") ==
        "[12345678901234567000,18446744073709552000,-9223372036854776000]");
  CHECK(reencoded("[1.0,2.50,1E3,0.1e1,-0,-0.0,0e5]") == "[1,2.5,1000,1,0,0,0]");
  const auto d = parse("[1e400,-1e400,-0,42,-42,9007199254740993]");
  CHECK(std::isinf(d[0].GetDouble()));
  CHECK(d[1].GetDouble() < 0);
  CHECK(std::signbit(d[2].GetDouble()));
  CHECK(d[3].IsUint64());
  CHECK(d[3].IsInt());
  CHECK(d[4].GetInt() == -42);
  CHECK(d[5].IsDouble());
  // An exponent far too long for any integer type.
  CHECK(reencoded("[1e" + std::string(10000, '9') + "]") == "[null]");
  CHECK(reencoded("[1e-" + std::string(10000, '9') + "]") == "[0]");
  CHECK(reencoded("[0." + std::string(400, '0') + "1e400]") == "[0.1]");
}

TEST_CASE("parse_json: what JSON.parse refuses is refused") {
  const char* const refused[] = {
      "", " ", "01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "1.e3", "0x10", "NaN", "Infinity", "-Infinity",
      "[1,]", "[,1]", "{\"a\":1,}", "{,}", "'a'", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"",
      "\"a\tb\"", "\"abc", "[", "]", "{", "{\"a\" 1}", "{\"a\":}", "{1:2}", "{a:1}", "tru", "nul", "True",
      "[1 2]", "1 2", "\xef\xbb\xbf" "1", "/*c*/1", "1//", "[1]x", "\"\\ud800\\u\"", "\x0b" "1", "\xa0" "1",
  };
  for (const char* text : refused) {
    INFO("input: " << text);
    CHECK_FALSE(parses(text));
  }
  CHECK_FALSE(parses("1\0"s));
  CHECK_FALSE(parses("\"a\0\""s));
  rapidjson::Document d;
  d.SetString("left over");
  CHECK_FALSE(spd::parse_json("[1,", d, depth));
  CHECK(d.IsNull());
  // And what it accepts is accepted.
  for (const char* text : {" \t\r\n[ 1 , { \"a\" : [ ] } , \"\\u0041\" ] \n", "0", "-0.5e-3", "\"\"", "{}", "[]",
                           "true", "false", "null", "\"\x7f\""}) {
    INFO("input: " << text);
    CHECK(parses(text));
  }
}

TEST_CASE("parse_json: nesting is bounded") {
  const auto nested = [](std::size_t n, const char* open, const char* inner, const char* close) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s += open;
    s += inner;
    for (std::size_t i = 0; i < n; ++i) s += close;
    return s;
  };
  rapidjson::Document d;
  CHECK(spd::parse_json(nested(3, "[", "", "]"), d, 3));
  CHECK_FALSE(spd::parse_json(nested(4, "[", "", "]"), d, 3));
  CHECK(spd::parse_json(nested(3, "{\"a\":", "1", "}"), d, 3));
  CHECK_FALSE(spd::parse_json(nested(3, "{\"a\":", "{}", "}"), d, 3));
  CHECK_FALSE(spd::parse_json(nested(3, "[", "[1]", "]"), d, 3));
  // Without a limit, depth costs heap, not stack.
  CHECK(spd::parse_json(nested(100000, "[", "", "]"), d, std::numeric_limits<std::size_t>::max()));
  CHECK(spd::parse_json(nested(100000, "{\"a\":[", "{\"b\":1,\"b\":2}", "]}"), d, std::numeric_limits<std::size_t>::max()));
}

TEST_CASE("parse_json: a repeated key keeps its last value at the place of its first, as JSON.parse does") {
  CHECK(reencoded(R"({"a":1,"b":2,"a":3})") == R"({"a":3,"b":2})");
  CHECK(reencoded(R"({"a":1,"a":2,"a":{"x":1,"x":2}})") == R"({"a":{"x":2}})");
  CHECK(reencoded(R"([{"k":1,"k\u0000":2,"k":3},{"\u0061":1,"a":2}])") == "[{\"k\":3,\"k\\u0000\":2},{\"a\":2}]");
  CHECK(reencoded(R"({"_placeholder":false,"_placeholder":true,"num":9})") == R"({"_placeholder":true,"num":9})");
  // Many keys: found by sorting, not by comparing every pair.
  std::string big = "{";
  for (int i = 0; i < 20000; ++i) big += "\"k" + std::to_string(i) + "\":" + std::to_string(i) + ",";
  big += "\"k7\":\"last\"}";
  const auto d = parse(big);
  CHECK(d.MemberCount() == 20000);
  CHECK(d["k7"] == "last");
  CHECK((d.MemberBegin() + 7)->name == "k7");
  CHECK((d.MemberBegin() + 19999)->name == "k19999");
}

TEST_CASE("parse_json: array-index keys come first in ascending order, as in a JavaScript object") {
  // Node: JSON.stringify(JSON.parse(x)).
  CHECK(reencoded(R"({"b":1,"1":2,"0":3,"b":4})") == R"({"0":3,"1":2,"b":4})");
  CHECK(reencoded(R"({"b":1,"4294967295":2,"4294967294":3,"01":4,"-1":5,"10":6,"9":7})") ==
        R"({"9":7,"10":6,"4294967294":3,"b":1,"4294967295":2,"01":4,"-1":5})");
  CHECK(reencoded(R"({"0":1,"1":2,"x":3})") == R"({"0":1,"1":2,"x":3})");
}

TEST_CASE("parse_json: an object holding the unambiguous key may not repeat any key") {
  const std::string_view key = "_placeholder";
  CHECK_FALSE(parses(R"({"_placeholder":false,"_placeholder":true,"num":9})", key));
  CHECK_FALSE(parses(R"([{"_placeholder":true,"num":0,"num":1}])", key));
  CHECK_FALSE(parses(R"({"a":[{"num":0,"_placeholder":true,"num":0}]})", key));
  CHECK_FALSE(parses(R"({"_placeholder":true,"_placeholder":true,"num":0})", key));
  // Repeats elsewhere, and objects without the key, are read as JSON.parse reads them.
  CHECK(json(parse(R"([{"_placeholder":true,"num":0},{"a":1,"a":2}])", key)) ==
        R"([{"_placeholder":true,"num":0},{"a":2}])");
  CHECK(json(parse(R"({"_placeholder":true,"num":0,"x":{"y":1,"y":2}})", key)) ==
        R"({"_placeholder":true,"num":0,"x":{"y":2}})");
}

TEST_CASE("append_json_string: lone surrogates are escaped, other ill-formed bytes become U+FFFD") {
  CHECK(string_literal("\xed\xa0\x80") == R"("\ud800")");
  CHECK(string_literal("ok\xed\xb0\x80ok") == R"("ok\udc00ok")");
  CHECK(string_literal("\xed\xbf\xbf\xed\xa0\x80") == R"("\udfff\ud800")");
  // A high and a low surrogate's forms side by side are one character, as in UTF-16.
  CHECK(string_literal("\xed\xa0\xbd\xed\xb8\x80") == "\"\xf0\x9f\x98\x80\"");
  CHECK(string_literal("\xff") == "\"\xef\xbf\xbd\"");
  CHECK(string_literal("a\xe2\x82z") == "\"a\xef\xbf\xbdz\"");          // truncated: one U+FFFD
  CHECK(string_literal("\xf0\x9f\x98") == "\"\xef\xbf\xbd\"");
  CHECK(string_literal("\xc0\xaf") == "\"\xef\xbf\xbd\xef\xbf\xbd\"");   // overlong: two
  CHECK(string_literal("\xed\xa0") == "\"\xef\xbf\xbd\xef\xbf\xbd\"");   // not a whole surrogate
  CHECK(string_literal("\xf4\x90\x80\x80") == "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
  CHECK(string_literal("\x80\"\xff\n") == "\"\xef\xbf\xbd\\\"\xef\xbf\xbd\\n\"");
  // Escapes and repairs on both sides of the eight-byte chunks the writer skips.
  CHECK(string_literal("0123456\"89abcdef\x01xyz01234567\xff") ==
        "\"0123456\\\"89abcdef\\u0001xyz01234567\xef\xbf\xbd\"");
  CHECK(string_literal("01234567\\") == R"("01234567\\")");
  CHECK(string_literal("\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x1f") == "\"\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f\\u001f\"");
}

TEST_CASE("append_json_string agrees with a WHATWG decoder on random bytes") {
  std::mt19937 rng(12345);
  const unsigned char alphabet[] = {'a', '"', '\\', 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2,
                                    0xdf, 0xe0, 0xe2, 0xed, 0xee, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>(alphabet[rng() % sizeof alphabet]));
    const std::string out = string_literal(s);
    INFO("input bytes: " << s.size());
    REQUIRE(sio::detail::is_valid_utf8(out));
    // What parse_json reads back is written again unchanged.
    REQUIRE(reencoded("[" + out + "]") == "[" + out + "]");
    bool surrogate_form = false;
    for (std::size_t i = 0; i < s.size(); ++i)
      surrogate_form |= sio::detail::wtf8_surrogate(reinterpret_cast<const unsigned char*>(s.data()) + i,
                                                     s.size() - i) != 0;
    if (!surrogate_form) REQUIRE(out == string_literal(whatwg_repaired(s)));
  }
}
