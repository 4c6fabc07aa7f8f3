// The demos' pages in headless Chromium: one test case per scenario, each running
// tests/browser/<demo>.test.js, which starts the demo and the browser itself.

#include "demos/node_test.hpp"

#include <string>
#include <vector>

namespace {
void run_browser_test(const std::string& demo, const std::vector<std::string>& args = {}) {
  demo_test::run_node_test(std::string(SIO_BROWSER_TESTS_DIR) + "/" + demo + ".test.js", args);
}
}  // namespace

TEST_CASE("chat: two pages chat", "[browser]") { run_browser_test("chat", {"talk"}); }
TEST_CASE("chat: a private message reaches only its target", "[browser]") { run_browser_test("chat", {"private"}); }
TEST_CASE("chat: room messages reach only the members", "[browser]") { run_browser_test("chat", {"rooms"}); }
TEST_CASE("chat: a user's markup is shown as text", "[browser]") { run_browser_test("chat", {"escape"}); }
TEST_CASE("chat: a new page shows the last 20 messages after a restart", "[browser]") { run_browser_test("chat", {"restart"}); }
TEST_CASE("news: the page shows both namespaces and the numbers", "[browser]") { run_browser_test("news"); }
TEST_CASE("rooms: each button reaches the pages it should", "[browser]") { run_browser_test("rooms"); }
TEST_CASE("auth: the page is refused, then let in with its cookie read", "[browser]") { run_browser_test("auth"); }
