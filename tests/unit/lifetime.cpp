// Handles outlive their connection and their server: every call on them afterwards does nothing,
// says so, and touches no freed memory (the ASan build checks the last part).
#include "sio/server.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <asio/use_future.hpp>

#include "sio/transport/memory.hpp"
#include "unit/support/sio_client.hpp"

using namespace std::chrono_literals;
using sio::test::Client;

namespace {
template <class T>
std::error_code error_of(std::future<T>& fut) {
  try {
    fut.get();
  } catch (const std::system_error& e) {
    return e.code();
  }
  return {};
}
}  // namespace

TEST_CASE("handles and pending replies held past the server's end report that it is gone") {
  asio::io_context ioc;
  sio::transport::memory t(ioc);
  std::optional<sio::Server<sio::transport::memory>> io(std::in_place, t);

  sio::Socket sock;
  sio::Ack held;
  io->on("connection", [&](sio::Socket s) {
    sock = s;
    s.join("r");
    s.on("q", [&](sio::Args, sio::Ack ack) { held = ack; });
  });
  Client c(t);
  c.connect();
  c.send_text(R"(421["q"])");
  REQUIRE(held);

  sio::Namespace nsp = io->sockets();
  sio::BroadcastOperator op = io->to("r");
  std::optional<std::error_code> reply_error, broadcast_error;
  sock.emit("question", [&](std::error_code ec, sio::Args) { reply_error = ec; });
  op.timeout(10s).emit("all?", [&](std::error_code ec, std::vector<sio::Args>) { broadcast_error = ec; });
  auto reply_future = sock.emit_with_ack("question", asio::use_future);
  c.drain();

  io.reset();  // the server goes; the handles stay

  // Replies that were awaited complete, with server_gone.
  REQUIRE(reply_error);
  CHECK(*reply_error == sio::error::server_gone);
  REQUIRE(broadcast_error);
  CHECK(*broadcast_error == sio::error::server_gone);
  REQUIRE(reply_future.wait_for(0s) == std::future_status::ready);
  CHECK(error_of(reply_future) == sio::error::server_gone);

  // The socket: what it was is still readable; what it does is refused.
  CHECK(sock.id().size() == 20);
  CHECK(sock.nsp() == "/");
  CHECK_FALSE(sock.connected());
  CHECK(sock.rooms().empty());
  CHECK(sock.emit("late") == sio::SendStatus::disconnected);
  std::optional<std::error_code> late_reply;
  CHECK(sock.emit("late", [&](std::error_code ec, sio::Args) { late_reply = ec; }) == sio::SendStatus::disconnected);
  REQUIRE(late_reply);
  CHECK(*late_reply == sio::error::server_gone);
  auto late_future = sock.timeout(1s).emit_with_ack("late", asio::use_future);
  CHECK(error_of(late_future) == sio::error::server_gone);
  sock.join("x");
  sock.leave("r");
  sock.disconnect(true);
  sock.on("anything", [] {});
  CHECK(sock.handshake().headers().empty());
  CHECK(sock.handshake().address().empty());
  CHECK(sock.details().id.empty());

  // The client's ack: not sent, said so.
  CHECK_FALSE(held);
  CHECK(held("late") == sio::SendStatus::disconnected);

  // The namespace and the operator.
  CHECK(nsp.name() == "/");
  CHECK(nsp.size() == 0);
  CHECK_FALSE(nsp.socket(sock.id()));
  CHECK(nsp.emit("late") == 0);
  CHECK(op.emit("late") == 0);
  CHECK(nsp.fetch_sockets().empty());
  CHECK_THROWS_AS(nsp.adapter(), std::logic_error);
  auto fetched = op.fetch_sockets(asio::use_future);
  CHECK(error_of(fetched) == sio::error::server_gone);
  auto acks = nsp.timeout(1s).emit_with_ack("late", asio::use_future);
  CHECK(error_of(acks) == sio::error::server_gone);
  auto side = nsp.server_side_emit_with_ack("late", asio::use_future);
  CHECK(error_of(side) == sio::error::server_gone);
  op.sockets_join("y");
  op.sockets_leave("y");
  op.disconnect_sockets(true);
  nsp.use([](sio::Socket, sio::Next next) { next(); });
  nsp.on("connection", [](sio::Socket) {});

  // From another thread too: nothing is left to post to, so the call reports at once.
  sio::SendStatus from_thread = sio::SendStatus::sent;
  std::error_code thread_reply;
  std::thread worker([&] {
    from_thread = sock.emit("late");
    auto f = sock.emit_with_ack("late", asio::use_future);
    thread_reply = error_of(f);
  });
  worker.join();
  CHECK(from_thread == sio::SendStatus::disconnected);
  CHECK(thread_reply == sio::error::server_gone);
}

TEST_CASE("calls posted from another thread and not yet run when the server goes still report") {
  asio::io_context ioc;
  sio::transport::memory t(ioc);
  std::optional<sio::Server<sio::transport::memory>> io(std::in_place, t);
  sio::Socket sock;
  io->on("connection", [&](sio::Socket s) { sock = s; });
  Client c(t);
  c.connect();

  std::future<sio::Args> pending;
  std::thread worker([&] { pending = sock.emit_with_ack("q", asio::use_future); });
  worker.join();
  // The emit waits in the server's queue for the I/O thread, which never gets to it.
  io.reset();
  REQUIRE(pending.wait_for(0s) == std::future_status::ready);
  CHECK(error_of(pending) == sio::error::server_gone);
}
