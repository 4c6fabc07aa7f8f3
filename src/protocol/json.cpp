// JSON writing and parsing shaped like JavaScript's (declared in sio/protocol/detail/json.hpp).

#include "sio/protocol/detail/json.hpp"

#include <cmath>

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

namespace sio::protocol::detail {

void append_json_string(std::string& out, const char* s, std::size_t n) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out.append("\\\"", 2); break;
      case '\\': out.append("\\\\", 2); break;
      case '\b': out.append("\\b", 2); break;
      case '\f': out.append("\\f", 2); break;
      case '\n': out.append("\\n", 2); break;
      case '\r': out.append("\\r", 2); break;
      case '\t': out.append("\\t", 2); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xf]};
        out.append(esc, 6);
      }
    }
  }
  out.append(s + run, n - run);
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

namespace {

/// SAX handler that builds a Document and refuses nesting deeper than a limit, so that a hostile
/// payload (`[[[[...`) cannot exhaust the stack of the parser or of the code that walks the value.
class DepthLimitedBuilder {
 public:
  DepthLimitedBuilder(rapidjson::Document& doc, std::size_t max_depth) noexcept
      : doc_(doc), max_depth_(max_depth) {}

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(std::int64_t i) { return doc_.Int64(i); }
  bool Uint64(std::uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return doc_.RawNumber(s, n, copy); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) { return doc_.String(s, n, copy); }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) { return doc_.Key(s, n, copy); }
  bool StartObject() { return ++depth_ <= max_depth_ && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }
  bool StartArray() { return ++depth_ <= max_depth_ && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return doc_.EndArray(elements);
  }

 private:
  rapidjson::Document& doc_;
  std::size_t max_depth_;
  std::size_t depth_ = 0;
};

}  // namespace

bool parse_json(std::string_view text, rapidjson::Document& doc, std::size_t max_depth) {
  // The values are built in `doc`'s pool, through a scratch document and reader that share one
  // stateless stack allocator: RapidJSON would otherwise allocate a separate one for each.
  constexpr std::size_t stack_capacity = 1024;  // RapidJSON's default; it grows as needed
  rapidjson::CrtAllocator stack_allocator;
  rapidjson::Document scratch(&doc.GetAllocator(), stack_capacity, &stack_allocator);
  bool ok = false;
  auto generate = [&](rapidjson::Document& d) {
    rapidjson::MemoryStream stream(text.data(), text.size());
    DepthLimitedBuilder builder(d, max_depth);
    rapidjson::Reader reader(&stack_allocator);
    const rapidjson::ParseResult result =
        reader.Parse<rapidjson::kParseFullPrecisionFlag>(stream, builder);
    // The reader takes a NUL byte for the end of the input; anything left after it is garbage.
    ok = !result.IsError() && stream.Tell() == text.size();
    return ok;
  };
  scratch.Populate(generate);
  // Moves the root value (RapidJSON's assignment moves); what it points to already lives in
  // `doc`'s pool.
  static_cast<rapidjson::Value&>(doc) = static_cast<rapidjson::Value&>(scratch);
  return ok;
}

}  // namespace sio::protocol::detail
