// The server the official Engine.IO and Socket.IO protocol test suites expect, on one port:
//   /engine.io/  a raw Engine.IO server that echoes every message
//   /socket.io/  a Socket.IO server that answers "auth", "message" and "message-with-ack"
// Usage: conformance [port]   (default 3000)

#include <sio.hpp>

#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

// Sends every message back to its sender, unchanged.
class Echo final : public sio::engineio::SessionHandler {
 public:
  void on_open(sio::engineio::Session&) override {}
  void on_message(sio::engineio::Session& session, std::string_view data, bool binary) override {
    if (binary) session.send(sio::engineio::make_binary_frame(std::string(data)));
    else session.send(sio::engineio::make_text_frame("4" + std::string(data)));
  }
  void on_close(sio::engineio::Session&, sio::engineio::CloseReason) override {}
};

void log_to_stderr(sio::LogLevel level, std::string_view msg) {
  if (level == sio::LogLevel::debug) return;
  std::fprintf(stderr, "[%s] %.*s\n", sio::to_string(level).data(), static_cast<int>(msg.size()), msg.data());
}

}  // namespace

int main(int argc, char** argv) {
  const int port = argc > 1 ? std::atoi(argv[1]) : 3000;
  if (port < 0 || port > 65535) {
    std::fprintf(stderr, "usage: %s [port]\n", argv[0]);
    return 2;
  }
  using namespace std::chrono_literals;
  asio::io_context ioc(1);
  sio::transport::websocketpp transport(ioc);

  sio::engineio::ServerOptions eio_options;
  eio_options.ping_interval = 300ms;
  eio_options.ping_timeout = 200ms;
  eio_options.max_payload = 1'000'000;
  eio_options.cors_origins = {"*"};
  Echo echo;
  sio::engineio::Server eio(transport, "/engine.io/", eio_options, echo);

  sio::ServerOptions options;
  options.ping_interval = 300ms;
  options.ping_timeout = 200ms;
  options.max_http_buffer_size = 1'000'000;
  options.connect_timeout = 1000ms;
  options.cors.origins = {"*"};
  options.logger = log_to_stderr;
  sio::Server<sio::transport::websocketpp> io(transport, options);

  auto on_connection = [&ioc](sio::Socket socket) {
    // The suites read one frame at a time: "auth" goes out a little after the CONNECT answer so
    // the two do not share one TCP read (see the suites' notes on frame coalescing).
    auto timer = std::make_shared<asio::steady_timer>(ioc, 20ms);
    timer->async_wait([timer, socket](std::error_code ec) {
      if (!ec) socket.emit("auth", socket.handshake().auth());
    });
    socket.on("message", [](sio::Socket s, sio::Args args) { s.emit("message-back", args); });
    socket.on("message-with-ack", [](sio::Args args, sio::Ack ack) { ack(args); });
  };
  io.on("connection", on_connection);
  io.of("/custom").on("connection", [&ioc](sio::Socket socket) {
    auto timer = std::make_shared<asio::steady_timer>(ioc, 20ms);
    timer->async_wait([timer, socket](std::error_code ec) {
      if (!ec) socket.emit("auth", socket.handshake().auth());
    });
  });

  transport.set_http_callback([](std::shared_ptr<sio::transport::HttpExchange> ex) {
    if (ex->request().path != "/") return ex->respond(404, "Not Found", {{"Content-Type", "text/plain"}});
    ex->respond(200,
                "sio conformance server\n"
                "  /engine.io/  raw Engine.IO v4, echoes every message\n"
                "  /socket.io/  Socket.IO v5: emits \"auth\" on connection, answers \"message\" and \"message-with-ack\"\n",
                {{"Content-Type", "text/plain; charset=utf-8"}});
  });

  // Dual-stack, so "localhost" works whether it resolves to ::1 or 127.0.0.1.
  auto ec = transport.listen(static_cast<std::uint16_t>(port), "::");
  if (ec) ec = transport.listen(static_cast<std::uint16_t>(port), "0.0.0.0");
  if (ec) {
    std::fprintf(stderr, "cannot listen on port %d: %s\n", port, ec.message().c_str());
    return 1;
  }
  std::printf("conformance server listening on http://localhost:%u (/engine.io/ and /socket.io/)\n",
              static_cast<unsigned>(transport.local_port()));
  std::fflush(stdout);

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    io.close();
    eio.close();
    transport.close();
  });
  ioc.run();
  return 0;
}
