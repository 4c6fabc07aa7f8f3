// The server the interop tests drive with the official JavaScript client (see the contract in
// tests/interop/reference-server.js, which implements the same on Node's own server).
// Usage: interop_server [port] [--cors-origin <origin>]... [--cors-credentials]
//                       [--ping-interval MS] [--max-buffered-bytes N]
//                       [--tls-cert FILE --tls-key FILE]
// prints "listening <port>" once bound on 127.0.0.1. The flags are for the hostile cases that
// need another setting than the contract's (tests/hostile/hostile.cpp); the interop scenarios
// pass none, but for the TLS one (HTTPS and WSS with sio::transport::websocketpp_tls, built when
// sio::tls is: SIO_INTEROP_TLS).

#include <sio.hpp>

#include <asio/signal_set.hpp>
#ifdef SIO_INTEROP_TLS
#include <sio/transport/websocketpp_tls.hpp>
#endif

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace {

std::vector<std::string> string_list(const rapidjson::Value& v) {
  std::vector<std::string> out;
  if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
  if (v.IsArray())
    for (const auto& e : v.GetArray())
      if (e.IsString()) out.emplace_back(e.GetString(), e.GetStringLength());
  return out;
}

}  // namespace

/// Sets the contract's namespaces and events up on `io`, listens on `port` and runs `ioc`.
template <class Transport>
int serve(asio::io_context& ioc, sio::Server<Transport>& io, int port) {
  using namespace std::chrono_literals;

  std::map<std::string, std::string> reasons;  // disconnect reason by socket id
  auto record_reason = [&reasons](sio::Socket& s) {
    s.on("disconnect", [&reasons](sio::Socket s2, std::string_view reason) { reasons[s2.id()] = std::string(reason); });
  };
  auto add_echo = [](sio::Socket& s) {
    s.on("echo", [](sio::Socket s2, sio::Args args, sio::Ack ack) {
      if (ack) ack(args);
      else s2.emit("echo-back", args);
    });
  };

  io.on("connection", [&](sio::Socket socket) {
    record_reason(socket);
    add_echo(socket);
    socket.on("ask", [](sio::Socket s, sio::Args, sio::Ack ack) {
      s.emit("question", "ok?", [ack](sio::Args reply) { ack(reply); });
    });
    socket.on("ask-timeout", [](sio::Socket s, sio::Args args, sio::Ack ack) {
      auto ms = std::chrono::milliseconds(args.get<int>(0));
      s.timeout(ms).emit("question", "ok?", [ack](std::error_code ec, sio::Args) { ack(ec ? "timeout" : "answered"); });
    });
    socket.on("join", [](sio::Socket s, sio::Args args, sio::Ack ack) {
      s.join(string_list(args[0]));
      if (ack) ack();
    });
    socket.on("leave", [](sio::Socket s, sio::Args args, sio::Ack ack) {
      for (const auto& r : string_list(args[0])) s.leave(r);
      if (ack) ack();
    });
    socket.on("to", [](sio::Socket s, sio::Args args) {
      auto op = s.broadcast().to(string_list(args[0]));
      op.emit(args.get<std::string_view>(1), args[2]);
    });
    socket.on("in", [&io](sio::Args args) { io.to(string_list(args[0])).emit(args.get<std::string_view>(1), args[2]); });
    socket.on("except", [&io](sio::Args args) {
      io.sockets().all().except(string_list(args[0])).emit(args.get<std::string_view>(1), args[2]);
    });
    socket.on("broadcast", [](sio::Socket s, sio::Args args) { s.broadcast().emit(args.get<std::string_view>(0), args[1]); });
    socket.on("all", [&io](sio::Args args) { io.emit(args.get<std::string_view>(0), args[1]); });
    socket.on("disconnect-me", [](sio::Socket s) { s.disconnect(); });
    // `count` events "burst" (index, `size` bytes) to everyone, then a graceful close.
    socket.on("shutdown", [&io](sio::Args args) {
      const std::string payload(args.get<std::size_t>(1), 'x');
      const int count = args.get<int>(0);
      for (int i = 0; i < count; ++i) io.emit("burst", i, payload);
      io.close(5s, [](std::error_code ec) { std::fprintf(stderr, "closed: %s\n", ec ? ec.message().c_str() : "ok"); });
    });
    socket.on("reason", [&reasons](sio::Args args, sio::Ack ack) {
      auto it = reasons.find(args.get<std::string>(0));
      if (it == reasons.end()) ack(nullptr);
      else ack(it->second);
    });
    socket.on("whoami", [](sio::Socket s, sio::Ack ack) { ack(s.id()); });
  });

  io.of("/news").on("connection", [&](sio::Socket socket) {
    record_reason(socket);
    add_echo(socket);
    socket.emit("hello", "/news");
  });

  auto admin = io.of("/admin");
  admin.use([](sio::Socket& s, sio::Next next) {
    const auto& auth = s.handshake().auth();
    auto it = auth.FindMember("token");
    if (it != auth.MemberEnd() && it->value.IsString() && std::string_view(it->value.GetString()) == "secret") return next();
    next(sio::ConnectError("not authorized", sio::object{{"code", 42}}));
  });
  admin.on("connection", [&](sio::Socket socket) {
    record_reason(socket);
    socket.emit("hello", "/admin");
  });

  if (auto ec = io.listen(static_cast<std::uint16_t>(port), "127.0.0.1")) {
    std::fprintf(stderr, "cannot listen: %s\n", ec.message().c_str());
    return 1;
  }
  std::printf("listening %u\n", static_cast<unsigned>(io.transport().local_port()));
  std::fflush(stdout);

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    io.close();
    io.transport().close();
  });
  ioc.run();
  return 0;
}

int main(int argc, char** argv) {
  using namespace std::chrono_literals;
  int port = 0;
  sio::ServerOptions options;
  std::string tls_cert, tls_key;
  options.ping_interval = 300ms;
  options.ping_timeout = 200ms;
  options.max_http_buffer_size = 1'000'000;
  options.connect_timeout = 1000ms;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cors-origin" && i + 1 < argc) {
      options.cors.origins.emplace_back(argv[++i]);
    } else if (arg == "--cors-credentials") {
      options.cors.credentials = true;
    } else if (arg == "--ping-interval" && i + 1 < argc) {
      options.ping_interval = std::chrono::milliseconds(std::strtoull(argv[++i], nullptr, 10));
    } else if (arg == "--max-buffered-bytes" && i + 1 < argc) {
      options.max_buffered_bytes = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--tls-cert" && i + 1 < argc) {
      tls_cert = argv[++i];
    } else if (arg == "--tls-key" && i + 1 < argc) {
      tls_key = argv[++i];
    } else if (i == 1 && arg.find_first_not_of("0123456789") == std::string::npos) {
      port = std::atoi(arg.c_str());
    } else {
      std::fprintf(stderr,
                   "usage: interop_server [port] [--cors-origin <origin>]... [--cors-credentials] "
                   "[--ping-interval MS] [--max-buffered-bytes N] [--tls-cert FILE --tls-key FILE]\n");
      return 2;
    }
  }
  asio::io_context ioc(1);

  options.logger = [](sio::LogLevel level, std::string_view msg) {
    if (level >= sio::LogLevel::warn)
      std::fprintf(stderr, "[%s] %.*s\n", sio::to_string(level).data(), static_cast<int>(msg.size()), msg.data());
  };
  if (!tls_cert.empty() || !tls_key.empty()) {
#ifdef SIO_INTEROP_TLS
    sio::Server<sio::transport::websocketpp_tls> io(ioc, options, sio::transport::tls_from_files(tls_cert, tls_key));
    return serve(ioc, io, port);
#else
    std::fprintf(stderr, "interop_server: built without sio::tls\n");
    return 2;
#endif
  }
  sio::Server<sio::transport::websocketpp> io(ioc, options);
  return serve(ioc, io, port);
}
