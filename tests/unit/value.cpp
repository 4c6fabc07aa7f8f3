#include "sio/value.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

#include "sio/server.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

TEST_CASE("emit writes every kind of value") {
  Fixture f;
  Server io(f.t, f.options());
  rapidjson::Document doc;
  doc.Parse(R"({"k":[1,2.5,"s"]})");
  io.on("connection", [&](sio::Socket s) {
    s.emit("v", nullptr, true, false, -3, 4u, 2.5, 3.0, "str", std::string("s2"), std::string_view("s3"),
           sio::array{1, "x", sio::object{{"a", nullptr}}}, doc, sio::Value(sio::object{{"q\"", "\n"}}));
  });
  Client c(f.t);
  c.connect();
  CHECK(c.next() == std::string(R"(42["v",null,true,false,-3,4,2.5,3,"str","s2","s3",[1,"x",{"a":null}],{"k":[1,2.5,"s"]},{"q\"":"\n"}])"));
}

TEST_CASE("emit repairs strings that are not UTF-8, so every text frame is UTF-8") {
  Fixture f;
  Server io(f.t, f.options());
  io.on("connection", [&](sio::Socket s) {
    s.emit("e", std::string("\xff"), "a\xe2\x82z", sio::object{{"k\xc0", "\xed\xa0\x80"}},
           sio::array{std::string_view("ok\xed\xb0\x80ok")});
    s.emit("name\xfe");
    // A received lone surrogate (its WTF-8 form in a std::string) goes back as the same escape.
    s.on("echo", [](sio::Socket s2, sio::Args a) { s2.emit("echo-back", a, a.get<std::string>(0)); });
  });
  Client c(f.t);
  c.connect();
  CHECK(c.next() == std::string("42[\"e\",\"\xef\xbf\xbd\",\"a\xef\xbf\xbdz\",{\"k\xef\xbf\xbd\":\"\\ud800\"},"
                                "[\"ok\\udc00ok\"]]"));
  CHECK(c.next() == std::string("42[\"name\xef\xbf\xbd\"]"));
  c.send_text(R"(42["echo","ok\udc00ok","\ud800"])");
  CHECK(c.next() == std::string(R"(42["echo-back","ok\udc00ok","\ud800","ok\udc00ok"])"));
}

namespace {
template <class T>
const T& held(const sio::Value& v) {
  REQUIRE(std::holds_alternative<T>(v.storage()));
  return std::get<T>(v.storage());
}
}  // namespace

TEST_CASE("a Value keeps each kind of C++ value in its own alternative") {
  CHECK(std::holds_alternative<std::nullptr_t>(sio::Value().storage()));
  CHECK(std::holds_alternative<std::nullptr_t>(sio::Value(nullptr).storage()));
  CHECK(held<bool>(sio::Value(true)));
  CHECK_FALSE(held<bool>(sio::Value(false)));
  // Signed integers widen to int64, unsigned ones to uint64, so that no value is lost.
  CHECK(held<std::int64_t>(sio::Value(-3)) == -3);
  CHECK(held<std::int64_t>(sio::Value(std::int8_t{-1})) == -1);
  CHECK(held<std::uint64_t>(sio::Value(4u)) == 4u);
  CHECK(held<std::uint64_t>(sio::Value(std::uint8_t{255})) == 255u);
  CHECK(held<std::uint64_t>(sio::Value(UINT64_MAX)) == UINT64_MAX);
  CHECK(held<double>(sio::Value(2.5f)) == 2.5);
  CHECK(held<double>(sio::Value(3.0)) == 3.0);
  CHECK(held<std::string>(sio::Value("c")) == "c");
  CHECK(held<std::string>(sio::Value(std::string("s"))) == "s");
  CHECK(held<std::string>(sio::Value(std::string_view("v"))) == "v");
  CHECK(held<sio::Binary>(sio::Value(sio::Binary("b"))).bytes() == "b");
}

TEST_CASE("a Value owns a copy of what it was made from") {
  std::string text = "view";
  sio::Value from_view{std::string_view(text)};
  rapidjson::Document doc;
  doc.Parse(R"({"k":[1,2]})");
  sio::Value from_json(doc);
  text = "changed";
  doc.SetNull();
  CHECK(held<std::string>(from_view) == "view");
  const auto& copy = held<std::shared_ptr<const rapidjson::Document>>(from_json);
  REQUIRE(copy);
  REQUIRE(copy->IsObject());
  CHECK((*copy)["k"][1].GetInt() == 2);
  // Copies of a Value share the immutable JSON copy rather than copying it again.
  sio::Value again = from_json;
  CHECK(held<std::shared_ptr<const rapidjson::Document>>(again) == copy);
}

TEST_CASE("sio::array and sio::object keep their elements in order") {
  sio::Value v(sio::array{1, "x", sio::object{{"b", true}, {"a", nullptr}}});
  const auto& a = held<sio::array>(v);
  REQUIRE(a.items.size() == 3);
  CHECK(held<std::int64_t>(a.items[0]) == 1);
  CHECK(held<std::string>(a.items[1]) == "x");
  const auto& o = held<sio::object>(a.items[2]);
  REQUIRE(o.members.size() == 2);
  CHECK(o.members[0].first == "b");
  CHECK(held<bool>(o.members[0].second));
  CHECK(o.members[1].first == "a");
  CHECK(std::holds_alternative<std::nullptr_t>(o.members[1].second.storage()));
  CHECK(held<sio::array>(sio::Value(sio::array{})).items.empty());
  CHECK(held<sio::object>(sio::Value(sio::object{})).members.empty());
}

TEST_CASE("sio::Binary copies or takes its bytes, NUL bytes included") {
  const char raw[] = {'a', '\0', 'b'};
  CHECK(sio::Binary(raw, sizeof raw).bytes() == std::string_view(raw, 3));
  CHECK(sio::Binary(std::string_view(raw, 3)).size() == 3);
  CHECK(sio::Binary("text").bytes() == "text");
  CHECK(sio::Binary(std::vector<std::uint8_t>{1, 0, 2}).bytes() == std::string_view("\x01\x00\x02", 3));
  CHECK(sio::Binary(std::vector<char>{'x', 'y'}).bytes() == "xy");
  CHECK(sio::Binary().size() == 0);
  std::string big(1000, 'z');
  const char* data = big.data();
  sio::Binary taken(std::move(big));
  CHECK(taken.size() == 1000);
  // release() hands the buffer on without a copy.
  std::string out = std::move(taken).release();
  CHECK(out.data() == data);
  CHECK(out.size() == 1000);
}
