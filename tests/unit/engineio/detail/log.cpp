#include "sio/engineio/detail/log.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using sio::engineio::detail::append_printable;

namespace {

std::string printable(const std::string& text) {
  std::string line;
  append_printable(line, text);
  return line;
}

}  // namespace

TEST_CASE("log text keeps printable ASCII and UTF-8 as it is") {
  CHECK(printable("") == "");
  CHECK(printable("namespace /chat, \"event\" \\ ok") == "namespace /chat, \"event\" \\ ok");
  CHECK(printable("h\xc3\xa9llo \xf0\x9f\x98\x80") == "h\xc3\xa9llo \xf0\x9f\x98\x80");
}

TEST_CASE("log text escapes control characters and bytes that are not UTF-8") {
  CHECK(printable("a\nb\r\tc") == "a\\x0ab\\x0d\\x09c");
  CHECK(printable("\x1b[31mred") == "\\x1b[31mred");
  CHECK(printable(std::string("nul\0end", 7)) == "nul\\x00end");
  CHECK(printable("del\x7f") == "del\\x7f");
  // C1 controls: CSI (U+009B) is an escape sequence to some terminals.
  CHECK(printable("\xc2\x9b" "2J") == "\\xc2\\x9b2J");
  CHECK(printable("\xc2\xa0") == "\xc2\xa0");  // U+00A0 is printable
  // A surrogate, a stray continuation byte, a truncated sequence, an overlong form.
  CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");
  CHECK(printable("\x80x") == "\\x80x");
  CHECK(printable("\xe2\x82") == "\\xe2\\x82");
  CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");
}

TEST_CASE("a log line is built from printable parts, and not at all without a logger") {
  std::vector<std::string> lines;
  sio::Logger logger = [&](sio::LogLevel, std::string_view m) { lines.emplace_back(m); };
  sio::engineio::detail::log(logger, sio::LogLevel::warn, "namespace ", std::string("/x\nforged"), " refused");
  CHECK(lines == std::vector<std::string>{"namespace /x\\x0aforged refused"});
  sio::engineio::detail::log(sio::Logger{}, sio::LogLevel::warn, "nothing");
  CHECK(lines.size() == 1);
}
