// Runs one hostile-client script (tests/hostile/<case>.test.js, named by SIO_HOSTILE_SCRIPT, set
// by CTest for each case) against sio's interop server.

#include "support/node_scenario.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

TEST_CASE("a hostile client harms only itself", "[hostile]") {
  const char* script = std::getenv("SIO_HOSTILE_SCRIPT");
  if (!script || !*script) FAIL("SIO_HOSTILE_SCRIPT names no script: run the cases through CTest");
  sio::test::run_node_scenario({SIO_HOSTILE_SERVER, "0"}, script, SIO_HOSTILE_NODE_MODULES);
}
