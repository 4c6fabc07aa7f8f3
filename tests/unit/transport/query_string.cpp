#include "sio/transport/query_string.hpp"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>

using sio::transport::query_param;
using sio::transport::query_raw;
using sio::transport::url_decode;

TEST_CASE("query_raw: the first occurrence, raw") {
  const std::string_view q = "EIO=4&transport=polling&sid=abc&EIO=3";
  CHECK(query_raw(q, "EIO") == std::optional<std::string_view>("4"));
  CHECK(query_raw(q, "transport") == std::optional<std::string_view>("polling"));
  CHECK(query_raw(q, "sid") == std::optional<std::string_view>("abc"));
  CHECK_FALSE(query_raw(q, "t").has_value());
  CHECK_FALSE(query_raw("", "EIO").has_value());
}

TEST_CASE("query_raw: a key without '=' is present with an empty value, and wins as the first") {
  CHECK(query_raw("sid&sid=x", "sid") == std::optional<std::string_view>(""));
  CHECK(query_raw("sid=&sid=x", "sid") == std::optional<std::string_view>(""));
  CHECK(query_raw("a=1&&b=2", "b") == std::optional<std::string_view>("2"));
  CHECK(query_raw("a=1&&b=2", "") == std::optional<std::string_view>(""));
}

TEST_CASE("query_raw: keys and values are not decoded") {
  CHECK(query_raw("s%69d=a%20b", "sid") == std::nullopt);
  CHECK(query_raw("s%69d=a%20b", "s%69d") == std::optional<std::string_view>("a%20b"));
  CHECK(query_raw("x=a=b", "x") == std::optional<std::string_view>("a=b"));
}

TEST_CASE("url_decode: plus, percent escapes, and malformed escapes kept") {
  CHECK(url_decode("") == "");
  CHECK(url_decode("a+b") == "a b");
  CHECK(url_decode("%41%62%2f%2F") == "Ab//");
  CHECK(url_decode("J%C3%BCrgen") == "J\xC3\xBCrgen");
  CHECK(url_decode("%") == "%");
  CHECK(url_decode("%4") == "%4");
  CHECK(url_decode("a%2") == "a%2");
  CHECK(url_decode("%zz%4g") == "%zz%4g");
  CHECK(url_decode("%%41") == "%A");
  CHECK(url_decode("%2B") == "+");
  CHECK(url_decode("%00") == std::string(1, '\0'));
}

TEST_CASE("query_param: decoded key and value, the first match") {
  const std::string_view q = "name=J%C3%BCrgen&room=a+b&room=second&s%69d=1";
  CHECK(query_param(q, "name") == std::optional<std::string>("J\xC3\xBCrgen"));
  CHECK(query_param(q, "room") == std::optional<std::string>("a b"));
  CHECK(query_param(q, "sid") == std::optional<std::string>("1"));
  CHECK_FALSE(query_param(q, "none").has_value());
  CHECK_FALSE(query_param("", "x").has_value());
}

TEST_CASE("query_param: a key with no '=' gives an empty string") {
  CHECK(query_param("flag", "flag") == std::optional<std::string>(""));
  CHECK(query_param("flag&flag=1", "flag") == std::optional<std::string>(""));
  CHECK(query_param("x=a=b%3D", "x") == std::optional<std::string>("a=b="));
  CHECK(query_param("a&&b", "") == std::optional<std::string>(""));
  CHECK(query_param("a+b=c", "a b") == std::optional<std::string>("c"));
}
