// sio::Handshake (declared in sio/handshake.hpp).

#include "sio/handshake.hpp"

#include <rapidjson/document.h>

#include "sio/protocol/packet.hpp"
#include "sio/socketio/socket_state.hpp"
#include "sio/transport/query_string.hpp"

namespace sio {

namespace {
const transport::HttpRequest* request_of(const std::shared_ptr<const detail::SocketState>& s) noexcept {
  return s && s->session ? &s->session->request() : nullptr;
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
  return transport::query_param(query_string(), name);
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
