#pragma once
// Client-side helpers for tests over sio::transport::memory: Engine.IO handshakes and polling
// requests in one call each.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "sio/transport/memory.hpp"

namespace sio::test {

/// What an open packet announced.
struct OpenPacket {
  bool valid = false;                 ///< The text was an open packet with the five keys.
  std::string sid;                    ///< `sid`
  std::vector<std::string> upgrades;  ///< `upgrades`
  std::int64_t ping_interval = 0;     ///< `pingInterval`
  std::int64_t ping_timeout = 0;      ///< `pingTimeout`
  std::int64_t max_payload = 0;       ///< `maxPayload`
  std::size_t key_count = 0;          ///< Number of keys in the JSON object.
};

/// Parses `0{...}`.
inline OpenPacket parse_open(std::string_view text) {
  OpenPacket open;
  if (text.empty() || text[0] != '0') return open;
  rapidjson::Document doc;
  doc.Parse(text.data() + 1, text.size() - 1);
  if (doc.HasParseError() || !doc.IsObject()) return open;
  open.key_count = doc.MemberCount();
  const auto sid = doc.FindMember("sid");
  const auto upgrades = doc.FindMember("upgrades");
  const auto interval = doc.FindMember("pingInterval");
  const auto timeout = doc.FindMember("pingTimeout");
  const auto max = doc.FindMember("maxPayload");
  if (sid == doc.MemberEnd() || !sid->value.IsString() || upgrades == doc.MemberEnd() || !upgrades->value.IsArray() ||
      interval == doc.MemberEnd() || !interval->value.IsInt64() || timeout == doc.MemberEnd() ||
      !timeout->value.IsInt64() || max == doc.MemberEnd() || !max->value.IsInt64())
    return open;
  open.sid = sid->value.GetString();
  for (const auto& u : upgrades->value.GetArray())
    if (u.IsString()) open.upgrades.emplace_back(u.GetString());
  open.ping_interval = interval->value.GetInt64();
  open.ping_timeout = timeout->value.GetInt64();
  open.max_payload = max->value.GetInt64();
  open.valid = true;
  return open;
}

/// Splits a polling response body into its packets.
inline std::vector<std::string> split_payload(std::string_view body) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t sep = body.find('\x1e', pos);
    out.emplace_back(body.substr(pos, sep == std::string_view::npos ? std::string_view::npos : sep - pos));
    if (sep == std::string_view::npos) return out;
    pos = sep + 1;
  }
}

/// Target of a polling request for `sid` on `path`.
inline std::string polling_target(std::string_view path, std::string_view sid) {
  return std::string(path) + "?EIO=4&transport=polling&sid=" + std::string(sid);
}

/// A long-polling GET for `sid` (pending until the server has something to send).
inline std::shared_ptr<const transport::memory::HttpResult> poll(transport::memory& t, std::string_view sid,
                                                                 std::string_view path = "/engine.io/") {
  return t.request("GET", polling_target(path, sid));
}

/// A polling POST of `body` for `sid`.
inline std::shared_ptr<const transport::memory::HttpResult> post(transport::memory& t, std::string_view sid,
                                                                 std::string body,
                                                                 std::string_view path = "/engine.io/") {
  return t.request("POST", polling_target(path, sid), std::move(body));
}

/// Opens a polling session; returns its id, or an empty string when the handshake failed.
inline std::string open_polling(transport::memory& t, std::string_view path = "/engine.io/",
                                transport::Headers headers = {}) {
  auto r = t.request("GET", std::string(path) + "?EIO=4&transport=polling", {}, std::move(headers));
  if (!r->done || r->status != 200) return {};
  return parse_open(r->body).sid;
}

/// A WebSocket session opened by a WebSocket handshake.
struct WsSession {
  std::shared_ptr<transport::memory::WsClient> ws;  ///< The client; the open packet is already consumed.
  std::string sid;                                  ///< Empty when the handshake failed.
};

/// Opens a WebSocket session and consumes its open packet.
inline WsSession open_websocket(transport::memory& t, std::string_view path = "/engine.io/") {
  WsSession s;
  s.ws = t.connect(std::string(path) + "?EIO=4&transport=websocket");
  if (!s.ws->accepted() || s.ws->received().empty()) return s;
  s.sid = parse_open(s.ws->received().front().data).sid;
  s.ws->received().pop_front();
  return s;
}

/// Opens the WebSocket that upgrades polling session `sid` and sends the probe; the caller checks
/// `3probe` and sends `5`.
inline std::shared_ptr<transport::memory::WsClient> start_upgrade(transport::memory& t, std::string_view sid,
                                                                  std::string_view path = "/engine.io/") {
  auto ws = t.connect(std::string(path) + "?EIO=4&transport=websocket&sid=" + std::string(sid));
  if (ws->accepted()) ws->send_text("2probe");
  return ws;
}

/// Upgrades polling session `sid` to WebSocket (probe, then the upgrade packet); the client's
/// `3probe` is consumed. Returns null when the server did not answer the probe.
inline std::shared_ptr<transport::memory::WsClient> upgrade(transport::memory& t, std::string_view sid,
                                                            std::string_view path = "/engine.io/") {
  auto ws = start_upgrade(t, sid, path);
  if (!ws->accepted() || ws->received().empty() || ws->received().front().data != "3probe") return nullptr;
  ws->received().pop_front();
  ws->send_text("5");
  return ws;
}

}  // namespace sio::test
