// Printable log lines (declared in sio/engineio/detail/log.hpp).

#include "sio/engineio/detail/log.hpp"

#include "sio/detail/utf8.hpp"

namespace sio::engineio::detail {

void append_printable(std::string& line, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  const auto escape = [&line](unsigned char c) {
    const char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 0xf]};
    line.append(esc, 4);
  };
  while (p < end) {
    const unsigned char c = *p;
    if (c >= 0x20 && c < 0x7f) {
      line.push_back(static_cast<char>(c));
      ++p;
      continue;
    }
    const std::size_t len = c < 0x80 ? 0 : sio::detail::utf8_sequence_length(p, static_cast<std::size_t>(end - p));
    // U+0080..U+009F (C2 80..C2 9F) are the C1 controls: CSI among them.
    if (len == 0 || (c == 0xc2 && p[1] < 0xa0)) {
      for (std::size_t i = 0; i < (len ? len : 1); ++i) escape(p[i]);
      p += len ? len : 1;
      continue;
    }
    line.append(reinterpret_cast<const char*>(p), len);
    p += len;
  }
}

}  // namespace sio::engineio::detail
