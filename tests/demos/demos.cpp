// The demos' event protocols with the official Node client (socket.io-client), one test case per
// demo: each runs tests/demos/<demo>.test.js, which starts the demo itself on a free port.

#include "demos/node_test.hpp"

#include <string>

namespace {
void run_demo_test(const std::string& demo) {
  demo_test::run_node_test(std::string(SIO_DEMO_TESTS_DIR) + "/" + demo + ".test.js");
}
}  // namespace

TEST_CASE("chat protocol", "[demos]") { run_demo_test("chat"); }
TEST_CASE("news protocol", "[demos]") { run_demo_test("news"); }
TEST_CASE("rooms protocol", "[demos]") { run_demo_test("rooms"); }
TEST_CASE("auth protocol", "[demos]") { run_demo_test("auth"); }
