// The sio server of the benchmark: the contract every server under test serves.
//   "echo"      acknowledged with its arguments
//   "broadcast" emitted to every client as "bcast"
// One I/O thread, as the main comparison asks.
//
// Usage: sio_bench_server [--port P] [--address A] [--read-buffer BYTES]
//                         [--ping-interval MS] [--ping-timeout MS]
// Prints "listening <port>" once it accepts connections; SIGTERM or SIGINT stops it.

#include <sio.hpp>

#include <asio/signal_set.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  std::uint16_t port = 0;
  std::string address = "127.0.0.1";
  sio::transport::WebsocketppOptions transport_options;
  sio::ServerOptions options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const char* v = argv[i + 1];
    if (a == "--port") port = static_cast<std::uint16_t>(std::atoi(v));
    else if (a == "--address") address = v;
    else if (a == "--read-buffer") transport_options.read_buffer_size = std::strtoul(v, nullptr, 10);
    else if (a == "--ping-interval") options.ping_interval = std::chrono::milliseconds(std::atol(v));
    else if (a == "--ping-timeout") options.ping_timeout = std::chrono::milliseconds(std::atol(v));
    else {
      std::fprintf(stderr, "usage: %s [--port P] [--address A] [--read-buffer BYTES] [--ping-interval MS] [--ping-timeout MS]\n", argv[0]);
      return 2;
    }
  }

  // A concurrency hint of 1: the io_context runs on this one thread and can skip its locking.
  asio::io_context ioc(1);
  sio::transport::websocketpp transport(ioc, transport_options);
  sio::Server<sio::transport::websocketpp> io(transport, options);

  io.on("connection", [&io](sio::Socket socket) {
    socket.on("echo", [](sio::Args args, sio::Ack ack) { ack(args); });
    socket.on("broadcast", [&io](sio::Args args) { io.emit("bcast", args); });
  });

  if (auto ec = io.listen(port, address)) {
    std::fprintf(stderr, "cannot listen on %s:%u: %s\n", address.c_str(), static_cast<unsigned>(port), ec.message().c_str());
    return 1;
  }
  std::printf("listening %u\n", static_cast<unsigned>(transport.local_port()));
  std::fflush(stdout);

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    io.close();
    transport.close();
    ioc.stop();
  });
  ioc.run();
  return 0;
}
