#include "sio/value.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

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
