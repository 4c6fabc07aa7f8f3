#include "sio/transport/mount_table.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>

using sio::transport::Mount;
using sio::transport::MountOptions;
using sio::transport::MountTable;

namespace {

// A handler that is never called: the table only keeps its address.
struct Inert final : sio::transport::Handler {
  void on_http(std::shared_ptr<sio::transport::HttpExchange>) override {}
  void on_http_aborted(sio::transport::HttpExchange&) override {}
  void on_ws_open(std::shared_ptr<sio::transport::WsConnection>, sio::transport::HttpRequest) override {}
  void on_ws_message(sio::transport::WsConnection&, std::string_view, bool) override {}
  void on_ws_close(sio::transport::WsConnection&, std::error_code) override {}
};

MountOptions limit(std::size_t n) {
  MountOptions o;
  o.max_payload = n;
  return o;
}

}  // namespace

TEST_CASE("mount table: the longest matching prefix wins") {
  Inert a, b;
  MountTable t;
  CHECK(t.empty());
  CHECK(t.find("/socket.io/") == nullptr);
  t.mount("/", a, {});
  t.mount("/socket.io/", b, {});
  CHECK(t.size() == 2);
  CHECK(t.find("/socket.io/")->handler == &b);
  CHECK(t.find("/socket.io/x")->handler == &b);
  CHECK(t.find("/socket.io")->handler == &a);
  CHECK(t.find("/other")->handler == &a);
  CHECK(t.find("")  == nullptr);
  // Order of mounting does not matter.
  MountTable u;
  u.mount("/socket.io/", b, {});
  u.mount("/", a, {});
  CHECK(u.find("/socket.io/")->handler == &b);
}

TEST_CASE("mount table: unmount nulls the handler of the entry that holders keep") {
  Inert a, b;
  MountTable t;
  const std::shared_ptr<Mount> held = t.mount("/engine.io/", a, limit(10));
  CHECK(held->path == "/engine.io/");
  CHECK(held->options.max_payload == 10);
  CHECK(t.find("/engine.io/") == held);
  CHECK(t.unmount("/nope") == nullptr);
  CHECK(t.unmount("/engine.io") == nullptr);  // exact paths only
  const std::shared_ptr<Mount> gone = t.unmount("/engine.io/");
  CHECK(gone == held);
  CHECK(held->handler == nullptr);
  CHECK(t.find("/engine.io/") == nullptr);
  CHECK(t.empty());
  CHECK(t.unmount("/engine.io/") == nullptr);
  // A new mount at the same path is a new entry: what kept the old one stays cut off.
  const std::shared_ptr<Mount> again = t.mount("/engine.io/", b, {});
  CHECK(again != held);
  CHECK(again->handler == &b);
  CHECK(held->handler == nullptr);
}

TEST_CASE("mount table: mounting a path again replaces its entry") {
  Inert a, b;
  MountTable t;
  const std::shared_ptr<Mount> first = t.mount("/x/", a, {});
  const std::shared_ptr<Mount> second = t.mount("/x/", b, {});
  CHECK(t.size() == 1);
  CHECK(first->handler == nullptr);
  CHECK(t.find("/x/") == second);
  CHECK(second->handler == &b);
}

TEST_CASE("mount table: clear cuts every entry off") {
  Inert a, b;
  MountTable t;
  auto m1 = t.mount("/a/", a, {});
  auto m2 = t.mount("/b/", b, {});
  t.clear();
  CHECK(t.empty());
  CHECK(m1->handler == nullptr);
  CHECK(m2->handler == nullptr);
  CHECK(t.find("/a/") == nullptr);
}

TEST_CASE("mount table: the largest max_payload, with a floor") {
  Inert a, b;
  MountTable t;
  CHECK(t.largest_max_payload(100) == 100);
  t.mount("/a/", a, limit(50));
  CHECK(t.largest_max_payload(100) == 100);
  t.mount("/b/", b, limit(5000));
  CHECK(t.largest_max_payload(100) == 5000);
  t.unmount("/b/");
  CHECK(t.largest_max_payload(100) == 100);
}
