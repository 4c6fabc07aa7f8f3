#include "sio/operators.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "sio/server.hpp"
#include "support/server_fixture.hpp"

using namespace std::chrono_literals;
using sio::test::Three;

TEST_CASE("rooms and broadcast reach exactly their receivers, each once") {
  Three t;
  const std::string m = R"(42["m",1])";
  CHECK(t.by_name["a"].to("r1").emit("m", 1) == 1);
  CHECK(t.receivers(m) == "b");
  CHECK(t.io.in("r1").emit("m", 1) == 2);
  CHECK(t.receivers(m) == "ab");
  CHECK(t.io.except("r1").emit("m", 1) == 1);
  CHECK(t.receivers(m) == "c");
  t.by_name["a"].broadcast().emit("m", 1);
  CHECK(t.receivers(m) == "bc");
  t.io.emit("m", 1);
  CHECK(t.receivers(m) == "abc");
  t.by_name["c"].join("r1");
  t.by_name["c"].to("r1").to("r2").emit("m", 1);
  CHECK(t.receivers(m) == "ab");
  t.io.to("r1").to("r2").emit("m", 1);
  CHECK(t.receivers(m) == "abc");
  t.by_name["c"].leave("r1");
  t.io.to("r1").emit("m", 1);
  CHECK(t.receivers(m) == "ab");
  t.by_name["a"].except("r2").emit("m", 1);
  CHECK(t.receivers(m) == "b");
  // A socket's own id is a room.
  t.io.to(t.by_name["c"].id()).emit("m", 1);
  CHECK(t.receivers(m) == "c");
}

TEST_CASE("operators: fetch_sockets, sockets_join, sockets_leave, disconnect_sockets") {
  Three t;
  CHECK(t.io.in("r1").fetch_sockets().size() == 2);
  t.io.in("r1").sockets_join("r3");
  CHECK(t.io.in("r3").fetch_sockets().size() == 2);
  t.io.in("r3").sockets_leave("r1");
  CHECK(t.io.in("r1").fetch_sockets().empty());
  t.io.in("r2").disconnect_sockets();
  CHECK(t.c->next() == std::string("41"));
  CHECK(t.io.fetch_sockets().size() == 2);
}

TEST_CASE("broadcast with replies collects one per receiver, or times out") {
  Three t;
  std::vector<std::string> got;
  std::error_code ec;
  int calls = 0;
  t.io.timeout(1000ms).emit("q", [&](std::error_code e, std::vector<sio::Args>& replies) {
    ec = e;
    ++calls;
    for (auto& r : replies) got.push_back(r.get<std::string>(0));
  });
  for (auto* cl : {t.a.get(), t.b.get(), t.c.get()}) CHECK(cl->next() == std::string(R"(420["q"])"));
  t.a->send_text(R"(430["a"])");
  t.c->send_text(R"(430["c"])");
  CHECK(calls == 0);
  t.b->send_text(R"(430["b"])");
  CHECK(calls == 1);
  CHECK_FALSE(ec);
  CHECK(got == std::vector<std::string>{"a", "c", "b"});

  got.clear();
  t.io.to("r1").timeout(500ms).emit("q", [&](std::error_code e, std::vector<sio::Args>& replies) {
    ec = e;
    ++calls;
    for (auto& r : replies) got.push_back(r.get<std::string>(0));
  });
  t.a->send_text(R"(431["a"])");
  t.f.t.advance(500ms);
  CHECK(calls == 2);
  CHECK(ec == sio::error::timeout);
  CHECK(got == std::vector<std::string>{"a"});

  // No receiver: the callback runs at once with no replies.
  t.io.to("nobody").timeout(500ms).emit("q", [&](std::error_code e, std::vector<sio::Args>& replies) {
    ec = e;
    ++calls;
    CHECK(replies.empty());
  });
  t.f.t.run_pending();
  CHECK(calls == 3);
  CHECK_FALSE(ec);
}
