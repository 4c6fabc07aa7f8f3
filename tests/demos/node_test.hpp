#pragma once
// Runs a Node test script of the demos (tests/demos/*.test.js, tests/browser/*.test.js) from a
// Catch2 test case. The script starts the demo servers it needs itself; the environment tells it
// where they are (SIO_DEMO_CHAT, ...) and where its npm packages are (NODE_PATH).
//
// The script runs in a process group of its own (tests/support/child_process.hpp), so that
// whatever it started and left behind (a server, if the script died) is ended with it, by that
// group's id. Every wait is bounded; nothing sleeps.

#include "support/child_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace demo_test {

/// Runs `node <script> <args...>` with the demos and the npm packages in its environment, and
/// fails the test case (with the script's output) unless it exits 0 within `limit`.
inline void run_node_test(const std::string& script, const std::vector<std::string>& args = {},
                          std::chrono::seconds limit = std::chrono::seconds(60)) {
  const std::string node_modules = SIO_DEMO_NODE_MODULES;
  if (!sio::test::is_directory(node_modules + "/socket.io-client"))
    FAIL("the npm packages are not installed in " << node_modules << ": run scripts/setup-deps");
  const std::string node = sio::test::find_on_path("node");
  if (node.empty()) FAIL("node is not on PATH: run scripts/setup-deps");

  std::vector<std::string> argv = {node, script};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto env = sio::test::environment_with({{"NODE_PATH", node_modules},
                                                {"SIO_DEMO_CHAT", SIO_DEMO_CHAT},
                                                {"SIO_DEMO_NEWS", SIO_DEMO_NEWS},
                                                {"SIO_DEMO_ROOMS", SIO_DEMO_ROOMS},
                                                {"SIO_DEMO_AUTH", SIO_DEMO_AUTH}});
  std::string error;
  auto child = sio::test::ChildProcess::spawn(argv, env, error);
  if (!child) FAIL("node " << script << ": " << error);
  const bool finished = child->wait_exit(limit);
  // Ends what the script left running in its group, or the script itself when it overran.
  child->stop();
  INFO("node " << script << ": " << child->status() << "\n--- output ---\n" << child->output());
  if (!finished) FAIL("the script did not finish within " << limit.count() << " s");
  CHECK(child->exit_code() == 0);
}

}  // namespace demo_test
