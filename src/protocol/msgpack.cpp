#include "sio/protocol/msgpack.hpp"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "sio/detail/utf8.hpp"
#include "sio/error.hpp"
#include "sio/protocol/packet.hpp"

namespace sio::protocol::msgpack {

// ---- Writer -------------------------------------------------------------------------------------

void Writer::be(std::uint64_t v, int bytes) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) out_.push_back(static_cast<char>((v >> shift) & 0xff));
}

void Writer::header(std::uint8_t fix_base, std::size_t fix_max, std::uint8_t code16, std::uint8_t code32,
                    std::size_t size) {
  if (size <= fix_max) {
    out_.push_back(static_cast<char>(fix_base | size));
  } else if (size <= 0xffff) {
    out_.push_back(static_cast<char>(code16));
    be(size, 2);
  } else {
    out_.push_back(static_cast<char>(code32));
    be(size, 4);
  }
}

void Writer::nil() { out_.push_back(static_cast<char>(0xc0)); }

void Writer::boolean(bool v) { out_.push_back(static_cast<char>(v ? 0xc3 : 0xc2)); }

void Writer::unsigned_integer(std::uint64_t v) {
  if (v < 0x80) {
    out_.push_back(static_cast<char>(v));
  } else if (v <= 0xff) {
    out_.push_back(static_cast<char>(0xcc));
    be(v, 1);
  } else if (v <= 0xffff) {
    out_.push_back(static_cast<char>(0xcd));
    be(v, 2);
  } else if (v <= 0xffffffffu) {
    out_.push_back(static_cast<char>(0xce));
    be(v, 4);
  } else {
    out_.push_back(static_cast<char>(0xcf));
    be(v, 8);
  }
}

void Writer::integer(std::int64_t v) {
  if (v >= 0) return unsigned_integer(static_cast<std::uint64_t>(v));
  const auto bits = static_cast<std::uint64_t>(v);
  if (v >= -32) {
    out_.push_back(static_cast<char>(bits & 0xff));  // negative fixint
  } else if (v >= -128) {
    out_.push_back(static_cast<char>(0xd0));
    be(bits, 1);
  } else if (v >= -32768) {
    out_.push_back(static_cast<char>(0xd1));
    be(bits, 2);
  } else if (v >= -2147483648LL) {
    out_.push_back(static_cast<char>(0xd2));
    be(bits, 4);
  } else {
    out_.push_back(static_cast<char>(0xd3));
    be(bits, 8);
  }
}

void Writer::number(double v) {
  // notepack.io writes every integral number as an integer (Math.floor(v) === v && isFinite(v)),
  // and wraps those past 2^64. Here only JavaScript's safe integers (|v| <= 2^53) are: past them
  // a double stands for a range of integers, and float 64 says exactly which double it is, so
  // that reading it back gives the same number, written the same way.
  constexpr double max_safe = 9007199254740992.0;  // 2^53
  if (std::isfinite(v) && std::floor(v) == v && v >= -max_safe && v <= max_safe) {
    if (v < 0) return integer(static_cast<std::int64_t>(v));
    return unsigned_integer(static_cast<std::uint64_t>(v));
  }
  out_.push_back(static_cast<char>(0xcb));
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  be(bits, 8);
}

void Writer::string(std::string_view v) {
  if (v.size() < 32) {
    out_.push_back(static_cast<char>(0xa0 | v.size()));
  } else if (v.size() <= 0xff) {
    out_.push_back(static_cast<char>(0xd9));
    be(v.size(), 1);
  } else if (v.size() <= 0xffff) {
    out_.push_back(static_cast<char>(0xda));
    be(v.size(), 2);
  } else {
    out_.push_back(static_cast<char>(0xdb));
    be(v.size(), 4);
  }
  out_.append(v);
}

void Writer::binary(std::string_view v) {
  if (v.size() <= 0xff) {
    out_.push_back(static_cast<char>(0xc4));
    be(v.size(), 1);
  } else if (v.size() <= 0xffff) {
    out_.push_back(static_cast<char>(0xc5));
    be(v.size(), 2);
  } else {
    out_.push_back(static_cast<char>(0xc6));
    be(v.size(), 4);
  }
  out_.append(v);
}

void Writer::array(std::size_t size) { header(0x90, 15, 0xdc, 0xdd, size); }

void Writer::map(std::size_t size) { header(0x80, 15, 0xde, 0xdf, size); }

void Writer::value(const rapidjson::Value& v, const std::vector<std::string>* attachments) {
  switch (v.GetType()) {
    case rapidjson::kNullType: return nil();
    case rapidjson::kFalseType: return boolean(false);
    case rapidjson::kTrueType: return boolean(true);
    case rapidjson::kStringType: return string(std::string_view(v.GetString(), v.GetStringLength()));
    case rapidjson::kNumberType:
      if (v.IsUint64()) return unsigned_integer(v.GetUint64());
      if (v.IsInt64()) return integer(v.GetInt64());
      return number(v.GetDouble());
    case rapidjson::kArrayType:
      array(v.Size());
      for (const auto& e : v.GetArray()) value(e, attachments);
      return;
    case rapidjson::kObjectType: {
      std::size_t num = 0;
      if (attachments && is_placeholder(v, &num) && num < attachments->size()) return binary((*attachments)[num]);
      map(v.MemberCount());
      for (const auto& m : v.GetObject()) {
        string(std::string_view(m.name.GetString(), m.name.GetStringLength()));
        value(m.value, attachments);
      }
      return;
    }
  }
}

// ---- read ---------------------------------------------------------------------------------------

namespace {

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm, proleptic Gregorian).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

class Reader {
 public:
  Reader(std::string_view in, rapidjson::MemoryPoolAllocator<>& alloc, std::vector<std::string>* attachments,
         const ReadLimits& limits)
      : p_(reinterpret_cast<const unsigned char*>(in.data())), end_(p_ + in.size()), alloc_(alloc),
        attachments_(attachments), limits_(limits) {}

  bool value(rapidjson::Value& out, std::size_t depth) {
    if (p_ == end_) return false;
    const unsigned c = *p_++;
    if (c <= 0x7f) return out.SetUint64(c), true;
    if (c >= 0xe0) return out.SetInt64(static_cast<std::int8_t>(c)), true;
    if ((c & 0xe0) == 0xa0) return str(out, c & 0x1f);
    if ((c & 0xf0) == 0x90) return arr(out, c & 0x0f, depth);
    if ((c & 0xf0) == 0x80) return obj(out, c & 0x0f, depth);
    std::uint64_t n = 0;
    switch (c) {
      case 0xc0: return out.SetNull(), true;
      case 0xc2: return out.SetBool(false), true;
      case 0xc3: return out.SetBool(true), true;
      case 0xc4: return be(1, n) && bin(out, n);
      case 0xc5: return be(2, n) && bin(out, n);
      case 0xc6: return be(4, n) && bin(out, n);
      case 0xc7: return be(1, n) && ext(out, n);
      case 0xc8: return be(2, n) && ext(out, n);
      case 0xc9: return be(4, n) && ext(out, n);
      case 0xca: {
        if (!be(4, n)) return false;
        const auto bits = static_cast<std::uint32_t>(n);
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return set_double(out, f);
      }
      case 0xcb: {
        if (!be(8, n)) return false;
        double d;
        std::memcpy(&d, &n, sizeof d);
        return set_double(out, d);
      }
      case 0xcc: return be(1, n) && (out.SetUint64(n), true);
      case 0xcd: return be(2, n) && (out.SetUint64(n), true);
      case 0xce: return be(4, n) && (out.SetUint64(n), true);
      case 0xcf: return be(8, n) && (out.SetUint64(n), true);
      case 0xd0: return be(1, n) && (out.SetInt64(static_cast<std::int8_t>(n)), true);
      case 0xd1: return be(2, n) && (out.SetInt64(static_cast<std::int16_t>(n)), true);
      case 0xd2: return be(4, n) && (out.SetInt64(static_cast<std::int32_t>(n)), true);
      case 0xd3: return be(8, n) && (out.SetInt64(static_cast<std::int64_t>(n)), true);
      case 0xd4: return ext(out, 1);
      case 0xd5: return ext(out, 2);
      case 0xd6: return ext(out, 4);
      case 0xd7: return ext(out, 8);
      case 0xd8: return ext(out, 16);
      case 0xd9: return be(1, n) && str(out, n);
      case 0xda: return be(2, n) && str(out, n);
      case 0xdb: return be(4, n) && str(out, n);
      case 0xdc: return be(2, n) && arr(out, n, depth);
      case 0xdd: return be(4, n) && arr(out, n, depth);
      case 0xde: return be(2, n) && obj(out, n, depth);
      case 0xdf: return be(4, n) && obj(out, n, depth);
      default: return false;  // 0xc1: never used
    }
  }

  std::size_t consumed(std::string_view in) const noexcept {
    return static_cast<std::size_t>(p_ - reinterpret_cast<const unsigned char*>(in.data()));
  }

 private:
  std::size_t left() const noexcept { return static_cast<std::size_t>(end_ - p_); }

  bool be(int bytes, std::uint64_t& n) {
    if (left() < static_cast<std::size_t>(bytes)) return false;
    n = 0;
    for (int i = 0; i < bytes; ++i) n = (n << 8) | *p_++;
    return true;
  }

  // JSON has no NaN nor infinities: JSON.stringify writes null for them, and so does sio's
  // writer; a value read here is kept as the double, which every writer of sio handles.
  static bool set_double(rapidjson::Value& out, double d) {
    out.SetDouble(d);
    return true;
  }

  bool str(rapidjson::Value& out, std::uint64_t n) {
    if (n > left()) return false;
    const std::string_view s(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
    if (!detail::is_valid_utf8(s)) return false;
    out.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc_);
    p_ += n;
    return true;
  }

  bool bin(rapidjson::Value& out, std::uint64_t n) {
    if (n > left() || !attachments_) return false;
    attachments_->emplace_back(reinterpret_cast<const char*>(p_), static_cast<std::size_t>(n));
    make_placeholder(out, attachments_->size() - 1, alloc_);
    p_ += n;
    return true;
  }

  // Every element takes at least one byte: a count over the bytes left is malformed, and is
  // refused before anything is reserved for it.
  bool arr(rapidjson::Value& out, std::uint64_t n, std::size_t depth) {
    if (n > left() || depth >= limits_.max_depth) return false;
    out.SetArray();
    out.Reserve(static_cast<rapidjson::SizeType>(n), alloc_);
    for (std::uint64_t i = 0; i < n; ++i) {
      rapidjson::Value e;
      if (!value(e, depth + 1)) return false;
      out.PushBack(e, alloc_);
    }
    return true;
  }

  bool obj(rapidjson::Value& out, std::uint64_t n, std::size_t depth) {
    if (n > left() / 2 || depth >= limits_.max_depth) return false;
    out.SetObject();
    for (std::uint64_t i = 0; i < n; ++i) {
      rapidjson::Value key;
      if (p_ == end_) return false;
      const unsigned c = *p_;
      // Keys are strings: fixstr, str 8, 16, 32.
      if (!((c & 0xe0) == 0xa0 || c == 0xd9 || c == 0xda || c == 0xdb)) return false;
      if (!value(key, depth + 1)) return false;
      rapidjson::Value v;
      if (!value(v, depth + 1)) return false;
      out.AddMember(key, v, alloc_);
    }
    return true;
  }

  bool ext(rapidjson::Value& out, std::uint64_t n) {
    if (left() < 1 || n > left() - 1) return false;
    const auto type = static_cast<std::int8_t>(*p_++);
    const unsigned char* data = p_;
    p_ += n;
    if (type == 0 && n == 1) return out.SetNull(), true;  // notepack.io's old `undefined`
    if (type != -1) return false;
    // The timestamp extension: 32 bits of seconds; 30 of nanoseconds and 34 of seconds; or 32 of
    // nanoseconds and 64 of signed seconds.
    std::int64_t seconds = 0;
    std::uint32_t nanos = 0;
    auto get = [&](int at, int bytes) {
      std::uint64_t v = 0;
      for (int i = 0; i < bytes; ++i) v = (v << 8) | data[at + i];
      return v;
    };
    if (n == 4) {
      seconds = static_cast<std::int64_t>(get(0, 4));
    } else if (n == 8) {
      const std::uint64_t v = get(0, 8);
      nanos = static_cast<std::uint32_t>(v >> 34);
      seconds = static_cast<std::int64_t>(v & 0x3ffffffffull);
    } else if (n == 12) {
      nanos = static_cast<std::uint32_t>(get(0, 4));
      seconds = static_cast<std::int64_t>(get(4, 8));
    } else {
      return false;
    }
    if (nanos >= 1000000000u) return false;
    // JavaScript's Date holds ±8.64e15 ms: toJSON() throws past it; refused here too.
    constexpr std::int64_t max_seconds = 8640000000000;
    if (seconds > max_seconds || seconds < -max_seconds) return false;
    std::int64_t days = seconds / 86400;
    std::int64_t rest = seconds % 86400;
    if (rest < 0) {
      rest += 86400;
      --days;
    }
    std::int64_t year;
    unsigned month, day;
    civil_from_days(days, year, month, day);
    char text[40];
    const unsigned ms = nanos / 1000000u;
    const int hh = static_cast<int>(rest / 3600), mm = static_cast<int>(rest / 60 % 60), ss = static_cast<int>(rest % 60);
    int len;
    if (year >= 0 && year <= 9999)
      len = std::snprintf(text, sizeof text, "%04lld-%02u-%02uT%02d:%02d:%02d.%03uZ", static_cast<long long>(year), month,
                          day, hh, mm, ss, ms);
    else  // JavaScript's expanded years: a sign and six digits
      len = std::snprintf(text, sizeof text, "%+07lld-%02u-%02uT%02d:%02d:%02d.%03uZ", static_cast<long long>(year),
                          month, day, hh, mm, ss, ms);
    out.SetString(text, static_cast<rapidjson::SizeType>(len), alloc_);
    return true;
  }

  const unsigned char* p_;
  const unsigned char* const end_;
  rapidjson::MemoryPoolAllocator<>& alloc_;
  std::vector<std::string>* attachments_;
  const ReadLimits& limits_;
};

}  // namespace

std::error_code read(std::string_view in, rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc,
                     std::vector<std::string>* attachments, std::size_t& consumed, const ReadLimits& limits) {
  const std::size_t attachments_before = attachments ? attachments->size() : 0;
  Reader reader(in, alloc, attachments, limits);
  if (!reader.value(out, 0)) {
    out.SetNull();
    if (attachments) attachments->resize(attachments_before);
    consumed = 0;
    return error::invalid_payload;
  }
  consumed = reader.consumed(in);
  return {};
}

std::error_code read_all(std::string_view in, rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc,
                         std::vector<std::string>* attachments, const ReadLimits& limits) {
  std::size_t consumed = 0;
  const std::size_t attachments_before = attachments ? attachments->size() : 0;
  if (auto ec = read(in, out, alloc, attachments, consumed, limits)) return ec;
  if (consumed != in.size()) {
    out.SetNull();
    if (attachments) attachments->resize(attachments_before);
    return error::invalid_payload;
  }
  return {};
}

}  // namespace sio::protocol::msgpack
