// JSON writing shaped like JavaScript's JSON.stringify (declared in sio/protocol/detail/json.hpp;
// the reader is in json_reader.cpp).

#include "sio/protocol/detail/json.hpp"

#include <cmath>

#include "sio/detail/utf8.hpp"
#include "string_scan.hpp"

namespace sio::protocol::detail {

namespace {

constexpr char hex_digits[] = "0123456789abcdef";

/// Appends `\u` and four lower-case hex digits, as JSON.stringify writes the escapes it needs.
void append_u_escape(std::string& out, unsigned unit) {
  const char esc[6] = {'\\', 'u', hex_digits[(unit >> 12) & 0xf], hex_digits[(unit >> 8) & 0xf],
                       hex_digits[(unit >> 4) & 0xf], hex_digits[unit & 0xf]};
  out.append(esc, 6);
}

void append_ascii_escape(std::string& out, unsigned char c) {
  switch (c) {
    case '"': out.append("\\\"", 2); break;
    case '\\': out.append("\\\\", 2); break;
    case '\b': out.append("\\b", 2); break;
    case '\f': out.append("\\f", 2); break;
    case '\n': out.append("\\n", 2); break;
    case '\r': out.append("\\r", 2); break;
    case '\t': out.append("\\t", 2); break;
    default: append_u_escape(out, c);
  }
}

/// Appends what stands for the bytes at `p`, which are not well-formed UTF-8, and returns how many
/// it consumed: a surrogate's three-byte form (WTF-8) as the `\udxxx` escape JSON.stringify
/// writes for a lone surrogate, or paired with the low surrogate that follows as the one
/// four-byte character a UTF-16 string would make of them; anything else as U+FFFD.
std::size_t append_ill_formed(std::string& out, const unsigned char* p, std::size_t available) {
  const char16_t unit = sio::detail::wtf8_surrogate(p, available);
  if (unit == 0) {
    out.append("\xef\xbf\xbd", 3);
    return sio::detail::utf8_maximal_subpart(p, available);
  }
  if (unit < 0xdc00) {
    const char16_t low = sio::detail::wtf8_surrogate(p + 3, available - 3);
    if (low >= 0xdc00) {
      sio::detail::append_utf8(out, 0x10000 + ((char32_t(unit) - 0xd800) << 10) + (char32_t(low) - 0xdc00));
      return 6;
    }
  }
  append_u_escape(out, unit);
  return 3;
}

}  // namespace

void append_json_string(std::string& out, const char* s, std::size_t n) {
  out.push_back('"');
  const char* const end = s + n;
  const char* run = s;  // start of the bytes not yet copied
  const char* p = s;
  for (;;) {
    p = skip_plain_ascii(p, end);
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    if (c < 0x80) {
      out.append(run, p);
      append_ascii_escape(out, c);
      run = ++p;
      continue;
    }
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    const auto available = static_cast<std::size_t>(end - p);
    if (const std::size_t len = sio::detail::utf8_sequence_length(u, available)) {
      p += len;
      continue;
    }
    out.append(run, p);
    p += append_ill_formed(out, u, available);
    run = p;
  }
  out.append(run, end);
  out.push_back('"');
}

void append_double(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out.append("null", 4);
    return;
  }
  if (v == 0) {  // both zeros print as "0"
    out.push_back('0');
    return;
  }
  // Shortest round-trip digits in scientific form: [-]d[.ddd]e(+|-)xx.
  char sci[32];
  const auto r = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
  const char* p = sci;
  if (*p == '-') {
    out.push_back('-');
    ++p;
  }
  char digits[20];
  int k = 0;  // number of significant digits
  for (; *p != 'e'; ++p) {
    if (*p != '.') digits[k++] = *p;
  }
  ++p;  // 'e'
  int exp10 = 0;
  std::from_chars(*p == '+' ? p + 1 : p, r.ptr, exp10);
  const int n = exp10 + 1;  // value = 0.digits * 10^n
  if (k <= n && n <= 21) {
    out.append(digits, static_cast<std::size_t>(k));
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, static_cast<std::size_t>(n));
    out.push_back('.');
    out.append(digits + n, static_cast<std::size_t>(k - n));
  } else if (-6 < n && n <= 0) {
    out.append("0.", 2);
    out.append(static_cast<std::size_t>(-n), '0');
    out.append(digits, static_cast<std::size_t>(k));
  } else {
    out.push_back(digits[0]);
    if (k > 1) {
      out.push_back('.');
      out.append(digits + 1, static_cast<std::size_t>(k - 1));
    }
    out.push_back('e');
    out.push_back(n - 1 < 0 ? '-' : '+');
    append_uint(out, static_cast<std::uint64_t>(n - 1 < 0 ? 1 - n : n - 1));
  }
}

void append_json(std::string& out, const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType: out.append("null", 4); return;
    case rapidjson::kFalseType: out.append("false", 5); return;
    case rapidjson::kTrueType: out.append("true", 4); return;
    case rapidjson::kStringType: append_json_string(out, v.GetString(), v.GetStringLength()); return;
    case rapidjson::kNumberType:
      if (v.IsInt64()) {
        append_int(out, v.GetInt64());
      } else if (v.IsUint64()) {
        append_uint(out, v.GetUint64());
      } else {
        append_double(out, v.GetDouble());
      }
      return;
    case rapidjson::kArrayType: {
      out.push_back('[');
      bool first = true;
      for (const auto& e : v.GetArray()) {
        if (!first) out.push_back(',');
        first = false;
        append_json(out, e);
      }
      out.push_back(']');
      return;
    }
    case rapidjson::kObjectType: {
      out.push_back('{');
      bool first = true;
      for (const auto& m : v.GetObject()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, m.name.GetString(), m.name.GetStringLength());
        out.push_back(':');
        append_json(out, m.value);
      }
      out.push_back('}');
      return;
    }
  }
}

}  // namespace sio::protocol::detail
