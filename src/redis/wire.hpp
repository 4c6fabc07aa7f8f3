#pragma once
// What both Redis adapters (the classic one, src/redis/adapter.cpp, and the sharded one,
// src/redis/sharded_adapter.cpp) read and write the same way: the members of a message, the
// rooms and options of an operation, and a message that is JSON text or msgpack. Internal to
// sio::redis.

#include <rapidjson/document.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sio/adapter/adapter.hpp"
#include "sio/args.hpp"
#include "sio/log.hpp"

namespace sio::redis::detail {

/// Writes `message` to `logger`, if there is one.
void log(const Logger& logger, LogLevel level, const std::string& message);

/// The member `name` of `object`, or null (also when `object` is not an object).
const rapidjson::Value* member(const rapidjson::Value& object, const char* name);
/// The string member `name` of `object`, or empty.
std::string string_member(const rapidjson::Value& object, const char* name);
/// The boolean member `name` of `flags` (which may be null), or `otherwise`.
bool flag(const rapidjson::Value* flags, const char* name, bool otherwise);

/// Appends the rooms of `list` (absent: none) to `out`, as Node's adapters send them: strings,
/// or numbers for numeric room names. False when `list` is something else.
bool read_rooms(const rapidjson::Value* list, std::vector<Room>& out);
/// Reads `{rooms, except, flags}` (absent or null: the defaults) into `opts`; false when malformed.
bool read_options(const rapidjson::Value* raw, BroadcastOptions& opts);
/// Sets `out` to the array of `rooms`.
void write_rooms(rapidjson::Value& out, const std::vector<Room>& rooms, rapidjson::MemoryPoolAllocator<>& alloc);

/// A string value of `s`, copied into `alloc`.
rapidjson::Value string_value(std::string_view s, rapidjson::MemoryPoolAllocator<>& alloc);
/// `v` as compact JSON text.
std::string json_text(const rapidjson::Value& v);

/// Args holding one value (a reply: Node's adapters forward only the first argument of each),
/// with its attachments; null when `value` is null.
Args one_argument(const rapidjson::Value* value, std::vector<std::string> attachments);

/// A message read from Redis: its value, and the attachments its msgpack `bin`s became.
struct Message {
  rapidjson::MemoryPoolAllocator<> alloc;
  rapidjson::Document value{&alloc};  // JSON is parsed into it, msgpack read into it
  std::vector<std::string> attachments;
  const rapidjson::Value& root() const { return value; }
};

/// Reads `payload` into `m`: JSON text when it starts with '{', msgpack otherwise, as Node's
/// adapters tell them apart. False unless it is an object.
bool read_message(std::string_view payload, Message& m);

}  // namespace sio::redis::detail
