// A cluster of three servers joined by a redis-server of the test's own: two of sio's
// examples/cluster and one Node server with @socket.io/redis-adapter (tests/cluster/node_server.js),
// each on a free loopback port; tests/cluster/cluster.test.js then drives the official client
// against all three. Once with the classic adapter (createAdapter), once in sharded mode
// (createShardedAdapter, --sharded). Then the same script against the threads of one
// examples/cluster process (--threads), with no Redis. Every child is stopped by its process id.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/redis_server.hpp"

using namespace std::chrono_literals;
using sio::test::ChildProcess;

namespace {

const std::string tests_dir = SIO_CLUSTER_TESTS_DIR;

// A started server and the URL it serves, or a failed test case.
struct Started {
  std::unique_ptr<ChildProcess> process;
  std::string url;
};

Started start_server(const std::vector<std::string>& argv, const std::string& name) {
  std::string error;
  auto process = ChildProcess::spawn(argv, sio::test::environment_with({{"SERVER_NAME", name}}), error);
  if (!process) FAIL(error);
  std::string line;
  if (!process->wait_for_line("listening ", 20s, line)) {
    process->stop();
    FAIL(name << " printed no \"listening <port>\" line (" << process->status() << "); its output:\n"
              << process->output());
  }
  return {std::move(process), "http://127.0.0.1:" + line.substr(std::strlen("listening "))};
}

// The cluster, its script, Redis stopped and started again, and the script's second part; the
// servers in sharded mode with `sharded`.
void run_cluster(bool sharded) {
  const std::string node = sio::test::find_on_path("node");
  if (node.empty()) FAIL("node is not on PATH: run scripts/setup-deps");
  if (!sio::test::is_directory(tests_dir + "/node_modules/@socket.io/redis-adapter"))
    FAIL("the JavaScript packages are not installed in " << tests_dir << "/node_modules: run scripts/setup-deps");

  sio::test::RedisServer redis;
  std::string error;
  REQUIRE(redis.start(error));
  const std::string redis_url = "redis://127.0.0.1:" + std::to_string(redis.port());

  auto with_mode = [sharded](std::vector<std::string> args) {
    if (sharded) args.push_back("--sharded");
    return args;
  };
  std::vector<Started> servers;
  servers.push_back(start_server(with_mode({SIO_CLUSTER_SERVER, "0", redis_url}), "sio-a"));
  servers.push_back(start_server(with_mode({node, tests_dir + "/node_server.js", "0", redis_url}), "node-b"));
  servers.push_back(start_server(with_mode({SIO_CLUSTER_SERVER, "0", redis_url}), "sio-c"));

  // The script, then, with Redis stopped and started again on its port (the servers keep
  // running), the script's second part.
  std::string report;
  auto run_script = [&](bool after_restart) {
    std::vector<std::string> argv{node, tests_dir + "/cluster.test.js"};
    if (after_restart) argv.push_back("--after-restart");
    for (const auto& s : servers) argv.push_back(s.url);
    auto script = ChildProcess::spawn(argv, sio::test::environment_with({}), error);
    if (!script) FAIL(error);
    const bool finished = script->wait_exit(60s);
    if (!finished) script->kill_now();
    report += std::string("--- script") + (after_restart ? " after the restart" : "") + " ---\n" + script->output();
    return finished && script->exit_code() == 0;
  };
  const bool first = run_script(false);
  bool second = false;
  if (first) {
    redis.stop();
    REQUIRE(redis.start(error));
    second = run_script(true);
  }
  for (auto& s : servers) {
    const bool alive = !s.process->wait_exit(0s);
    s.process->stop();
    report += "--- " + s.url + (alive ? "" : " (had exited)") + " ---\n" + s.process->output();
  }
  INFO(report);
  CHECK(first);
  CHECK(second);
}

}  // namespace

TEST_CASE("cluster: sio and Node servers share everything through Redis, and again once Redis is back") {
  run_cluster(false);
}

TEST_CASE("cluster sharded: sio and Node servers share everything through sharded Pub/Sub, and again once Redis is back") {
  run_cluster(true);
}

TEST_CASE("cluster: the threads of one sio process share everything, with no Redis") {
  const std::string node = sio::test::find_on_path("node");
  if (node.empty()) FAIL("node is not on PATH: run scripts/setup-deps");
  if (!sio::test::is_directory(tests_dir + "/node_modules/socket.io-client"))
    FAIL("the JavaScript packages are not installed in " << tests_dir << "/node_modules: run scripts/setup-deps");

  Started server = start_server({SIO_CLUSTER_SERVER, "0", "--threads", "3"}, "sio");
  std::string error;
  auto script = ChildProcess::spawn({node, tests_dir + "/cluster.test.js", "--threads", "3", server.url},
                                    sio::test::environment_with({}), error);
  if (!script) FAIL(error);
  const bool finished = script->wait_exit(60s);
  if (!finished) script->kill_now();
  const bool alive = !server.process->wait_exit(0s);
  server.process->stop();
  INFO("--- script ---\n" << script->output() << "--- " << server.url << (alive ? "" : " (had exited)") << " ---\n"
                          << server.process->output());
  CHECK(finished);
  CHECK(script->exit_code() == 0);
}
