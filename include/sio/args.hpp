#pragma once
/// \file
/// The arguments of a received event or acknowledgement.

#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include <rapidjson/document.h>

#include "sio/protocol/packet.hpp"

namespace sio {

/// Thrown by Args::get when an argument is missing or of another type than asked.
/// A handler that lets it escape is logged and the connection goes on.
class ArgumentError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

/// The arguments of an event (without its name) or of an acknowledgement.
///
/// Cheap to copy: it shares the received packet, so it may be kept after the handler returns.
/// \code
/// socket.on("move", [](sio::Socket s, sio::Args args) {
///   int x = args.get<int>(0);
///   std::string_view who = args.get<std::string_view>(1);
///   if (args.is_binary(2)) store(args.binary(2));
/// });
/// \endcode
class Args {
 public:
  /// No arguments.
  Args() = default;
  /// The elements of `packet->data` from `offset` on (1 for an event, skipping its name).
  Args(std::shared_ptr<const protocol::Packet> packet, std::size_t offset) noexcept
      : packet_(std::move(packet)), offset_(offset) {}

  /// Number of arguments.
  std::size_t size() const noexcept {
    if (!packet_ || !packet_->data.IsArray()) return 0;
    auto n = static_cast<std::size_t>(packet_->data.Size());
    return n > offset_ ? n - offset_ : 0;
  }
  /// True when there are no arguments.
  bool empty() const noexcept { return size() == 0; }

  /// The i-th argument as JSON; binary arguments are placeholder objects (see binary()).
  /// It holds what JSON.parse gives a Node server (see get() for strings and numbers); in an object,
  /// a key sent twice has its last value, and keys that are array indices ("0", "1"...) come first
  /// in ascending order, as in a JavaScript object.
  /// \throws ArgumentError when i >= size().
  const rapidjson::Value& operator[](std::size_t i) const {
    if (i >= size()) throw ArgumentError("argument " + std::to_string(i) + ": missing (" + std::to_string(size()) + " given)");
    return packet_->data[static_cast<rapidjson::SizeType>(offset_ + i)];
  }

  /// The i-th argument converted to T: bool, an integer type (range checked), float, double,
  /// std::string or std::string_view (valid as long as this Args).
  ///
  /// Strings are UTF-8, with one exception a JavaScript string allows: a lone surrogate (the client
  /// sent `"\ud800"` or `"ok\udc00ok"`, unpaired) arrives in its three-byte form, ED A0 80 for
  /// U+D800 (WTF-8), which is not valid UTF-8. Emitted back, such a string is written as the same
  /// escape, so the client gets the string it sent. A surrogate pair arrives as the character's
  /// four UTF-8 bytes.
  ///
  /// Numbers are read as JavaScript reads them: `1e400` is an infinite double, and integers beyond
  /// 2^53 (which a double cannot hold exactly) are doubles, so get<std::int64_t> refuses them while
  /// get<double> gives what a Node server would see.
  /// \throws ArgumentError on a missing argument or another type.
  template <class T>
  T get(std::size_t i) const {
    const rapidjson::Value& v = (*this)[i];
    if (auto r = convert<T>(v)) return *r;
    throw ArgumentError("argument " + std::to_string(i) + ": expected " + type_name<T>() + ", got " + json_type(v));
  }

  /// Like get(), but an empty optional instead of an exception.
  template <class T>
  std::optional<T> try_get(std::size_t i) const noexcept {
    if (i >= size()) return std::nullopt;
    return convert<T>(packet_->data[static_cast<rapidjson::SizeType>(offset_ + i)]);
  }

  /// True when the i-th argument is a binary attachment.
  bool is_binary(std::size_t i) const noexcept {
    return i < size() && attachment_index(packet_->data[static_cast<rapidjson::SizeType>(offset_ + i)]).has_value();
  }
  /// The bytes of the i-th argument. \throws ArgumentError when it is not binary.
  std::string_view binary(std::size_t i) const { return attachment((*this)[i]); }
  /// The bytes a placeholder found anywhere inside an argument stands for.
  /// \throws ArgumentError when `placeholder` is not one of this packet's placeholders.
  std::string_view attachment(const rapidjson::Value& placeholder) const {
    if (auto n = attachment_index(placeholder)) return packet_->attachments[*n];
    throw ArgumentError("not a binary attachment");
  }
  /// The attachment index a placeholder stands for, if `v` is one.
  std::optional<std::size_t> attachment_index(const rapidjson::Value& v) const noexcept {
    std::size_t n = 0;
    if (packet_ && protocol::is_placeholder(v, &n) && n < packet_->attachments.size()) return n;
    return std::nullopt;
  }

  /// The received packet (null for an empty Args).
  const std::shared_ptr<const protocol::Packet>& packet() const noexcept { return packet_; }
  /// Index in packet()->data of the first argument.
  std::size_t offset() const noexcept { return offset_; }

 private:
  template <class T>
  static std::optional<T> convert(const rapidjson::Value& v) noexcept {
    if constexpr (std::is_same_v<T, bool>) {
      if (v.IsBool()) return v.GetBool();
    } else if constexpr (std::is_integral_v<T>) {
      if (v.IsInt64()) {
        auto x = v.GetInt64();
        if constexpr (std::is_signed_v<T>) {
          if (x >= static_cast<std::int64_t>(std::numeric_limits<T>::min()) &&
              x <= static_cast<std::int64_t>(std::numeric_limits<T>::max()))
            return static_cast<T>(x);
        } else {
          if (x >= 0 && static_cast<std::uint64_t>(x) <= static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
            return static_cast<T>(x);
        }
      } else if (v.IsUint64()) {
        if (v.GetUint64() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max()))
          return static_cast<T>(v.GetUint64());
      }
    } else if constexpr (std::is_floating_point_v<T>) {
      if (v.IsNumber()) return static_cast<T>(v.GetDouble());
    } else if constexpr (std::is_same_v<T, std::string_view>) {
      if (v.IsString()) return std::string_view(v.GetString(), v.GetStringLength());
    } else if constexpr (std::is_same_v<T, std::string>) {
      if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
    } else {
      static_assert(sizeof(T) == 0, "Args::get supports bool, integers, floating point, std::string and std::string_view");
    }
    return std::nullopt;
  }

  template <class T>
  static const char* type_name() noexcept {
    if constexpr (std::is_same_v<T, bool>) return "boolean";
    else if constexpr (std::is_integral_v<T>) return "integer in range";
    else if constexpr (std::is_floating_point_v<T>) return "number";
    else return "string";
  }

  static const char* json_type(const rapidjson::Value& v) noexcept {
    switch (v.GetType()) {
      case rapidjson::kNullType: return "null";
      case rapidjson::kFalseType:
      case rapidjson::kTrueType: return "boolean";
      case rapidjson::kObjectType: return protocol::is_placeholder(v) ? "binary" : "object";
      case rapidjson::kArrayType: return "array";
      case rapidjson::kStringType: return "string";
      case rapidjson::kNumberType: return v.IsDouble() ? "number" : "integer";
    }
    return "unknown";
  }

  std::shared_ptr<const protocol::Packet> packet_;
  std::size_t offset_ = 0;
};

}  // namespace sio
