// Runs one hostile-client script (tests/hostile/<case>.test.js, named by SIO_HOSTILE_SCRIPT, set
// by CTest for each case) against sio's interop server, started with the options in
// SIO_HOSTILE_SERVER_ARGS (space-separated, from the script's `// server:` line).

#include "support/node_scenario.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

TEST_CASE("a hostile client harms only itself", "[hostile]") {
  const char* script = std::getenv("SIO_HOSTILE_SCRIPT");
  if (!script || !*script) FAIL("SIO_HOSTILE_SCRIPT names no script: run the cases through CTest");
  std::vector<std::string> server_argv{SIO_HOSTILE_SERVER, "0"};
  if (const char* args = std::getenv("SIO_HOSTILE_SERVER_ARGS")) {
    std::istringstream words(args);
    for (std::string w; words >> w;) server_argv.push_back(w);
  }
  sio::test::run_node_scenario(server_argv, script, SIO_HOSTILE_NODE_MODULES);
}
