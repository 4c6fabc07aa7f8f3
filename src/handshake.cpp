// sio::Handshake (declared in sio/handshake.hpp).

#include "sio/handshake.hpp"

#include <rapidjson/document.h>

#include "sio/protocol/packet.hpp"
#include "sio/socketio/socket_state.hpp"

namespace sio {

namespace {
const transport::HttpRequest* request_of(const std::shared_ptr<const detail::SocketState>& s) noexcept {
  return s && s->session ? &s->session->request() : nullptr;
}

std::string url_decode(std::string_view in) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') out.push_back(' ');
    else if (in[i] == '%' && i + 2 < in.size() && hex(in[i + 1]) >= 0 && hex(in[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(in[i + 1]) * 16 + hex(in[i + 2])));
      i += 2;
    } else out.push_back(in[i]);
  }
  return out;
}
}  // namespace

const transport::Headers& Handshake::headers() const noexcept {
  static const transport::Headers none;
  auto* r = request_of(socket_);
  return r ? r->headers : none;
}

std::string_view Handshake::header(std::string_view name) const noexcept {
  auto* r = request_of(socket_);
  return r ? r->header(name) : std::string_view();
}

std::string_view Handshake::query_string() const noexcept {
  auto* r = request_of(socket_);
  return r ? std::string_view(r->query) : std::string_view();
}

std::optional<std::string> Handshake::query(std::string_view name) const {
  std::string_view q = query_string();
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    auto eq = part.find('=');
    if (url_decode(part.substr(0, eq)) == name)
      return eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1));
  }
  return std::nullopt;
}

const rapidjson::Value& Handshake::auth() const noexcept {
  static const rapidjson::Value empty(rapidjson::kObjectType);
  if (!socket_ || !socket_->connect_packet || !socket_->connect_packet->data.IsObject()) return empty;
  return socket_->connect_packet->data;
}

std::string_view Handshake::address() const noexcept {
  auto* r = request_of(socket_);
  return r ? std::string_view(r->remote_address) : std::string_view();
}

std::chrono::system_clock::time_point Handshake::time() const noexcept {
  return socket_ && socket_->session ? socket_->session->opened_at() : std::chrono::system_clock::time_point();
}

std::string Handshake::url() const {
  auto* r = request_of(socket_);
  if (!r) return {};
  return r->query.empty() ? r->path : r->path + "?" + r->query;
}

}  // namespace sio
