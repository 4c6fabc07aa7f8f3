// The application the Redis consumer builds: it includes <sio/redis/adapter.hpp>, reads a Redis
// URL, and runs a server whose adapter is a sio::redis::Cluster pointed at a port where no Redis
// listens: the cluster must say it is down, the server must still serve, and everything must
// close. So a missing or mismatched sio-redis or hiredis fails to link or to run,
// with no redis-server needed.

#include <sio.hpp>
#include <sio/redis/adapter.hpp>

#include <asio.hpp>

#include <cstdio>
#include <string>

#ifndef SIO_CONSUMER_STANDARD
#error "SIO_CONSUMER_STANDARD must be the C++ standard this consumer is built as (17, 20 or 23)"
#endif

namespace {

int fail(const std::string& what) {
  std::fprintf(stderr, "Redis consumer (C++%d): %s\n", SIO_CONSUMER_STANDARD, what.c_str());
  return 1;
}

}  // namespace

int main() {
  // A port of this machine's that nothing listens on: bound, never listened on, held meanwhile.
  asio::io_context ioc;
  asio::ip::tcp::socket holder(ioc);
  holder.open(asio::ip::tcp::v4());
  holder.bind({asio::ip::make_address("127.0.0.1"), 0});
  const auto port = holder.local_endpoint().port();

  sio::redis::ClusterOptions options;
  if (!sio::redis::parse_url("redis://127.0.0.1:" + std::to_string(port), options.redis))
    return fail("parse_url refused a redis:// URL");
  if (options.redis.port != port) return fail("parse_url read the wrong port");
  sio::redis::Cluster cluster(ioc, options);

  sio::ServerOptions server_options;
  server_options.adapter = cluster.adapter();
  sio::Server<sio::transport::memory> io(ioc, server_options);

  // Redis is not there: the cluster is down, an emit still serves this server's sockets (none
  // here) without failing, and once closed, nothing is left to run.
  if (cluster.up()) return fail("the cluster says it is up with no Redis");
  io.emit("news", "local");
  asio::post(ioc, [&] {
    io.close();
    cluster.close();
  });
  ioc.run();
  if (cluster.up()) return fail("the cluster says it is up with no Redis");
  std::printf("Redis consumer (C++%d): a Redis adapter with Redis away serves on\n", SIO_CONSUMER_STANDARD);
  return 0;
}
