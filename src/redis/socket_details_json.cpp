#include "socket_details_json.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <string>

#include "sio/protocol/packet.hpp"

namespace sio::redis::detail {

namespace {

using Value = rapidjson::Value;
using Alloc = rapidjson::MemoryPoolAllocator<>;

Value string_value(std::string_view s, Alloc& alloc) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

// JSON text (an auth payload, shared data) as a value; null when empty or unreadable.
Value parse_json(const std::string& text, Alloc& alloc) {
  Value out;
  if (text.empty()) return out;
  rapidjson::Document d(&alloc);
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError()) return out;
  out.CopyFrom(d, alloc);
  return out;
}

std::string to_text(const Value& v) {
  std::string out;
  protocol::append_json(out, v);
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A query string's component, decoded as Node's querystring does ('+' is a space, bad escapes
// kept as they are).
std::string decode_component(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Node's url.parse(url, true).query: an object of the query's parameters, a repeated one as an
// array of its values.
Value query_object(std::string_view query, Alloc& alloc) {
  Value out(rapidjson::kObjectType);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    const std::string key = decode_component(pair.substr(0, eq));
    const std::string value = eq == std::string_view::npos ? std::string() : decode_component(pair.substr(eq + 1));
    auto it = out.FindMember(Value(key.c_str(), static_cast<rapidjson::SizeType>(key.size())));
    if (it == out.MemberEnd()) {
      out.AddMember(string_value(key, alloc), string_value(value, alloc), alloc);
    } else if (it->value.IsArray()) {
      it->value.PushBack(string_value(value, alloc), alloc);
    } else {
      Value list(rapidjson::kArrayType);
      list.PushBack(it->value, alloc);
      list.PushBack(string_value(value, alloc), alloc);
      it->value = list;
    }
  }
  return out;
}

// JavaScript's String(new Date()) in UTC: "Fri Dec 04 2026 10:20:30 GMT+0000 (Coordinated Universal Time)".
std::string js_date_text(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[80];
  std::strftime(text, sizeof text, "%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)", &utc);
  return text;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string string_of(const Value& object, const char* name) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

void write_socket_details(Value& out, const SocketDetails& socket, Alloc& alloc) {
  out.SetObject();
  out.AddMember("id", string_value(socket.id, alloc), alloc);

  const HandshakeDetails& h = socket.handshake;
  Value handshake(rapidjson::kObjectType);
  Value headers(rapidjson::kObjectType);
  bool origin = false;
  for (const auto& [name, value] : h.headers) {
    const std::string key = lower(name);
    origin = origin || key == "origin";
    if (headers.HasMember(key.c_str())) continue;
    headers.AddMember(string_value(key, alloc), string_value(value, alloc), alloc);
  }
  handshake.AddMember("headers", headers, alloc);
  handshake.AddMember("time", string_value(js_date_text(h.time), alloc), alloc);
  handshake.AddMember("address", string_value(h.address, alloc), alloc);
  handshake.AddMember("xdomain", origin, alloc);
  handshake.AddMember("secure", false, alloc);
  const auto issued = std::chrono::duration_cast<std::chrono::milliseconds>(h.time.time_since_epoch()).count();
  handshake.AddMember("issued", static_cast<std::int64_t>(issued), alloc);
  handshake.AddMember("url", string_value(h.url, alloc), alloc);
  handshake.AddMember("query", query_object(h.query, alloc), alloc);
  Value auth = parse_json(h.auth, alloc);
  if (auth.IsNull()) auth.SetObject();
  handshake.AddMember("auth", auth, alloc);
  out.AddMember("handshake", handshake, alloc);

  Value rooms(rapidjson::kArrayType);
  for (const auto& r : socket.rooms) rooms.PushBack(string_value(r, alloc), alloc);
  out.AddMember("rooms", rooms, alloc);
  // Node's socket.data is {} until the application sets it.
  Value data = parse_json(socket.data, alloc);
  if (data.IsNull()) data.SetObject();
  out.AddMember("data", data, alloc);
}

bool read_socket_details(const Value& in, SocketDetails& socket) {
  if (!in.IsObject()) return false;
  auto id = in.FindMember("id");
  if (id == in.MemberEnd() || !id->value.IsString()) return false;
  socket = SocketDetails{};
  socket.id.assign(id->value.GetString(), id->value.GetStringLength());

  auto rooms = in.FindMember("rooms");
  if (rooms != in.MemberEnd() && rooms->value.IsArray())
    for (const auto& r : rooms->value.GetArray()) {
      if (r.IsString()) socket.rooms.emplace_back(r.GetString(), r.GetStringLength());
      else if (r.IsNumber()) socket.rooms.push_back(to_text(r));
    }
  auto data = in.FindMember("data");
  if (data != in.MemberEnd() && !data->value.IsNull()) socket.data = to_text(data->value);

  auto hs = in.FindMember("handshake");
  if (hs == in.MemberEnd() || !hs->value.IsObject()) return true;
  const Value& h = hs->value;
  auto headers = h.FindMember("headers");
  if (headers != h.MemberEnd() && headers->value.IsObject())
    for (const auto& m : headers->value.GetObject()) {
      std::string value;
      if (m.value.IsString()) {
        value.assign(m.value.GetString(), m.value.GetStringLength());
      } else if (m.value.IsArray()) {  // Node keeps set-cookie as a list
        for (const auto& part : m.value.GetArray()) {
          if (!part.IsString()) continue;
          if (!value.empty()) value += ", ";
          value.append(part.GetString(), part.GetStringLength());
        }
      } else {
        continue;
      }
      socket.handshake.headers.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()), std::move(value));
    }
  socket.handshake.address = string_of(h, "address");
  socket.handshake.url = string_of(h, "url");
  if (const auto q = socket.handshake.url.find('?'); q != std::string::npos) socket.handshake.query = socket.handshake.url.substr(q + 1);
  auto issued = h.FindMember("issued");
  if (issued != h.MemberEnd() && issued->value.IsNumber())
    socket.handshake.time = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(static_cast<std::int64_t>(issued->value.GetDouble())));
  auto auth = h.FindMember("auth");
  if (auth != h.MemberEnd() && auth->value.IsObject()) socket.handshake.auth = to_text(auth->value);
  return true;
}

}  // namespace sio::redis::detail
