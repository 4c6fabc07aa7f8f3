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
// sio_bench_server_redis is the same program linked with sio::redis (SIO_BENCH_REDIS defined):
// with --redis URL it joins the servers of a Redis cluster (sio::redis::Cluster, default options)
// as one of them, so that its "broadcast" (io.emit, through the adapter) reaches the clients of
// the others too, and theirs its own. One I/O thread then. The others refuse --redis.
//
// Usage: sio_bench_server [--port P] [--address A] [--read-buffer BYTES]
//                         [--ping-interval MS] [--ping-timeout MS] [--threads N]
//        sio_bench_server_tls [the same] [--tls-cert FILE --tls-key FILE]
//        sio_bench_server_redis [the same as sio_bench_server] [--redis redis://HOST:PORT]
// Prints "listening <port>" once it accepts connections (and, with --redis, once Redis has
// confirmed its subscriptions: nothing the others broadcast is missed from then on); SIGTERM or
// SIGINT stops it.
//        sio_bench_server_tls --write-test-certificate CERT_FILE KEY_FILE
// Writes a fresh self-signed certificate for 127.0.0.1 and its key (PEM) and exits: the one
// bench/run serves both sio and Node with, made here so that no `openssl` program is needed.

#include <sio.hpp>
#ifdef SIO_BENCH_TLS
#include <sio/transport/websocketpp_tls.hpp>

#include "test_certificate.hpp"
#endif
#ifdef SIO_BENCH_REDIS
#include <sio/redis/adapter.hpp>
#endif

#include <asio/signal_set.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
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

#ifdef SIO_BENCH_REDIS
/// The Redis cluster the server joins, on `ioc`; null without a URL.
std::unique_ptr<sio::redis::Cluster> make_cluster(asio::io_context& ioc, const std::string& url) {
  if (url.empty()) return nullptr;
  sio::redis::ClusterOptions options;
  if (!sio::redis::parse_url(url, options.redis)) throw std::invalid_argument("--redis: not a redis:// URL: " + url);
  options.logger = [](sio::LogLevel level, std::string_view msg) {
    if (level == sio::LogLevel::debug) return;
    std::fprintf(stderr, "redis: %.*s\n", static_cast<int>(msg.size()), msg.data());
  };
  return std::make_unique<sio::redis::Cluster>(ioc, std::move(options));
}
#endif

/// The server of one I/O thread.
struct Loop {
  Loop(const sio::transport::WebsocketppOptions& transport_options, const sio::ServerOptions& options,
       const TlsFiles& tls, [[maybe_unused]] const std::string& redis_url)
      : ioc(1),  // a concurrency hint of 1: the io_context runs on one thread and can skip its locking
#ifdef SIO_BENCH_REDIS
        cluster(make_cluster(ioc, redis_url)),
#endif
        transport(make_transport(ioc, tls, transport_options)),
        io(*transport, with_adapter(options)) {
  }
  asio::io_context ioc;
#ifdef SIO_BENCH_REDIS
  std::unique_ptr<sio::redis::Cluster> cluster;  // before io: the server's adapter comes from it
#endif
  std::unique_ptr<sio::transport::websocketpp> transport;
  sio::Server<sio::transport::websocketpp> io;

  /// Calls `ready` once the server may announce itself: at once, or with a cluster once Redis has
  /// confirmed its subscriptions.
  void when_ready(std::function<void()> ready) {
#ifdef SIO_BENCH_REDIS
    if (cluster) {
      cluster->on_state([ready = std::move(ready), told = false](bool up) mutable {
        if (!up || told) return;
        told = true;
        ready();
      });
      return;
    }
#endif
    ready();
  }
  /// Stops serving and leaves the cluster.
  void close() {
    io.close();
    transport->close();
#ifdef SIO_BENCH_REDIS
    if (cluster) cluster->close();
#endif
  }

 private:
  sio::ServerOptions with_adapter(sio::ServerOptions options) const {
#ifdef SIO_BENCH_REDIS
    if (cluster) options.adapter = cluster->adapter();
#endif
    return options;
  }
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
               "[--threads N] [--tls-cert FILE --tls-key FILE] [--redis URL]\n"
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
  std::string redis_url;
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
    else if (a == "--redis") redis_url = v;
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
#ifndef SIO_BENCH_REDIS
  if (!redis_url.empty()) {
    std::fprintf(stderr, "%s: built without Redis: --redis is sio_bench_server_redis's (built with sio::redis)\n", argv[0]);
    return 2;
  }
#endif
  if (!redis_url.empty() && threads > 1) {
    // Each loop would publish every broadcast again: one server of the cluster, one thread.
    std::fprintf(stderr, "%s: --redis takes one I/O thread (no --threads)\n", argv[0]);
    return 2;
  }
  if (threads > 1) {
    if (!tls.cert.empty()) {
      std::fprintf(stderr, "%s: --threads serves plain HTTP only (its group routes requests by their first line)\n", argv[0]);
      return 2;
    }
    return serve_group(static_cast<std::size_t>(threads), port, address, options, transport_options);
  }

  std::unique_ptr<Loop> loop;
  try {
    loop = std::make_unique<Loop>(transport_options, options, tls, redis_url);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());  // a certificate or key that cannot be used, a bad URL
    return 1;
  }
  serve(loop->io);
  if (auto ec = loop->io.listen(port, address)) {
    std::fprintf(stderr, "cannot listen on %s:%u: %s\n", address.c_str(), static_cast<unsigned>(port), ec.message().c_str());
    return 1;
  }
  const unsigned bound = loop->transport->local_port();
  loop->when_ready([bound] {
    std::printf("listening %u\n", bound);
    std::fflush(stdout);
  });

  asio::signal_set signals(loop->ioc, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    loop->close();
    loop->ioc.stop();
  });
  loop->ioc.run();
  return 0;
}
