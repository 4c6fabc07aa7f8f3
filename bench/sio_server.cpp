// The sio server of the benchmark: the contract every server under test serves.
//   "echo"      acknowledged with its arguments
//   "broadcast" emitted to every client as "bcast"
// One I/O thread, as the main comparison asks. With --threads N, N servers, each with its own
// thread, io_context and transport, listen on the same port (SO_REUSEPORT) and the kernel spreads
// the clients among them; a broadcast is emitted on every server (an emit is safe from any
// thread), so every client still receives it.
//
// Usage: sio_bench_server [--port P] [--address A] [--read-buffer BYTES]
//                         [--ping-interval MS] [--ping-timeout MS] [--threads N]
// Prints "listening <port>" once it accepts connections; SIGTERM or SIGINT stops it.

#include <sio.hpp>

#include <asio/post.hpp>
#include <asio/signal_set.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

/// One I/O thread's server.
struct Loop {
  explicit Loop(const sio::transport::WebsocketppOptions& transport_options, const sio::ServerOptions& options)
      : ioc(1),  // a concurrency hint of 1: the io_context runs on one thread and can skip its locking
        transport(ioc, transport_options),
        io(transport, options) {}
  asio::io_context ioc;
  sio::transport::websocketpp transport;
  sio::Server<sio::transport::websocketpp> io;
};

}  // namespace

int main(int argc, char** argv) {
  std::uint16_t port = 0;
  std::string address = "127.0.0.1";
  int threads = 1;
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
    else if (a == "--threads") threads = std::max(1, std::atoi(v));
    else {
      std::fprintf(stderr, "usage: %s [--port P] [--address A] [--read-buffer BYTES] [--ping-interval MS] [--ping-timeout MS] [--threads N]\n", argv[0]);
      return 2;
    }
  }
  if (threads > 1) {
    transport_options.reuse_port = true;
    // A polling session's requests could reach another server: WebSocket only.
    options.transports = {"websocket"};
  }

  std::vector<std::unique_ptr<Loop>> loops;
  for (int t = 0; t < threads; ++t) loops.push_back(std::make_unique<Loop>(transport_options, options));
  for (auto& loop : loops) {
    loop->io.on("connection", [&loops](sio::Socket socket) {
      socket.on("echo", [](sio::Args args, sio::Ack ack) { ack(args); });
      socket.on("broadcast", [&loops](sio::Args args) {
        for (auto& l : loops) l->io.emit("bcast", args);
      });
    });
    if (auto ec = loop->io.listen(port, address)) {
      std::fprintf(stderr, "cannot listen on %s:%u: %s\n", address.c_str(), static_cast<unsigned>(port), ec.message().c_str());
      return 1;
    }
    port = loop->transport.local_port();  // the others join the first one's port
  }
  std::printf("listening %u\n", static_cast<unsigned>(port));
  std::fflush(stdout);

  asio::signal_set signals(loops.front()->ioc, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    for (auto& loop : loops) {
      asio::post(loop->ioc, [&l = *loop] {
        l.io.close();
        l.transport.close();
        l.ioc.stop();
      });
    }
  });
  std::vector<std::thread> others;
  for (std::size_t t = 1; t < loops.size(); ++t) others.emplace_back([&l = *loops[t]] { l.ioc.run(); });
  loops.front()->ioc.run();
  for (auto& t : others) t.join();
  return 0;
}
