#pragma once
// Runs one Node script against a server started for it: the server prints `listening <port>`, the
// script gets `http://127.0.0.1:<port>` and its exit code is the verdict. The interop and hostile
// suites are made of such runs. Every wait is bounded; each child is stopped by its own process
// id only (the id of the process group it leads: child_process.hpp).

#include "support/child_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace sio::test {

/// Bound on a server's start-up: Node's on a loaded 2-core machine stays far below.
constexpr std::chrono::seconds server_start_limit{15};
/// Each script stops itself after 10 s; this is the backstop.
constexpr std::chrono::seconds script_limit{30};

/// Starts `server_argv`, runs `node <script> <url>` with NODE_PATH=`node_modules` and the server's
/// process id in SIO_SERVER_PID (a script may read the server's memory in /proc), and fails the
/// test case with both outputs unless the script exits 0 and the server is still running.
/// `scheme` starts the URL ("https" for a TLS server); `script_vars` are more environment
/// variables for the script.
inline void run_node_scenario(const std::vector<std::string>& server_argv, const std::string& script,
                              const std::string& node_modules, const std::string& scheme = "http",
                              std::vector<std::pair<std::string, std::string>> script_vars = {}) {
  if (!is_directory(node_modules + "/socket.io-client")) {
    FAIL("the JavaScript packages are not installed in " << node_modules << ": run scripts/setup-deps");
  }
  const std::string node = find_on_path("node");
  if (node.empty()) FAIL("node is not on PATH: run scripts/setup-deps");
  const auto env = environment_with({{"NODE_PATH", node_modules}});
  INFO("server: " << server_argv[0] << (server_argv.size() > 2 ? " " + server_argv[1] : std::string()));

  std::string error;
  auto server = ChildProcess::spawn(server_argv, env, error);
  if (!server) FAIL(error);

  std::string line;
  if (!server->wait_for_line("listening ", server_start_limit, line)) {
    server->stop();
    FAIL("the server printed no \"listening <port>\" line (" << server->status() << "); its output:\n"
                                                              << server->output());
  }
  const std::string port = line.substr(std::strlen("listening "));
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos) {
    server->stop();
    FAIL("bad listening line from the server: \"" << line << "\"");
  }

  const std::string url = scheme + "://127.0.0.1:" + port;
  script_vars.emplace_back("NODE_PATH", node_modules);
  script_vars.emplace_back("SIO_SERVER_PID", std::to_string(server->pid()));
  const auto script_env = environment_with(script_vars);
  auto child = ChildProcess::spawn({node, script, url}, script_env, error);
  if (!child) {
    server->stop();
    FAIL(error);
  }
  const bool finished = child->wait_exit(script_limit);
  if (!finished) child->kill_now();
  const bool server_alive = !server->wait_exit(std::chrono::seconds(0));
  server->stop();

  const std::string report = script + " against " + url + ": " + child->status() +
                             "\n--- script output ---\n" + child->output() + "--- server output ---\n" +
                             server->output();
  if (!finished) FAIL("the script did not finish within its time limit\n" << report);
  if (!server_alive) FAIL("the server exited during the scenario (" << server->status() << ")\n" << report);
  if (child->exit_code() != 0) FAIL(report);
  SUCCEED(script << " passed");
}

}  // namespace sio::test
