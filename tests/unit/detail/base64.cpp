#include "sio/detail/base64.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {
std::string enc(std::string_view in) {
  std::string out;
  sio::detail::base64_encode(in, out);
  return out;
}
bool dec(std::string_view in, std::string& out) { return sio::detail::base64_decode(in, out); }
}  // namespace

TEST_CASE("base64_encode matches RFC 4648 test vectors") {
  CHECK(enc("") == "");
  CHECK(enc("f") == "Zg==");
  CHECK(enc("fo") == "Zm8=");
  CHECK(enc("foo") == "Zm9v");
  CHECK(enc("foob") == "Zm9vYg==");
  CHECK(enc("fooba") == "Zm9vYmE=");
  CHECK(enc("foobar") == "Zm9vYmFy");
  CHECK(enc(std::string("\x01\x02\x03\x04", 4)) == "AQIDBA==");
  CHECK(enc(std::string("\xff\xfe\xfd", 3)) == "//79");
  CHECK(enc(std::string("\xfb\xff", 2)) == "+/8=");
}

TEST_CASE("base64_encode appends to what the string holds") {
  std::string out = "b";
  sio::detail::base64_encode("foo", out);
  CHECK(out == "bZm9v");
}

TEST_CASE("base64_decode inverts base64_encode for every length and byte") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n = 0; n <= all.size(); ++n) {
    const std::string in = all.substr(all.size() - n);
    std::string out = "x";
    REQUIRE(dec(enc(in), out));
    CHECK(out == "x" + in);
  }
}

TEST_CASE("base64_decode accepts the padded forms Node writes") {
  std::string out;
  CHECK(dec("", out));
  CHECK(out.empty());
  CHECK(dec("Zg==", out));
  CHECK(out == "f");
  out.clear();
  CHECK(dec("Zm8=", out));
  CHECK(out == "fo");
  out.clear();
  CHECK(dec("AQIDBA==", out));
  CHECK(out == std::string("\x01\x02\x03\x04", 4));
}

TEST_CASE("base64_decode rejects malformed input and leaves the output as it was") {
  for (const char* bad : {"Z", "Zg", "Zg=", "Zm9", "Zg===", "====", "Z===", "=Zg=", "Zg=a", "Z=g=", "Zm9v=",
                          "Zm 9v", "Zm9v\n", "Zm-v", "Zm_v", "Zm9v*AAA", "Zh==", "Zm9=", "AQIDBB==",
                          "\xc3\xa9\xc3\xa9"}) {
    std::string out = "keep";
    CHECK_FALSE(dec(bad, out));
    CHECK(out == "keep");
  }
}
