// Runs the official Socket.IO JavaScript client against a Socket.IO server: one test case per scenario
// script in tests/interop/. Each case starts the server (sio's interop_server, or Node's reference server
// when SIO_INTEROP_REFERENCE=1), reads the port it bound, runs `node <scenario>.test.js <url>` and checks
// its exit code. Every wait is bounded; each child is stopped by its own process id only (the id of the
// process group it leads: tests/support/child_process.hpp).

#include "support/node_scenario.hpp"
#ifdef SIO_INTEROP_TLS
#include "support/test_certificate.hpp"
#endif

#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>
#include <vector>

#ifndef SIO_INTEROP_SERVER
#define SIO_INTEROP_SERVER ""
#endif

namespace {

bool use_reference_server() {
  const char* flag = std::getenv("SIO_INTEROP_REFERENCE");
  return (flag && std::string(flag) == "1") || std::string(SIO_INTEROP_SERVER).empty();
}

/// Starts the server (with `server_flags`), runs the scenario script against it, and checks that
/// the script passed; `scheme` and `script_vars` as for run_node_scenario.
void run_scenario(const std::string& scenario, const std::vector<std::string>& server_flags = {},
                  const std::string& scheme = "http",
                  const std::vector<std::pair<std::string, std::string>>& script_vars = {}) {
  const std::string scripts = SIO_INTEROP_SCRIPTS_DIR;
  const std::string node_modules = SIO_INTEROP_NODE_MODULES;
  std::vector<std::string> server_argv;
  if (use_reference_server()) {
    if (!sio::test::is_directory(node_modules + "/socket.io")) {
      FAIL("the JavaScript packages are not installed in " << node_modules << ": run scripts/setup-deps");
    }
    if (std::string(SIO_INTEROP_SERVER).empty()) WARN("interop_server is not built: using Node's reference server");
    server_argv = {sio::test::find_on_path("node"), scripts + "/reference-server.js", "0"};
  } else {
    server_argv = {SIO_INTEROP_SERVER, "0"};
  }
  server_argv.insert(server_argv.end(), server_flags.begin(), server_flags.end());
  sio::test::run_node_scenario(server_argv, scripts + "/" + scenario + ".test.js", node_modules, scheme,
                               script_vars);
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
TEST_CASE("shutdown", "[interop]") { run_scenario("shutdown"); }

#ifdef SIO_INTEROP_TLS
// HTTPS and WSS (sio::transport::websocketpp_tls): a self-signed certificate made for this run,
// which the script trusts as its CA.
TEST_CASE("tls", "[interop]") {
  const std::string stem = "interop_tls." + std::to_string(::getpid());
  const std::string cert = stem + ".cert.pem", key = stem + ".key.pem";
  sio::test::make_test_certificate().write(cert, key);
  struct Remove {
    std::vector<std::string> files;
    ~Remove() {
      for (const auto& f : files) std::remove(f.c_str());
    }
  } remove{{cert, key}};
  run_scenario("tls", {"--tls-cert", cert, "--tls-key", key}, "https", {{"SIO_TLS_CA", cert}});
}
#endif
