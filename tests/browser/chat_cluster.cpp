// The chat page served by two chat servers sharing a redis-server of the test's own (on
// 127.0.0.1 and a free port, stopped by its process id): tests/browser/chat_cluster.test.js,
// given the Redis URL, starts the two chat servers and a page on each.

#include "demos/node_test.hpp"
#include "support/redis_server.hpp"

#include <string>

TEST_CASE("chat cluster: pages on two servers talk in public, in a room and in private", "[browser]") {
  sio::test::RedisServer redis;
  std::string error;
  if (!redis.start(error)) FAIL(error);
  demo_test::run_node_test(std::string(SIO_BROWSER_TESTS_DIR) + "/chat_cluster.test.js",
                           {"redis://127.0.0.1:" + std::to_string(redis.port())});
}
