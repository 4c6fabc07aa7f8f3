// The application every consumer project builds: it includes <sio.hpp>, serves one Socket.IO
// client over the in-memory transport, and binds a port with the websocketpp transport, the
// compiled part of sio, so that a missing or mismatched library fails to link or to run.

#include <sio.hpp>

#include <cstdio>
#include <string>

#ifndef SIO_CONSUMER_STANDARD
#error "SIO_CONSUMER_STANDARD must be the C++ standard this consumer is built as (17, 20 or 23)"
#endif

// The standard the build system was asked for is the one the compiler was given.
#if SIO_CONSUMER_STANDARD == 17
static_assert(__cplusplus == 201703L, "not built as C++17");
#elif SIO_CONSUMER_STANDARD == 20
static_assert(__cplusplus == 202002L, "not built as C++20");
#elif SIO_CONSUMER_STANDARD == 23
static_assert(__cplusplus > 202002L, "not built as C++23");
#else
#error "unknown SIO_CONSUMER_STANDARD"
#endif

namespace {

int fail(const std::string& what) {
  std::fprintf(stderr, "consumer (C++%d): %s\n", SIO_CONSUMER_STANDARD, what.c_str());
  return 1;
}

}  // namespace

int main() {
  asio::io_context ioc;

  sio::transport::memory transport(ioc);
  sio::Server<sio::transport::memory> io(transport);
  io.on("connection", [](sio::Socket socket) {
    socket.on("hello", [](sio::Socket, sio::Args args, sio::Ack ack) {
      if (ack) ack("hello, " + args.get<std::string>(0));
    });
  });

  auto client = transport.connect("/socket.io/?EIO=4&transport=websocket");
  if (!client->accepted()) return fail("the WebSocket was refused");
  client->send_text("40");
  client->send_text(R"(421["hello","consumer"])");
  bool replied = false;
  for (const auto& frame : client->received()) replied = replied || frame.data == R"(431["hello, consumer"])";
  if (!replied) return fail("no acknowledgement for the event");

  sio::transport::websocketpp network(ioc);
  if (auto ec = network.listen(0, "127.0.0.1")) return fail("listen on 127.0.0.1 failed: " + ec.message());
  if (network.local_port() == 0) return fail("no port bound");
  network.close();

  std::printf("consumer (C++%d): ok\n", SIO_CONSUMER_STANDARD);
  return 0;
}
