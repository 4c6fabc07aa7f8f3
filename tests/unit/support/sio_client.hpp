#pragma once
// A minimal Socket.IO client over the memory transport's WebSocket, for server tests: it speaks
// the wire format directly so tests can check exact bytes.

#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/transport/memory.hpp"

namespace sio::test {

class Client {
 public:
  explicit Client(transport::memory& t, std::string path = "/socket.io/", transport::Headers headers = {},
                  std::string query = {})
      : t_(t) {
    ws_ = t.connect(path + "?EIO=4&transport=websocket" + query, std::move(headers));
    REQUIRE(ws_->accepted());
    auto open = next();
    REQUIRE(open);
    REQUIRE(open->substr(0, 2) == "0{");
    auto p = open->find("\"sid\":\"");
    REQUIRE(p != std::string::npos);
    engine_id_ = open->substr(p + 7, 20);
  }

  // Sends "40<nsp>,<auth>" and returns the socket id from the answer (REQUIREs success).
  std::string connect(std::string_view nsp = "/", std::string_view auth = {}) {
    send_text(connect_packet(nsp, auth));
    auto answer = next();
    REQUIRE(answer);
    std::string prefix = "40" + (nsp == "/" ? std::string() : std::string(nsp) + ",") + "{\"sid\":\"";
    REQUIRE(answer->substr(0, prefix.size()) == prefix);
    return answer->substr(prefix.size(), 20);
  }

  static std::string connect_packet(std::string_view nsp, std::string_view auth = {}) {
    std::string s = "40";
    if (nsp != "/") s.append(nsp).append(",");
    s.append(auth);
    return s;
  }

  void send_text(std::string_view s) {
    ws_->send_text(s);
    t_.run_pending();
  }
  void send_binary(std::string_view s) {
    ws_->send_binary(s);
    t_.run_pending();
  }

  // The next frame the server sent (text or binary), or nullopt when none is waiting.
  std::optional<std::string> next() {
    t_.run_pending();
    auto& q = ws_->received();
    if (q.empty()) return std::nullopt;
    std::string s = std::move(q.front().data);
    q.pop_front();
    return s;
  }
  // Every frame waiting, in order.
  std::vector<std::string> drain() {
    std::vector<std::string> out;
    while (auto s = next()) out.push_back(std::move(*s));
    return out;
  }
  bool has_next() {
    t_.run_pending();
    return !ws_->received().empty();
  }

  const std::string& engine_id() const noexcept { return engine_id_; }
  transport::memory::WsClient& ws() noexcept { return *ws_; }
  bool closed() {
    t_.run_pending();
    return ws_->closed();
  }

 private:
  transport::memory& t_;
  std::shared_ptr<transport::memory::WsClient> ws_;
  std::string engine_id_;
};

}  // namespace sio::test
