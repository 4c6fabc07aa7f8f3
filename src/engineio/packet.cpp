#include "sio/engineio/packet.hpp"

#include <utility>

#include "sio/detail/base64.hpp"
#include "sio/detail/utf8.hpp"

namespace sio::engineio {
namespace {
// Appends `s` as a JSON string literal.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}
}  // namespace

std::error_code decode_frame(std::string_view frame, bool binary, PacketView& out) noexcept {
  if (binary) {
    out = PacketView{PacketType::message, true, frame};
    return {};
  }
  PacketType type;
  if (frame.empty() || !packet_type_from_char(frame[0], type)) return error::invalid_packet;
  if (!sio::detail::is_valid_utf8(frame)) return error::invalid_utf8;
  out = PacketView{type, false, frame.substr(1)};
  return {};
}

std::error_code decode_payload(std::string_view body, std::vector<Packet>& out) {
  if (!sio::detail::is_valid_utf8(body)) return error::invalid_utf8;
  const std::size_t start = out.size();
  std::size_t pos = 0;
  for (;;) {
    const std::size_t sep = body.find('\x1e', pos);
    const std::string_view part = body.substr(pos, sep == std::string_view::npos ? std::string_view::npos : sep - pos);
    if (part.empty()) {
      out.resize(start);
      return error::invalid_packet;
    }
    Packet& p = out.emplace_back();
    if (part[0] == 'b') {
      p.type = PacketType::message;
      p.binary = true;
      if (!sio::detail::base64_decode(part.substr(1), p.data)) {
        out.resize(start);
        return error::invalid_packet;
      }
    } else if (packet_type_from_char(part[0], p.type)) {
      p.data.assign(part.data() + 1, part.size() - 1);
    } else {
      out.resize(start);
      return error::invalid_packet;
    }
    if (sep == std::string_view::npos) break;
    pos = sep + 1;
  }
  return {};
}

void append_to_payload(std::string& out, const FrameData& frame) {
  if (!out.empty()) out.push_back('\x1e');
  if (frame.binary) {
    out.push_back('b');
    sio::detail::base64_encode(frame.bytes, out);
  } else {
    out.append(frame.bytes);
  }
}

Frame make_frame(PacketType type, std::string_view data) {
  std::string bytes;
  bytes.reserve(1 + data.size());
  bytes.push_back(to_char(type));
  bytes.append(data);
  return make_text_frame(std::move(bytes));
}

std::string encode_open(std::string_view sid, bool upgrade_to_websocket, std::uint64_t ping_interval_ms,
                        std::uint64_t ping_timeout_ms, std::uint64_t max_payload) {
  std::string out;
  out.reserve(120 + sid.size());
  out.append("0{\"sid\":");
  append_json_string(out, sid);
  out.append(upgrade_to_websocket ? ",\"upgrades\":[\"websocket\"]" : ",\"upgrades\":[]");
  out.append(",\"pingInterval\":");
  out.append(std::to_string(ping_interval_ms));
  out.append(",\"pingTimeout\":");
  out.append(std::to_string(ping_timeout_ms));
  out.append(",\"maxPayload\":");
  out.append(std::to_string(max_payload));
  out.push_back('}');
  return out;
}

}  // namespace sio::engineio
