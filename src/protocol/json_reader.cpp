// The JSON reader (parse_json, declared in sio/protocol/detail/json.hpp): JSON.parse's grammar and
// values, built into a RapidJSON document. RapidJSON's own reader differs from JSON.parse where a
// client can reach it: it refuses lone surrogate escapes, decodes a lone low surrogate into bytes
// that are not UTF-8, refuses numbers beyond a double's range and overflows an int on long
// exponents, and keeps duplicate keys.

#include "sio/protocol/detail/json.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <forward_list>
#include <optional>
#include <limits>
#include <vector>

#include "sio/detail/utf8.hpp"
#include "string_scan.hpp"

namespace sio::protocol::detail {

namespace {

constexpr bool is_ws(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

/// A stack that keeps its first N elements inside itself: reading a typical payload then
/// allocates nothing beyond the document. T is trivially copyable.
template <class T, std::size_t N>
class SmallStack {
 public:
  SmallStack() = default;
  SmallStack(const SmallStack&) = delete;
  SmallStack& operator=(const SmallStack&) = delete;

  void push_back(const T& v) {
    if (size_ == capacity_) grow();
    data_[size_++] = v;
  }
  void pop_back() noexcept { --size_; }
  void resize(std::size_t n) noexcept { size_ = n; }  // only to shrink
  T& back() noexcept { return data_[size_ - 1]; }
  const T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

 private:
  void grow() {
    if (data_ == inline_) heap_.assign(inline_, inline_ + size_);
    capacity_ *= 2;
    heap_.resize(capacity_);
    data_ = heap_.data();
  }

  T inline_[N];
  std::vector<T> heap_;
  T* data_ = inline_;
  std::size_t size_ = 0;
  std::size_t capacity_ = N;
};

/// Objects this small are checked for a repeated key pair by pair; larger ones by sorting, so
/// that a hostile object with many keys costs n log n, not n squared.
constexpr std::size_t pairwise_limit = 16;

/// The value of `key` when it is an array index (the canonical decimal form of 0 .. 2^32 - 2):
/// JavaScript lists such keys first, in ascending order, whatever order they were written in.
std::optional<std::uint32_t> array_index(std::string_view key) noexcept {
  if (key.empty() || key.size() > 10 || !is_digit(key[0]) || (key[0] == '0' && key.size() > 1)) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : key) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 0xfffffffeull) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

/// True when two of `keys` are equal. Reorders `scratch`.
bool any_repeated(const std::string_view* keys, std::size_t n, std::vector<std::string_view>& scratch) {
  if (n <= pairwise_limit) {
    for (std::size_t i = 1; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (keys[i] == keys[j]) return true;
    return false;
  }
  scratch.assign(keys, keys + n);
  std::sort(scratch.begin(), scratch.end());
  return std::adjacent_find(scratch.begin(), scratch.end()) != scratch.end();
}

std::string_view name_of(const rapidjson::Value::Member& m) noexcept {
  return std::string_view(m.name.GetString(), m.name.GetStringLength());
}

/// Gives `object` the members JSON.parse would: for a repeated key, the last value at the place of
/// the first; then array-index keys first, in ascending order. False when `object` holds
/// `unambiguous_key` and repeats a key: it is then left as it was.
bool normalize_object(rapidjson::Value& object, std::string_view unambiguous_key) {
  const std::size_t n = object.MemberCount();
  if (n < 2) return true;
  auto* const m = &*object.MemberBegin();
  // Order of the members by key, then by position: equal keys are neighbours, first one first.
  std::vector<std::size_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [m](std::size_t a, std::size_t b) {
    const auto ka = name_of(m[a]), kb = name_of(m[b]);
    return ka < kb || (ka == kb && a < b);
  });
  std::vector<bool> dropped(n, false);
  bool repeated = false, has_unambiguous = false;
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i + 1;
    while (j < n && name_of(m[order[j]]) == name_of(m[order[i]])) ++j;
    if (!unambiguous_key.empty() && name_of(m[order[i]]) == unambiguous_key) has_unambiguous = true;
    if (j - i > 1) {
      repeated = true;
      for (std::size_t k = i + 1; k < j; ++k) dropped[order[k]] = true;
      // Done below, after the check: a refused object is left untouched.
    }
    i = j;
  }
  if (repeated && has_unambiguous) return false;
  if (repeated) {
    for (std::size_t i = 0; i < n;) {
      std::size_t j = i + 1;
      while (j < n && name_of(m[order[j]]) == name_of(m[order[i]])) ++j;
      if (j - i > 1) m[order[i]].value = m[order[j - 1]].value;  // RapidJSON's assignment moves
      i = j;
    }
  }
  // Array indices first, ascending; the other keys after them in their order (a stable sort).
  std::vector<std::pair<std::uint64_t, std::size_t>> place;  // (rank, position)
  place.reserve(n);
  constexpr std::uint64_t not_an_index = std::uint64_t{1} << 32;
  for (std::size_t i = 0; i < n; ++i) {
    if (dropped[i]) continue;
    const auto index = array_index(name_of(m[i]));
    place.emplace_back(index ? *index : not_an_index, i);
  }
  std::stable_sort(place.begin(), place.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  // Members move into a buffer and back in their new order; RapidJSON values move by assignment.
  std::vector<rapidjson::Value> names(place.size()), values(place.size());
  for (std::size_t k = 0; k < place.size(); ++k) {
    names[k] = m[place[k].second].name;
    values[k] = m[place[k].second].value;
  }
  for (std::size_t k = 0; k < place.size(); ++k) {
    m[k].name = names[k];
    m[k].value = values[k];
  }
  while (object.MemberCount() > place.size()) object.RemoveMember(object.MemberEnd() - 1);
  return true;
}

/// normalize_object() on every object in `root`, walking with a stack of its own: the depth of a
/// document the server wrote itself is not bounded.
bool normalize_objects(rapidjson::Value& root, std::string_view unambiguous_key) {
  std::vector<rapidjson::Value*> todo{&root};
  while (!todo.empty()) {
    rapidjson::Value* v = todo.back();
    todo.pop_back();
    if (v->IsArray()) {
      for (auto& e : v->GetArray())
        if (e.IsObject() || e.IsArray()) todo.push_back(&e);
    } else if (v->IsObject()) {
      if (!normalize_object(*v, unambiguous_key)) return false;
      for (auto& mem : v->GetObject())
        if (mem.value.IsObject() || mem.value.IsArray()) todo.push_back(&mem.value);
    }
  }
  return true;
}

/// Reads one JSON text into a Document through its SAX interface, iteratively: the depth limit,
/// not the C++ stack, bounds nesting.
class Reader {
 public:
  Reader(std::string_view text, std::size_t max_depth) noexcept
      : p_(text.data()), end_(text.data() + text.size()), max_depth_(max_depth) {}

  /// Feeds `doc` the one value of the text; false on any error (the caller drops what was fed).
  bool read(rapidjson::Document& doc) {
    doc_ = &doc;
    skip_ws();
    for (;;) {
      if (!value()) return false;
      // A value is complete: continue its container, close containers, or end the text.
      for (;;) {
        if (frames_.empty()) {
          skip_ws();
          return p_ == end_;
        }
        Frame& f = frames_.back();
        ++f.count;
        skip_ws();
        if (p_ == end_) return false;
        if (*p_ == ',') {
          ++p_;
          skip_ws();
          if (f.object && !key()) return false;
          break;  // the next value
        }
        if (*p_ != (f.object ? '}' : ']')) return false;
        ++p_;
        if (f.object) {
          const std::size_t n = keys_.size() - f.keys_start;
          if (f.maybe_repeated && any_repeated(keys_.data() + f.keys_start, n, scratch_)) normalize_ = true;
          keys_.resize(f.keys_start);
          doc_->EndObject(f.count);
        } else {
          doc_->EndArray(f.count);
        }
        frames_.pop_back();
      }
    }
  }

  /// True when an object repeats a key or lists array-index keys out of JavaScript's order: the
  /// document then needs normalize_objects().
  bool needs_normalizing() const noexcept { return normalize_; }

 private:
  struct Frame {
    bool object;
    rapidjson::SizeType count = 0;
    std::size_t keys_start = 0;  // this object's keys in keys_
    std::uint64_t last_index = 0;  // 1 + the last array-index key seen, 0 for none
    bool named = false;          // a key that is not an array index was seen
    // One bit per key, from a cheap hash of it: only when two keys share a bit can the object
    // repeat a key, and only then are its keys compared.
    std::uint64_t key_bits = 0;
    bool maybe_repeated = false;
  };

  void skip_ws() noexcept {
    while (p_ != end_ && is_ws(*p_)) ++p_;
  }

  bool literal(const char* word, std::size_t n) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
    p_ += n;
    return true;
  }

  /// One value at p_ (whitespace before it already skipped). Opening a container counts as a value
  /// only once it is closed; then the caller's loop takes over from `read`.
  bool value() {
    for (;;) {
      if (p_ == end_) return false;
      switch (*p_) {
        case '{':
        case '[': {
          const bool object = *p_ == '{';
          if (frames_.size() >= max_depth_) return false;
          ++p_;
          skip_ws();
          if (p_ != end_ && *p_ == (object ? '}' : ']')) {
            ++p_;
            if (object) {
              doc_->StartObject();
              doc_->EndObject(0);
            } else {
              doc_->StartArray();
              doc_->EndArray(0);
            }
            return true;
          }
          if (object) doc_->StartObject();
          else doc_->StartArray();
          frames_.push_back(Frame{object});
          frames_.back().keys_start = keys_.size();
          if (object && !key()) return false;
          continue;  // the container's first value
        }
        case '"': return string(false);
        case 't': return literal("true", 4) && doc_->Bool(true);
        case 'f': return literal("false", 5) && doc_->Bool(false);
        case 'n': return literal("null", 4) && doc_->Null();
        default: return number();
      }
    }
  }

  /// A member's key and its colon, up to the value (whitespace skipped).
  bool key() {
    if (p_ == end_ || *p_ != '"' || !string(true)) return false;
    skip_ws();
    if (p_ == end_ || *p_ != ':') return false;
    ++p_;
    skip_ws();
    return true;
  }

  /// A string at p_ (on its opening quote), as a value or as a key.
  bool string(bool is_key) {
    const char* const start = ++p_;
    p_ = skip_plain_string_bytes(p_, end_);
    if (p_ == end_) return false;
    std::string_view s;
    if (*p_ == '"') {
      s = std::string_view(start, static_cast<std::size_t>(p_ - start));
    } else {
      buffer_.assign(start, p_);
      if (!unescape()) return false;
      s = buffer_;
      // The key must outlive buffer_ until its object is checked for repeats.
      if (is_key) s = escaped_keys_.emplace_front(buffer_);
    }
    ++p_;  // the closing quote
    if (s.size() > std::numeric_limits<rapidjson::SizeType>::max()) return false;
    const auto n = static_cast<rapidjson::SizeType>(s.size());
    if (!is_key) return doc_->String(s.data(), n, true);
    note_key(s);
    return doc_->Key(s.data(), n, true);
  }

  static unsigned key_hash(std::string_view key) noexcept {
    if (key.empty()) return 0;
    const auto first = static_cast<unsigned char>(key.front());
    const auto last = static_cast<unsigned char>(key.back());
    return static_cast<unsigned>(key.size() * 7u + first * 31u + last * 131u) ^ (static_cast<unsigned>(key.size()) >> 6);
  }

  void note_key(std::string_view key) {
    Frame& f = frames_.back();
    keys_.push_back(key);
    const std::uint64_t bit = std::uint64_t{1} << (key_hash(key) & 63);
    if (f.key_bits & bit) f.maybe_repeated = true;
    f.key_bits |= bit;
    if (!key.empty() && is_digit(key[0])) {
      if (const auto index = array_index(key)) {
        if (f.named || *index + std::uint64_t{1} <= f.last_index) normalize_ = true;
        f.last_index = *index + std::uint64_t{1};
        return;
      }
    }
    f.named = true;
  }

  /// The rest of a string holding escapes (or a control character), appended to buffer_; stops on
  /// the closing quote.
  bool unescape() {
    for (;;) {
      if (p_ == end_) return false;
      const auto c = static_cast<unsigned char>(*p_);
      if (c == '"') return true;
      if (c < 0x20) return false;  // JSON.parse refuses raw control characters
      if (c != '\\') {
        const char* run = p_;
        p_ = skip_plain_string_bytes(p_, end_);
        buffer_.append(run, p_);
        continue;
      }
      if (end_ - p_ < 2) return false;
      const char e = p_[1];
      p_ += 2;
      switch (e) {
        case '"': buffer_.push_back('"'); break;
        case '\\': buffer_.push_back('\\'); break;
        case '/': buffer_.push_back('/'); break;
        case 'b': buffer_.push_back('\b'); break;
        case 'f': buffer_.push_back('\f'); break;
        case 'n': buffer_.push_back('\n'); break;
        case 'r': buffer_.push_back('\r'); break;
        case 't': buffer_.push_back('\t'); break;
        case 'u': {
          char32_t unit = 0;
          if (!hex4(unit)) return false;
          if (unit >= 0xd800 && unit < 0xdc00 && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
            // A high surrogate pairs with a low one right after it; otherwise it stays alone.
            const char* const at = p_;
            p_ += 2;
            char32_t low = 0;
            if (hex4(low) && low >= 0xdc00 && low < 0xe000) {
              unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
            } else {
              p_ = at;  // read again as an escape of its own
            }
          }
          // A lone surrogate takes its three-byte (WTF-8) form; the writer escapes it again.
          sio::detail::append_utf8(buffer_, unit);
          break;
        }
        default: return false;
      }
    }
  }

  bool hex4(char32_t& unit) noexcept {
    if (end_ - p_ < 4) return false;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      unsigned d;
      if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
      else return false;
      unit = (unit << 4) | d;
    }
    return true;
  }

  /// A number, JSON's grammar exactly, read as JSON.parse reads it: the IEEE double nearest to it
  /// (infinite beyond the largest, zero below the smallest). An integer within 2^53 of zero, which
  /// a double holds exactly, is kept as an integer.
  bool number() {
    const char* const start = p_;
    if (*p_ == '-') ++p_;
    if (p_ == end_ || !is_digit(*p_)) return false;
    const char* const int_start = p_;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && is_digit(*p_)) ++p_;
    }
    const char* const int_end = p_;
    const char* frac_end = p_;
    bool integral = true;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !is_digit(*p_)) return false;
      while (p_ != end_ && is_digit(*p_)) ++p_;
      frac_end = p_;
      integral = false;
    }
    std::int64_t exponent = 0;  // saturated: only its sign matters once it is this large
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      bool negative = false;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) negative = *p_++ == '-';
      if (p_ == end_ || !is_digit(*p_)) return false;
      for (; p_ != end_ && is_digit(*p_); ++p_) {
        if (exponent < 1'000'000'000) exponent = exponent * 10 + (*p_ - '0');
      }
      if (negative) exponent = -exponent;
      integral = false;
    }
    const bool negative = *start == '-';
    constexpr std::uint64_t exact = std::uint64_t{1} << 53;
    if (integral && int_end - int_start <= 16) {
      std::uint64_t v = 0;
      for (const char* q = int_start; q != int_end; ++q) v = v * 10 + static_cast<std::uint64_t>(*q - '0');
      if (v <= exact) {
        if (!negative) return doc_->Uint64(v);
        if (v != 0) return doc_->Int64(-static_cast<std::int64_t>(v));
        return doc_->Double(-0.0);  // JSON.parse("-0") is negative zero
      }
    }
    double d = 0;
    const auto r = std::from_chars(start, p_, d);
    if (r.ec == std::errc::result_out_of_range) {
      // Beyond a double's range one way or the other: the place of the first significant digit
      // tells which (digits after the point count down from -1).
      std::int64_t magnitude = 0;
      const char* q = int_start;
      while (q != int_end && *q == '0') ++q;
      if (q != int_end) {
        magnitude = int_end - q - 1;
      } else {
        q = int_end + 1;
        while (q < frac_end && *q == '0') ++q;
        magnitude = -(q - int_end);
      }
      d = magnitude + exponent > 0 ? std::numeric_limits<double>::infinity() : 0.0;
      if (negative) d = -d;
    } else if (r.ec != std::errc() || r.ptr != p_) {
      return false;
    }
    return doc_->Double(d);
  }

  const char* p_;
  const char* const end_;
  const std::size_t max_depth_;
  rapidjson::Document* doc_ = nullptr;
  SmallStack<Frame, 16> frames_;
  SmallStack<std::string_view, 32> keys_;    // the keys of the open objects, outermost first
  std::forward_list<std::string> escaped_keys_;  // where keys_ points for keys that held escapes
  std::vector<std::string_view> scratch_;
  std::string buffer_;
  bool normalize_ = false;
};

}  // namespace

bool parse_json(std::string_view text, rapidjson::Document& doc, std::size_t max_depth,
                std::string_view unambiguous_key) {
  // The values are built in `doc`'s pool, through a scratch document whose stack is allocated
  // apart: `doc`'s pool never frees, and the stack is only needed while reading.
  constexpr std::size_t stack_capacity = 1024;  // RapidJSON's default; it grows as needed
  rapidjson::CrtAllocator stack_allocator;
  rapidjson::Document scratch(&doc.GetAllocator(), stack_capacity, &stack_allocator);
  Reader reader(text, max_depth);
  bool ok = false;
  auto generate = [&](rapidjson::Document& d) { return ok = reader.read(d); };
  scratch.Populate(generate);
  if (ok && reader.needs_normalizing()) ok = normalize_objects(scratch, unambiguous_key);
  if (!ok) scratch.SetNull();
  // Moves the root value (RapidJSON's assignment moves); what it points to already lives in
  // `doc`'s pool.
  static_cast<rapidjson::Value&>(doc) = static_cast<rapidjson::Value&>(scratch);
  return ok;
}

}  // namespace sio::protocol::detail
