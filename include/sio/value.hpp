#pragma once
/// \file
/// Values an application emits: JSON built from C++ values without RapidJSON allocator code,
/// and binary buffers that travel as Socket.IO attachments.

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <rapidjson/document.h>

namespace sio {

/// A binary buffer sent as a Socket.IO attachment (a Node `Buffer` on the client).
///
/// \code
/// socket.emit("image", sio::Binary(bytes.data(), bytes.size()));
/// \endcode
class Binary {
 public:
  Binary() = default;
  /// Copies `size` bytes from `data`.
  Binary(const void* data, std::size_t size) : bytes_(static_cast<const char*>(data), size) {}
  /// Copies the bytes of `bytes`.
  explicit Binary(std::string_view bytes) : bytes_(bytes) {}
  /// Copies the bytes of a NUL-terminated string (without the NUL).
  explicit Binary(const char* bytes) : bytes_(bytes) {}
  /// Takes the bytes of `bytes`.
  explicit Binary(std::string&& bytes) noexcept : bytes_(std::move(bytes)) {}
  /// Copies a byte vector.
  template <class Byte, class = std::enable_if_t<sizeof(Byte) == 1 && std::is_trivial_v<Byte>>>
  explicit Binary(const std::vector<Byte>& bytes)
      : bytes_(reinterpret_cast<const char*>(bytes.data()), bytes.size()) {}

  /// The bytes.
  std::string_view bytes() const noexcept { return bytes_; }
  /// Number of bytes.
  std::size_t size() const noexcept { return bytes_.size(); }
  /// Gives the bytes away (used to build the attachment frame without a copy).
  std::string release() && noexcept { return std::move(bytes_); }

 private:
  std::string bytes_;
};

class Value;

/// A JSON array built from C++ values: `sio::array{1, "two", sio::Binary(b)}`.
struct array {
  std::vector<Value> items;  ///< Elements in order.
  array() = default;
  /// Builds the array from its elements.
  array(std::initializer_list<Value> init);
};

/// A JSON object built from C++ values, keys in the order given:
/// `sio::object{{"user", name}, {"text", args[0]}}`.
struct object {
  std::vector<std::pair<std::string, Value>> members;  ///< Members in order.
  object() = default;
  /// Builds the object from key/value pairs.
  object(std::initializer_list<std::pair<std::string, Value>> init);
};

/// Any value an application can emit: null, booleans, numbers, strings, binary buffers, RapidJSON
/// values (copied), and nested sio::array / sio::object.
///
/// A Value owns what it holds, so it may be stored and emitted later.
///
/// Strings (here, in sio::object keys, and wherever an emit takes a string) are UTF-8. What is not
/// is repaired when written, never sent as it is: each ill-formed sequence becomes U+FFFD, as a
/// WHATWG UTF-8 decoder (a browser's) would read it, so every text frame stays valid UTF-8 and no
/// client fails its WebSocket. The one exception is the three-byte form of a surrogate (WTF-8, as
/// sio::Args gives a received lone surrogate), written as the `\udXXX` escape JSON.stringify writes.
class Value {
 public:
  /// JSON null.
  Value(std::nullptr_t = nullptr) noexcept {}  // NOLINT: implicit on purpose, as in the builders
  /// A boolean.
  Value(bool b) noexcept : v_(b) {}
  /// Any integer type.
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  Value(I i) noexcept {
    if constexpr (std::is_signed_v<I>) v_ = static_cast<std::int64_t>(i);
    else v_ = static_cast<std::uint64_t>(i);
  }
  /// A floating-point number.
  template <class F, std::enable_if_t<std::is_floating_point_v<F>, int> = 0>
  Value(F f) noexcept : v_(static_cast<double>(f)) {}
  /// A string (UTF-8; see above for other bytes).
  Value(const char* s) : v_(std::string(s)) {}
  /// A string (UTF-8; see above for other bytes).
  Value(std::string s) noexcept : v_(std::move(s)) {}
  /// A string (UTF-8; see above for other bytes).
  Value(std::string_view s) : v_(std::string(s)) {}
  /// A binary attachment.
  Value(Binary b) noexcept : v_(std::move(b)) {}
  /// A copy of a RapidJSON value.
  Value(const rapidjson::Value& json) : v_(copy(json)) {}
  /// A nested array.
  Value(array a) noexcept : v_(std::move(a)) {}
  /// A nested object.
  Value(object o) noexcept : v_(std::move(o)) {}

  /// The alternatives a Value holds.
  using Storage = std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string,
                               Binary, std::shared_ptr<const rapidjson::Document>, array, object>;
  /// The stored alternative.
  const Storage& storage() const noexcept { return v_; }

 private:
  static std::shared_ptr<const rapidjson::Document> copy(const rapidjson::Value& json) {
    auto doc = std::make_shared<rapidjson::Document>();
    doc->CopyFrom(json, doc->GetAllocator());
    return doc;
  }
  Storage v_;
};

inline array::array(std::initializer_list<Value> init) : items(init) {}
inline object::object(std::initializer_list<std::pair<std::string, Value>> init) : members(init) {}

}  // namespace sio
