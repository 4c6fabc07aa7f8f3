#include "sio/args.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <string>
#include <string_view>

#include "sio/protocol/packet.hpp"
#include "sio/server.hpp"
#include "support/server_fixture.hpp"
#include "support/sio_client.hpp"

using sio::test::Client;
using sio::test::Fixture;
using Server = sio::test::MemoryServer;

namespace {
// A packet as the server receives it, through the default decoder; `attachments` are fed after
// the text, in order.
std::shared_ptr<const sio::protocol::Packet> received(std::string_view text, std::initializer_list<std::string_view> attachments = {}) {
  sio::protocol::Decoder decoder;
  REQUIRE_FALSE(decoder.feed_text(text));
  for (auto a : attachments) REQUIRE_FALSE(decoder.feed_binary(a));
  REQUIRE(decoder.ready());
  return decoder.take_shared();
}

// The message of the ArgumentError `fn` throws (REQUIREs that it throws one).
template <class F>
std::string argument_error(F fn) {
  try {
    fn();
  } catch (const sio::ArgumentError& e) {
    return e.what();
  }
  FAIL("no sio::ArgumentError thrown");
  return {};
}
}  // namespace

TEST_CASE("Args::get reports type mismatches clearly and the handler's throw is logged") {
  Fixture f;
  Server io(f.t, f.options());
  io.on("connection", [](sio::Socket s) { s.on("n", [](sio::Args a) { (void)a.get<int>(0); }); });
  Client c(f.t);
  c.connect();
  c.send_text(R"(42["n","not a number"])");
  REQUIRE_FALSE(f.log.empty());
  CHECK(f.log.back().find("argument 0: expected integer in range, got string") != std::string::npos);
  CHECK_FALSE(c.closed());
}

TEST_CASE("an empty Args has no argument and throws on access") {
  sio::Args none;
  CHECK(none.size() == 0);
  CHECK(none.empty());
  CHECK_FALSE(none.packet());
  CHECK_FALSE(none.try_get<int>(0));
  CHECK_FALSE(none.is_binary(0));
  CHECK(argument_error([&] { (void)none[0]; }) == "argument 0: missing (0 given)");
  CHECK(argument_error([&] { (void)none.get<std::string>(0); }) == "argument 0: missing (0 given)");
}

TEST_CASE("Args skips the event name and converts each argument") {
  auto packet = received(R"(2["e",1,true,2.5,"s",-7,9007199254740992,null,[1],{"k":1}])");
  sio::Args a(packet, 1);
  CHECK(a.offset() == 1);
  CHECK(a.packet() == packet);
  CHECK(a.size() == 9);
  CHECK(a.get<int>(0) == 1);
  CHECK(a.get<double>(0) == 1.0);
  CHECK(a.get<bool>(1));
  CHECK(a.get<double>(2) == 2.5);
  CHECK(a.get<float>(2) == 2.5f);
  CHECK(a.get<std::string>(3) == "s");
  CHECK(a.get<std::string_view>(3) == "s");
  CHECK(a.get<std::int8_t>(4) == -7);
  CHECK(a.get<std::uint64_t>(5) == 9007199254740992u);
  // Beyond 2^53 a number is a double, as in JavaScript: not an integer any more.
  const sio::Args big(received(R"(2["e",18446744073709551615])"), 1);
  CHECK(big.get<double>(0) == 18446744073709551616.0);
  CHECK_FALSE(big.try_get<std::uint64_t>(0));
  CHECK(a[6].IsNull());
  CHECK(a[7].IsArray());
  CHECK(a[8]["k"].GetInt() == 1);
  // The whole packet, name included, when the offset is 0.
  CHECK(sio::Args(packet, 0).get<std::string>(0) == "e");
  // An offset past the end leaves no argument.
  CHECK(sio::Args(packet, 99).empty());
}

TEST_CASE("Args::get names the type it wanted and the one it found, and try_get gives nothing") {
  auto packet = received(R"(2["e",1,true,2.5,"s",-7,9007199254740992,null,[1],{"k":1},300])");
  sio::Args a(packet, 1);
  CHECK(argument_error([&] { (void)a.get<std::string>(0); }) == "argument 0: expected string, got integer");
  CHECK(argument_error([&] { (void)a.get<int>(1); }) == "argument 1: expected integer in range, got boolean");
  CHECK(argument_error([&] { (void)a.get<int>(2); }) == "argument 2: expected integer in range, got number");
  CHECK(argument_error([&] { (void)a.get<bool>(3); }) == "argument 3: expected boolean, got string");
  CHECK(argument_error([&] { (void)a.get<double>(6); }) == "argument 6: expected number, got null");
  CHECK(argument_error([&] { (void)a.get<int>(7); }) == "argument 7: expected integer in range, got array");
  CHECK(argument_error([&] { (void)a.get<int>(8); }) == "argument 8: expected integer in range, got object");
  CHECK(argument_error([&] { (void)a.get<int>(10); }) == "argument 10: missing (10 given)");
  // Integers are range checked, both ways.
  CHECK(argument_error([&] { (void)a.get<unsigned>(4); }) == "argument 4: expected integer in range, got integer");
  CHECK(argument_error([&] { (void)a.get<std::int32_t>(5); }) == "argument 5: expected integer in range, got integer");
  CHECK(argument_error([&] { (void)a.get<std::uint8_t>(9); }) == "argument 9: expected integer in range, got integer");
  CHECK(a.get<std::uint16_t>(9) == 300);

  CHECK(a.try_get<int>(0) == 1);
  CHECK(a.try_get<std::string_view>(3) == std::string_view("s"));
  CHECK_FALSE(a.try_get<std::string>(0));
  CHECK_FALSE(a.try_get<std::uint8_t>(9));
  CHECK_FALSE(a.try_get<int>(10));
}

TEST_CASE("Args gives the bytes of binary arguments and of nested placeholders") {
  auto packet = received(R"(51-["e",{"_placeholder":true,"num":0},{"deep":[{"_placeholder":true,"num":0}]},3])",
                         {std::string_view("\x00\x01", 2)});
  sio::Args a(packet, 1);
  REQUIRE(a.size() == 3);
  CHECK(a.is_binary(0));
  CHECK(a.binary(0) == std::string_view("\x00\x01", 2));
  CHECK(a.attachment_index(a[0]) == std::size_t{0});
  CHECK_FALSE(a.is_binary(1));
  CHECK(a.attachment(a[1]["deep"][0]) == std::string_view("\x00\x01", 2));
  CHECK(argument_error([&] { (void)a.binary(1); }) == "not a binary attachment");
  CHECK(argument_error([&] { (void)a.get<int>(0); }) == "argument 0: expected integer in range, got binary");
  CHECK_FALSE(a.is_binary(2));
  CHECK_FALSE(a.is_binary(3));
}
