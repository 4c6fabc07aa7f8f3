// Links sio and runs one event with an acknowledgement over the in-memory transport.
#include <sio.hpp>

#include <cstdio>

int main() {
  asio::io_context ioc;
  sio::transport::memory transport(ioc);
  sio::Server<sio::transport::memory> io(transport);
  io.on("connection", [](sio::Socket socket) {
    socket.on("hello", [](sio::Args args, sio::Ack ack) {
      if (ack) ack(args.get<int>(0) + 1);
    });
  });

  auto client = transport.connect("/socket.io/?EIO=4&transport=websocket");
  client->send_text("40");
  client->send_text(R"(421["hello",41])");
  for (const auto& frame : client->received()) {
    if (frame.data == "431[42]") {
      std::puts("sio: ok");
      return 0;
    }
  }
  std::puts("sio: no acknowledgement");
  return 1;
}
