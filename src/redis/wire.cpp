#include "wire.hpp"

#include <utility>

#include "sio/protocol/msgpack.hpp"
#include "sio/protocol/packet.hpp"

namespace sio::redis::detail {

void log(const Logger& logger, LogLevel level, const std::string& message) {
  if (logger) logger(level, message);
}

const rapidjson::Value* member(const rapidjson::Value& object, const char* name) {
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string string_member(const rapidjson::Value& object, const char* name) {
  const rapidjson::Value* v = member(object, name);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

bool flag(const rapidjson::Value* flags, const char* name, bool otherwise) {
  const rapidjson::Value* v = flags ? member(*flags, name) : nullptr;
  return v && v->IsBool() ? v->GetBool() : otherwise;
}

bool read_rooms(const rapidjson::Value* list, std::vector<Room>& out) {
  if (!list) return true;
  if (!list->IsArray()) return false;
  for (const auto& r : list->GetArray()) {
    if (r.IsString()) {
      out.emplace_back(r.GetString(), r.GetStringLength());
    } else if (r.IsNumber()) {
      std::string text;
      protocol::append_json(text, r);
      out.push_back(std::move(text));
    } else {
      return false;
    }
  }
  return true;
}

bool read_options(const rapidjson::Value* raw, BroadcastOptions& opts) {
  if (!raw || raw->IsNull()) return true;
  if (!raw->IsObject()) return false;
  if (!read_rooms(member(*raw, "rooms"), opts.rooms) || !read_rooms(member(*raw, "except"), opts.except)) return false;
  const rapidjson::Value* flags = member(*raw, "flags");
  opts.volatile_ = flag(flags, "volatile", false);
  opts.compress = flag(flags, "compress", true);
  return true;
}

void write_rooms(rapidjson::Value& out, const std::vector<Room>& rooms, rapidjson::MemoryPoolAllocator<>& alloc) {
  out.SetArray();
  for (const auto& r : rooms) out.PushBack(string_value(r, alloc), alloc);
}

rapidjson::Value string_value(std::string_view s, rapidjson::MemoryPoolAllocator<>& alloc) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

std::string json_text(const rapidjson::Value& v) {
  std::string out;
  protocol::append_json(out, v);
  return out;
}

Args one_argument(const rapidjson::Value* value, std::vector<std::string> attachments) {
  auto packet = std::make_shared<protocol::Packet>();
  packet->has_data = true;
  packet->data.SetArray();
  rapidjson::Value copy;
  if (value) copy.CopyFrom(*value, packet->data.GetAllocator());
  packet->data.PushBack(copy, packet->data.GetAllocator());
  packet->attachments = std::move(attachments);
  return Args(std::move(packet), 0);
}

bool read_message(std::string_view payload, Message& m) {
  if (!payload.empty() && payload.front() == '{') {
    m.value.Parse(payload.data(), payload.size());
    return !m.value.HasParseError() && m.value.IsObject();
  }
  return !protocol::msgpack::read_all(payload, m.value, m.alloc, &m.attachments) && m.value.IsObject();
}

}  // namespace sio::redis::detail
