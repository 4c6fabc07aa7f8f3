#pragma once
/// \file
/// MessagePack (https://msgpack.org) for sio's values: RapidJSON values whose binary parts are
/// placeholders with attachments, as Socket.IO packets hold them. What Node's Socket.IO
/// ecosystem writes with notepack.io (the Redis adapter and emitter, the msgpack parser) reads
/// here, and what is written here notepack.io reads as a JavaScript value would have been.
///
/// A codec of sio's own rather than msgpack-c: it reads straight into the RapidJSON values sio
/// keeps (no intermediate object tree), turns `bin` into attachments and back on the way, and
/// enforces its limits (depth, lengths against the bytes there are) itself.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <rapidjson/document.h>

namespace sio::protocol::msgpack {

/// Appends MessagePack to a string, value by value. Arrays and maps are written as a header
/// with their size, followed by that many values (maps: key, value, key, value...).
class Writer {
 public:
  /// Appends to `out`.
  explicit Writer(std::string& out) noexcept : out_(out) {}

  void nil();                          ///< nil
  void boolean(bool v);                ///< true / false
  void integer(std::int64_t v);        ///< the shortest int or uint form, as notepack.io writes it
  void unsigned_integer(std::uint64_t v);  ///< likewise
  /// A number as JavaScript has it: an integral value up to 2^53 in magnitude as an integer
  /// (notepack.io's rule), anything else (fractions, larger values, NaN, infinities) as float 64.
  void number(double v);
  void string(std::string_view v);     ///< str (the caller sees to it that `v` is UTF-8)
  void binary(std::string_view v);     ///< bin
  void array(std::size_t size);        ///< the header of an array of `size` values
  void map(std::size_t size);          ///< the header of a map of `size` pairs

  /// A JSON value. Placeholders (`{"_placeholder":true,"num":N}`, N < attachments.size()) are
  /// written as `bin` holding attachment N, as the value held the binary before a Socket.IO
  /// encoder replaced it; without attachments, placeholders are plain objects.
  void value(const rapidjson::Value& v, const std::vector<std::string>* attachments = nullptr);

 private:
  void header(std::uint8_t fix_base, std::size_t fix_max, std::uint8_t code16, std::uint8_t code32,
              std::size_t size);
  void be(std::uint64_t v, int bytes);

  std::string& out_;
};

/// Limits of read().
struct ReadLimits {
  /// Deepest nesting of arrays and maps.
  std::size_t max_depth = 32;
};

/// Reads one MessagePack value from the start of `in` into `out`, whose strings, arrays and
/// objects take their memory from `alloc`; `consumed` receives the bytes it took.
///
/// - nil, booleans, integers and floats become the JSON value of the same meaning (integers as
///   int64 or uint64; float 32 and 64 as doubles); str must be UTF-8; map keys must be str.
/// - bin becomes a placeholder `{"_placeholder":true,"num":N}` and its bytes attachment N, pushed
///   onto `attachments`; with `attachments` null, bin is refused.
/// - The timestamp extension (type -1, what notepack.io writes for a Date) becomes the ISO 8601
///   string JavaScript's Date.toJSON() gives ("2026-12-04T10:20:30.000Z"); notepack.io's old
///   `undefined` (fixext 1, type 0) becomes null. Other extensions are refused.
///
/// \returns sio::error::invalid_payload for anything malformed or refused, truncated input
/// included, leaving `out` null and `attachments` as it was.
std::error_code read(std::string_view in, rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc,
                     std::vector<std::string>* attachments, std::size_t& consumed, const ReadLimits& limits = {});

/// read() of the whole of `in`: bytes left after the value are an error too.
std::error_code read_all(std::string_view in, rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc,
                         std::vector<std::string>* attachments, const ReadLimits& limits = {});

}  // namespace sio::protocol::msgpack
