// The ceiling of the transport: a deliberately minimal server on the same websocketpp stack as
// sio, speaking just enough Engine.IO / Socket.IO for the benchmark's contract by slicing
// strings (no JSON, no sessions, no rooms):
//   "echo"      `42<id>["echo",X]`   answered `43<id>[X]`
//   "broadcast" `42["broadcast",X]`  sent to every client as `42["bcast",X]`, one prepared frame
// One timer pings every client at once and closes those that did not answer the previous ping.
// What sio costs above this server is the cost of its Socket.IO layer.
//
// Usage: raw_ws_server [--port P] [--address A] [--read-buffer BYTES] [--ping-interval MS]
// Prints "listening <port>" once it accepts connections; SIGTERM or SIGINT stops it.

#include <asio.hpp>
#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/core.hpp>
#include <websocketpp/logger/stub.hpp>
#include <websocketpp/server.hpp>

#include "wspp_plain_stream.hpp"
#include "wspp_transport.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace ws = ::websocketpp;

/// What the server keeps per connection, inside websocketpp's connection object.
struct Peer {
  std::size_t slot = 0;       ///< Index in the list of open connections.
  bool open = false;          ///< In the list.
  bool awaiting_pong = false; ///< Pinged and not answered yet.
};

/// websocketpp's configuration as sio's transport sets it: one thread, no logs, a small buffer,
/// and the same plain TCP transport policy (src/wspp_transport.hpp, which depends on websocketpp
/// and Asio only).
template <std::size_t ReadBuffer>
struct Config : ws::config::core {
  using type = Config;
  using base = ws::config::core;
  using concurrency_type = ws::concurrency::none;
  using alog_type = ws::log::stub;
  using elog_type = ws::log::stub;
  using transport_type = sio::transport::wspp_detail::TcpEndpoint<sio::transport::wspp_detail::PlainStream>;
  using connection_base = Peer;
  static constexpr bool enable_multithreading = false;
  static constexpr std::size_t connection_read_buffer_size = ReadBuffer;
  static constexpr ws::log::level elog_level = ws::log::elevel::none;
  static constexpr ws::log::level alog_level = ws::log::alevel::none;
};

using message_type = ws::config::core::message_type;
using message_ptr = message_type::ptr;

/// A text frame ready to be queued on any number of connections without copy or validation.
message_ptr prepared_text(std::string payload) {
  auto msg = std::make_shared<message_type>(message_type::con_msg_man_ptr(), ws::frame::opcode::text, 0);
  const ws::frame::basic_header header(ws::frame::opcode::text, payload.size(), true, false);
  const ws::frame::extended_header extended(payload.size());
  msg->set_header(ws::frame::prepare_header(header, extended));
  msg->set_payload(std::move(payload));
  msg->set_prepared(true);
  return msg;
}

struct Settings {
  std::uint16_t port = 0;
  std::string address = "127.0.0.1";
  std::size_t read_buffer = 1024;  // the same default as sio's websocketpp transport
  long ping_interval_ms = 25000;
  long ping_timeout_ms = 20000;
};

template <std::size_t ReadBuffer>
class RawServer {
 public:
  using server_type = ws::server<Config<ReadBuffer>>;
  using connection_ptr = typename server_type::connection_ptr;

  RawServer(asio::io_context& ioc, const Settings& s) : ioc_(ioc), s_(s), ping_timer_(ioc) {
    std::error_code ec;
    server_.init_asio(&ioc_, ec);
    server_.set_user_agent(std::string());
    server_.set_open_handler([this](ws::connection_hdl h) { on_open(h); });
    server_.set_close_handler([this](ws::connection_hdl h) { on_close(h); });
    server_.set_message_handler([this](ws::connection_hdl h, message_ptr m) { on_message(h, m); });
    open_packet_ = "\",\"upgrades\":[],\"pingInterval\":" + std::to_string(s.ping_interval_ms) +
                   ",\"pingTimeout\":" + std::to_string(s.ping_timeout_ms) + ",\"maxPayload\":1000000}";
  }

  std::error_code listen() {
    std::error_code ec;
    server_.set_reuse_addr(true);
    server_.set_listen_backlog(1024);
    server_.listen(asio::ip::tcp::endpoint(asio::ip::make_address(s_.address), s_.port), ec);
    if (ec) return ec;
    server_.start_accept(ec);
    schedule_ping();
    return ec;
  }

  std::uint16_t port() {
    std::error_code ec;
    return server_.get_local_endpoint(ec).port();
  }

  void stop() {
    std::error_code ec;
    server_.stop_listening(ec);
    ping_timer_.cancel();
    for (auto& con : open_) con->close(ws::close::status::going_away, "", ec);
  }

 private:
  static Peer& peer(const connection_ptr& con) { return *con; }

  void send(const connection_ptr& con, std::string payload) { con->send(prepared_text(std::move(payload))); }

  void on_open(ws::connection_hdl h) {
    auto con = server_.get_con_from_hdl(h);
    Peer& p = peer(con);
    p.slot = open_.size();
    p.open = true;
    open_.push_back(con);
    send(con, "0{\"sid\":\"" + make_sid() + open_packet_);
  }

  void on_close(ws::connection_hdl h) {
    auto con = server_.get_con_from_hdl(h);
    Peer& p = peer(con);
    if (!p.open) return;
    p.open = false;
    // Swap with the last one: O(1) removal.
    const std::size_t slot = p.slot;
    if (slot + 1 != open_.size()) {
      open_[slot] = std::move(open_.back());
      peer(open_[slot]).slot = slot;
    }
    open_.pop_back();
  }

  void on_message(ws::connection_hdl h, const message_ptr& msg) {
    const std::string& m = msg->get_payload();
    auto con = server_.get_con_from_hdl(h);
    if (m == "3") {
      peer(con).awaiting_pong = false;
    } else if (m.compare(0, 2, "42") == 0) {
      // 42<id>["echo",X]  or  42["broadcast",X]
      std::size_t i = 2;
      while (i < m.size() && m[i] >= '0' && m[i] <= '9') ++i;
      const std::string_view rest = std::string_view(m).substr(i);
      constexpr std::string_view echo = "[\"echo\",";
      constexpr std::string_view bcast = "[\"broadcast\",";
      if (i > 2 && rest.substr(0, echo.size()) == echo) {
        std::string reply;
        reply.reserve(m.size());
        reply.append("43").append(m, 2, i - 2).push_back('[');
        reply.append(rest.substr(echo.size()));
        send(con, std::move(reply));
      } else if (rest.substr(0, bcast.size()) == bcast) {
        auto frame = prepared_text("42[\"bcast\"," + std::string(rest.substr(bcast.size())));
        for (auto& c : open_) c->send(frame);
      }
    } else if (m == "40") {
      send(con, "40{\"sid\":\"" + make_sid() + "\"}");
    } else if (m == "41" || m == "1") {
      std::error_code ec;
      con->close(ws::close::status::normal, "", ec);
    }
  }

  std::string make_sid() {
    // 20 characters, as Engine.IO ids are; unique is all that matters here.
    char buf[32];
    std::snprintf(buf, sizeof buf, "raw%017llu", static_cast<unsigned long long>(++sid_counter_));
    return buf;
  }

  void schedule_ping() {
    ping_timer_.expires_after(std::chrono::milliseconds(s_.ping_interval_ms));
    ping_timer_.async_wait([this](const std::error_code& ec) {
      if (ec) return;
      ping_all();
      schedule_ping();
    });
  }

  void ping_all() {
    auto ping = prepared_text("2");
    std::vector<connection_ptr> silent;
    for (auto& con : open_) {
      if (peer(con).awaiting_pong) {
        silent.push_back(con);
        continue;
      }
      peer(con).awaiting_pong = true;
      con->send(ping);
    }
    for (auto& con : silent) {
      std::error_code ec;
      con->close(ws::close::status::policy_violation, "ping timeout", ec);
    }
  }

  asio::io_context& ioc_;
  Settings s_;
  server_type server_;
  asio::steady_timer ping_timer_;
  std::vector<connection_ptr> open_;
  std::string open_packet_;
  unsigned long long sid_counter_ = 0;
};

template <std::size_t ReadBuffer>
int serve(const Settings& s) {
  asio::io_context ioc(1);
  RawServer<ReadBuffer> server(ioc, s);
  if (auto ec = server.listen()) {
    std::fprintf(stderr, "cannot listen on %s:%u: %s\n", s.address.c_str(), static_cast<unsigned>(s.port), ec.message().c_str());
    return 1;
  }
  std::printf("listening %u\n", static_cast<unsigned>(server.port()));
  std::fflush(stdout);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    server.stop();
    ioc.stop();
  });
  ioc.run();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    const char* v = argv[i + 1];
    if (a == "--port") s.port = static_cast<std::uint16_t>(std::atoi(v));
    else if (a == "--address") s.address = v;
    else if (a == "--read-buffer") s.read_buffer = std::strtoul(v, nullptr, 10);
    else if (a == "--ping-interval") s.ping_interval_ms = std::atol(v);
    else if (a == "--ping-timeout") s.ping_timeout_ms = std::atol(v);
    else {
      std::fprintf(stderr, "usage: %s [--port P] [--address A] [--read-buffer BYTES] [--ping-interval MS] [--ping-timeout MS]\n", argv[0]);
      return 2;
    }
  }
  if (s.read_buffer <= 1024) return serve<1024>(s);
  if (s.read_buffer <= 4096) return serve<4096>(s);
  return serve<16384>(s);
}
