// The chat demo as two servers sharing a redis-server of the test's own (on 127.0.0.1 and a free
// port, stopped by its process id): tests/demos/chat_cluster.test.js, given the Redis URL, starts
// the two chat servers and drives them with the Node client.

#include "demos/node_test.hpp"
#include "support/redis_server.hpp"

#include <string>

TEST_CASE("chat cluster protocol: two servers sharing Redis serve one chat room", "[demos]") {
  sio::test::RedisServer redis;
  std::string error;
  if (!redis.start(error)) FAIL(error);
  demo_test::run_node_test(std::string(SIO_DEMO_TESTS_DIR) + "/chat_cluster.test.js",
                           {"redis://127.0.0.1:" + std::to_string(redis.port())});
}
