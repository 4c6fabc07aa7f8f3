// Runs one hostile-client script (tests/hostile/<case>.test.js, named by SIO_HOSTILE_SCRIPT, set
// by CTest for each case) against sio's interop server. A script that needs the server set up
// otherwise says so in a line of its own, `// server-args: --cors-origin http://a.example`: those
// words are added to the server's command line (no quoting: arguments hold no spaces).

#include "support/node_scenario.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// The words of the script's `// server-args:` lines, in order.
std::vector<std::string> server_args_of(const std::string& script) {
  static const std::string marker = "// server-args:";
  std::vector<std::string> args;
  std::ifstream in(script);
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, marker.size(), marker) != 0) continue;
    std::istringstream words(line.substr(marker.size()));
    for (std::string w; words >> w;) args.push_back(w);
  }
  return args;
}

}  // namespace

TEST_CASE("a hostile client harms only itself", "[hostile]") {
  const char* script = std::getenv("SIO_HOSTILE_SCRIPT");
  if (!script || !*script) FAIL("SIO_HOSTILE_SCRIPT names no script: run the cases through CTest");
  std::vector<std::string> server_argv{SIO_HOSTILE_SERVER, "0"};
  for (auto& a : server_args_of(script)) server_argv.push_back(std::move(a));
  sio::test::run_node_scenario(server_argv, script, SIO_HOSTILE_NODE_MODULES);
}
