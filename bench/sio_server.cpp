// The sio server of the benchmark: the contract every server under test serves.
//   "echo"      acknowledged with its arguments
//   "broadcast" emitted to every client as "bcast"
// One I/O thread, as the main comparison asks. With --threads N, a sio::ServerGroup: N servers,
// each with its own thread, io_context and transport, on the same port, joined by a
// sio::ThreadCluster, so that the one io.emit of a broadcast reaches the clients of every thread,
// as an application's would (plain HTTP only: the group routes requests by their first line).
//
// sio_bench_server_tls is the same program linked with sio::tls (SIO_BENCH_TLS defined): with
// --tls-cert and --tls-key it serves HTTPS and WSS (sio::transport::websocketpp_tls, with
// tls_from_files()'s defaults) instead of HTTP and WS. sio_bench_server, without OpenSSL,
// refuses those options.
//
// Usage: sio_bench_server [--port P] [--address A] [--read-buffer BYTES]
//                         [--ping-interval MS] [--ping-timeout MS] [--threads N]
//        sio_bench_server_tls [the same] [--tls-cert FILE --tls-key FILE]
// Prints "listening <port>" once it accepts connections; SIGTERM or SIGINT stops it.
//        sio_bench_server_tls --write-test-certificate CERT_FILE KEY_FILE
// Writes a fresh self-signed certificate for 127.0.0.1 and its key (PEM) and exits: the one
// bench/run serves both sio and Node with, made here so that no `openssl` program is needed.

#include <sio.hpp>
#ifdef SIO_BENCH_TLS
#include <sio/transport/websocketpp_tls.hpp>

#include "test_certificate.hpp"
#endif

#include <asio/signal_set.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>

namespace {

/// Where the certificate chain and the key of a TLS server are; both empty for plain HTTP.
struct TlsFiles {
  std::string cert;
  std::string key;
};

/// The transport of one loop: plain, or over TLS with `tls`'s files. A TLS context of its own
/// for each loop, so that no two threads share one.
std::unique_ptr<sio::transport::websocketpp> make_transport(asio::io_context& ioc, const TlsFiles& tls,
                                                            const sio::transport::WebsocketppOptions& options) {
  if (tls.cert.empty()) return std::make_unique<sio::transport::websocketpp>(ioc, options);
#ifdef SIO_BENCH_TLS
  return std::make_unique<sio::transport::websocketpp_tls>(ioc, sio::transport::tls_from_files(tls.cert, tls.key),
                                                           options);
#else
  throw std::logic_error("TLS without SIO_BENCH_TLS");  // main() refuses the options first
#endif
}

/// The server of one I/O thread.
struct Loop {
  Loop(const sio::transport::WebsocketppOptions& transport_options, const sio::ServerOptions& options,
       const TlsFiles& tls)
      : ioc(1),  // a concurrency hint of 1: the io_context runs on one thread and can skip its locking
        transport(make_transport(ioc, tls, transport_options)),
        io(*transport, options) {}
  asio::io_context ioc;
  std::unique_ptr<sio::transport::websocketpp> transport;
  sio::Server<sio::transport::websocketpp> io;
};

/// The contract on one server.
template <class Server>
void serve(Server& io) {
  io.on("connection", [&io](sio::Socket socket) {
    socket.on("echo", [](sio::Args args, sio::Ack ack) { ack(args); });
    socket.on("broadcast", [&io](sio::Args args) { io.emit("bcast", args); });
  });
}

/// --threads N: the contract on every server of a group.
int serve_group(std::size_t threads, std::uint16_t port, const std::string& address, const sio::ServerOptions& options,
                const sio::transport::WebsocketppOptions& transport_options) {
  sio::ServerGroup group(threads, options, transport_options);
  group.each([](sio::ServerGroup::server_type& io) { serve(io); });
  if (auto ec = group.listen(port, address)) {
    std::fprintf(stderr, "cannot listen on %s:%u: %s\n", address.c_str(), static_cast<unsigned>(port), ec.message().c_str());
    return 1;
  }
  asio::signal_set signals(group.context(0), SIGINT, SIGTERM);
  signals.async_wait([&group](std::error_code, int) { group.stop(); });
  group.start();
  std::printf("listening %u\n", static_cast<unsigned>(group.local_port()));
  std::fflush(stdout);
  group.join();
  return 0;
}

int usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s [--port P] [--address A] [--read-buffer BYTES] [--ping-interval MS] [--ping-timeout MS] "
               "[--threads N] [--tls-cert FILE --tls-key FILE]\n"
               "       %s --write-test-certificate CERT_FILE KEY_FILE\n",
               program, program);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "--write-test-certificate") {
    if (argc != 4) return usage(argv[0]);
#ifdef SIO_BENCH_TLS
    try {
      sio::test::make_test_certificate().write(argv[2], argv[3]);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 1;
    }
    return 0;
#else
    std::fprintf(stderr, "%s: built without TLS: sio_bench_server_tls makes certificates\n", argv[0]);
    return 2;
#endif
  }
  std::uint16_t port = 0;
  TlsFiles tls;
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
    else if (a == "--tls-cert") tls.cert = v;
    else if (a == "--tls-key") tls.key = v;
    else return usage(argv[0]);
  }
  if (tls.cert.empty() != tls.key.empty()) {
    std::fprintf(stderr, "%s: --tls-cert and --tls-key go together\n", argv[0]);
    return 2;
  }
#ifndef SIO_BENCH_TLS
  if (!tls.cert.empty()) {
    std::fprintf(stderr, "%s: built without TLS: --tls-cert is sio_bench_server_tls's (built with sio::tls)\n", argv[0]);
    return 2;
  }
#endif
  if (threads > 1) {
    if (!tls.cert.empty()) {
      std::fprintf(stderr, "%s: --threads serves plain HTTP only (its group routes requests by their first line)\n", argv[0]);
      return 2;
    }
    return serve_group(static_cast<std::size_t>(threads), port, address, options, transport_options);
  }

  std::unique_ptr<Loop> loop;
  try {
    loop = std::make_unique<Loop>(transport_options, options, tls);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());  // a certificate or key that cannot be used
    return 1;
  }
  serve(loop->io);
  if (auto ec = loop->io.listen(port, address)) {
    std::fprintf(stderr, "cannot listen on %s:%u: %s\n", address.c_str(), static_cast<unsigned>(port), ec.message().c_str());
    return 1;
  }
  std::printf("listening %u\n", static_cast<unsigned>(loop->transport->local_port()));
  std::fflush(stdout);

  asio::signal_set signals(loop->ioc, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    loop->io.close();
    loop->transport->close();
    loop->ioc.stop();
  });
  loop->ioc.run();
  return 0;
}
