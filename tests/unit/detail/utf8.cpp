#include "sio/detail/utf8.hpp"

#include <catch2/catch.hpp>

#include <string>

using sio::detail::is_valid_utf8;

namespace {
std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s.push_back(static_cast<char>(c));
  return s;
}
}  // namespace

TEST_CASE("is_valid_utf8 accepts well-formed text") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("hello"));
  CHECK(is_valid_utf8(std::string(1, '\0')));
  CHECK(is_valid_utf8("a longer ASCII string that crosses eight-byte chunks"));
  CHECK(is_valid_utf8("\xc3\xa9"));                  // é
  CHECK(is_valid_utf8("\xe2\x82\xac"));              // €
  CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));          // 😀
  CHECK(is_valid_utf8(bytes({0xc2, 0x80})));         // U+0080, smallest 2-byte
  CHECK(is_valid_utf8(bytes({0xdf, 0xbf})));         // U+07FF
  CHECK(is_valid_utf8(bytes({0xe0, 0xa0, 0x80})));   // U+0800
  CHECK(is_valid_utf8(bytes({0xed, 0x9f, 0xbf})));   // U+D7FF, just below the surrogates
  CHECK(is_valid_utf8(bytes({0xee, 0x80, 0x80})));   // U+E000, just above
  CHECK(is_valid_utf8(bytes({0xef, 0xbf, 0xbf})));   // U+FFFF
  CHECK(is_valid_utf8(bytes({0xf0, 0x90, 0x80, 0x80})));  // U+10000
  CHECK(is_valid_utf8(bytes({0xf4, 0x8f, 0xbf, 0xbf})));  // U+10FFFF
  CHECK(is_valid_utf8("12345678\xc3\xa9" "12345678\xe2\x82\xac"));
}

TEST_CASE("is_valid_utf8 rejects overlongs, surrogates, out-of-range and truncated sequences") {
  CHECK_FALSE(is_valid_utf8(bytes({0x80})));                    // lone continuation
  CHECK_FALSE(is_valid_utf8(bytes({0xbf})));
  CHECK_FALSE(is_valid_utf8(bytes({0xc0, 0xaf})));              // overlong '/'
  CHECK_FALSE(is_valid_utf8(bytes({0xc1, 0xbf})));
  CHECK_FALSE(is_valid_utf8(bytes({0xe0, 0x80, 0xaf})));        // overlong 3-byte
  CHECK_FALSE(is_valid_utf8(bytes({0xe0, 0x9f, 0xbf})));
  CHECK_FALSE(is_valid_utf8(bytes({0xf0, 0x80, 0x80, 0xaf})));  // overlong 4-byte
  CHECK_FALSE(is_valid_utf8(bytes({0xf0, 0x8f, 0xbf, 0xbf})));
  CHECK_FALSE(is_valid_utf8(bytes({0xed, 0xa0, 0x80})));        // U+D800
  CHECK_FALSE(is_valid_utf8(bytes({0xed, 0xbf, 0xbf})));        // U+DFFF
  CHECK_FALSE(is_valid_utf8(bytes({0xf4, 0x90, 0x80, 0x80})));  // U+110000
  CHECK_FALSE(is_valid_utf8(bytes({0xf5, 0x80, 0x80, 0x80})));
  CHECK_FALSE(is_valid_utf8(bytes({0xff})));
  CHECK_FALSE(is_valid_utf8(bytes({0xfe})));
  CHECK_FALSE(is_valid_utf8(bytes({0xc3})));                    // truncated
  CHECK_FALSE(is_valid_utf8(bytes({0xe2, 0x82})));
  CHECK_FALSE(is_valid_utf8(bytes({0xf0, 0x9f, 0x98})));
  CHECK_FALSE(is_valid_utf8(bytes({0xc3, 0x41})));              // bad continuation
  CHECK_FALSE(is_valid_utf8(bytes({0xe2, 0x82, 0x41})));
  CHECK_FALSE(is_valid_utf8(bytes({0xf0, 0x9f, 0x41, 0x80})));
  CHECK_FALSE(is_valid_utf8("12345678" + bytes({0xc3})));       // after an ASCII chunk
}

TEST_CASE("is_valid_utf8 agrees with a reference decoder on every 1- and 2-byte input and all 3-byte leads") {
  // Reference: decode by the Unicode definition and compare.
  auto reference = [](const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
      const auto c = static_cast<unsigned char>(s[i]);
      int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
      if (!len || i + static_cast<std::size_t>(len) > s.size()) return false;
      unsigned cp = len == 1 ? c : len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
      for (int k = 1; k < len; ++k) {
        const auto d = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((d & 0xc0) != 0x80) return false;
        cp = (cp << 6) | (d & 0x3f);
      }
      const unsigned min = len == 1 ? 0 : len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
      i += static_cast<std::size_t>(len);
    }
    return true;
  };
  for (int a = 0; a < 256; ++a) {
    const std::string one = bytes({a});
    REQUIRE(is_valid_utf8(one) == reference(one));
    for (int b = 0; b < 256; ++b) {
      const std::string two = bytes({a, b});
      REQUIRE(is_valid_utf8(two) == reference(two));
    }
  }
  for (int a = 0xe0; a < 0x100; ++a)
    for (int b = 0x70; b < 0xd0; ++b)
      for (int c : {0x41, 0x80, 0xbf, 0xc0}) {
        const std::string three = bytes({a, b, c});
        REQUIRE(is_valid_utf8(three) == reference(three));
        const std::string four = bytes({a, b, c, 0x80});
        REQUIRE(is_valid_utf8(four) == reference(four));
      }
}

TEST_CASE("utf8_maximal_subpart counts the bytes one U+FFFD stands for, as a WHATWG decoder does") {
  using sio::detail::utf8_maximal_subpart;
  const auto subpart = [](const std::string& s) {
    return utf8_maximal_subpart(reinterpret_cast<const unsigned char*>(s.data()), s.size());
  };
  CHECK(subpart(bytes({0x80})) == 1);
  CHECK(subpart(bytes({0xff, 0x80})) == 1);
  CHECK(subpart(bytes({0xc0, 0xaf})) == 1);        // C0 never starts a sequence
  CHECK(subpart(bytes({0xc3})) == 1);
  CHECK(subpart(bytes({0xe2, 0x82})) == 2);        // truncated: one replacement for both
  CHECK(subpart(bytes({0xe2, 0x82, 0x41})) == 2);
  CHECK(subpart(bytes({0xe0, 0x80, 0x80})) == 1);  // overlong: the second byte is out of range
  CHECK(subpart(bytes({0xed, 0xa0, 0x80})) == 1);  // a surrogate, in UTF-8 terms
  CHECK(subpart(bytes({0xf0, 0x9f, 0x98})) == 3);
  CHECK(subpart(bytes({0xf0, 0x9f, 0x98, 0x41})) == 3);
  CHECK(subpart(bytes({0xf4, 0x90, 0x80, 0x80})) == 1);
  CHECK(subpart(bytes({0xf0, 0x9f, 0x41})) == 2);
}

TEST_CASE("wtf8_surrogate reads the three-byte form of a surrogate and nothing else") {
  using sio::detail::wtf8_surrogate;
  const auto unit = [](const std::string& s) {
    return static_cast<unsigned>(wtf8_surrogate(reinterpret_cast<const unsigned char*>(s.data()), s.size()));
  };
  CHECK(unit(bytes({0xed, 0xa0, 0x80})) == 0xd800);
  CHECK(unit(bytes({0xed, 0xaf, 0xbf})) == 0xdbff);
  CHECK(unit(bytes({0xed, 0xb0, 0x80})) == 0xdc00);
  CHECK(unit(bytes({0xed, 0xbf, 0xbf, 0x41})) == 0xdfff);
  CHECK(unit(bytes({0xed, 0x9f, 0xbf})) == 0);      // U+D7FF, a character
  CHECK(unit(bytes({0xed, 0xa0})) == 0);            // truncated
  CHECK(unit(bytes({0xed, 0xa0, 0x41})) == 0);
  CHECK(unit(bytes({0xee, 0xa0, 0x80})) == 0);
}

TEST_CASE("append_utf8 writes every length, and surrogates in their three-byte form") {
  using sio::detail::append_utf8;
  std::string s;
  for (char32_t cp : {char32_t{0x41}, char32_t{0xe9}, char32_t{0x20ac}, char32_t{0x1f600}, char32_t{0x10ffff}})
    append_utf8(s, cp);
  CHECK(s == "A\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
  CHECK(is_valid_utf8(s));
  s.clear();
  append_utf8(s, 0xdc00);
  CHECK(s == bytes({0xed, 0xb0, 0x80}));
}
