// Runs the official Socket.IO JavaScript client against a Socket.IO server: one test case per scenario
// script in tests/interop/. Each case starts the server (sio's interop_server, or Node's reference server
// when SIO_INTEROP_REFERENCE=1), reads the port it bound, runs `node <scenario>.test.js <url>` and checks
// its exit code. Every wait is bounded; each child is stopped by its own process id only (the id of the
// process group it leads: tests/support/child_process.hpp).

#include "support/child_process.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#ifndef SIO_INTEROP_SERVER
#define SIO_INTEROP_SERVER ""
#endif

namespace {

using sio::test::ChildProcess;
using namespace std::chrono_literals;

constexpr auto server_start_limit = 15s;  // Node's start-up on a loaded 2-core machine stays far below.
constexpr auto script_limit = 30s;        // Each script stops itself after 10 s; this is the backstop.

bool use_reference_server() {
  const char* flag = std::getenv("SIO_INTEROP_REFERENCE");
  return (flag && std::string(flag) == "1") || std::string(SIO_INTEROP_SERVER).empty();
}

/// Starts the server, runs the scenario script against it, and checks that the script passed.
void run_scenario(const std::string& scenario) {
  const std::string scripts = SIO_INTEROP_SCRIPTS_DIR;
  const std::string node_modules = SIO_INTEROP_NODE_MODULES;
  const bool reference = use_reference_server();
  if (!sio::test::is_directory(node_modules + "/socket.io-client") ||
      (reference && !sio::test::is_directory(node_modules + "/socket.io"))) {
    FAIL("the JavaScript packages are not installed in " << node_modules << ": run scripts/setup-deps");
  }
  const std::string node = sio::test::find_on_path("node");
  if (node.empty()) FAIL("node is not on PATH: run scripts/setup-deps");

  const auto env = sio::test::environment_with({{"NODE_PATH", node_modules}});
  std::vector<std::string> server_argv;
  if (reference) {
    if (std::string(SIO_INTEROP_SERVER).empty()) WARN("interop_server is not built: using Node's reference server");
    server_argv = {node, scripts + "/reference-server.js", "0"};
  } else {
    server_argv = {SIO_INTEROP_SERVER, "0"};
  }
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

  const std::string url = "http://127.0.0.1:" + port;
  auto script = ChildProcess::spawn({node, scripts + "/" + scenario + ".test.js", url}, env, error);
  if (!script) {
    server->stop();
    FAIL(error);
  }
  const bool finished = script->wait_exit(script_limit);
  if (!finished) script->kill_now();
  const bool server_alive = !server->wait_exit(0s);
  server->stop();

  const std::string report = "scenario " + scenario + " against " + url + ": " + script->status() +
                             "\n--- script output ---\n" + script->output() + "--- server output ---\n" +
                             server->output();
  if (!finished) FAIL("the script did not finish within its time limit\n" << report);
  if (!server_alive) FAIL("the server exited during the scenario (" << server->status() << ")\n" << report);
  if (script->exit_code() != 0) FAIL(report);
  SUCCEED(scenario << " passed");
}

}  // namespace

TEST_CASE("transports", "[interop]") { run_scenario("transports"); }
TEST_CASE("emit", "[interop]") { run_scenario("emit"); }
TEST_CASE("acks", "[interop]") { run_scenario("acks"); }
TEST_CASE("rooms", "[interop]") { run_scenario("rooms"); }
TEST_CASE("namespaces", "[interop]") { run_scenario("namespaces"); }
TEST_CASE("middleware", "[interop]") { run_scenario("middleware"); }
TEST_CASE("disconnect", "[interop]") { run_scenario("disconnect"); }
TEST_CASE("heartbeat", "[interop]") { run_scenario("heartbeat"); }
