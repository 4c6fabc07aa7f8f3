// libFuzzer target: the whole server (Engine.IO handshake, polling, WebSocket, upgrades, the
// Socket.IO layer, namespaces, acks, rooms, timeouts) over the in-memory transport, driven by a
// script of client actions.
//
// Input: records separated by '\n', each one action (the first byte) and its argument:
//   G<query>                    GET  /socket.io/?<query>
//   P<query> <body>             POST /socket.io/?<query> with <body> (to the end of the record)
//   R<method> <target> <body>   any request to any target (other paths, methods, the client file)
//   W<query>                    open a WebSocket at /socket.io/?<query>; it becomes the current one
//   T<text>  B<bytes>           a text / binary frame on the current WebSocket
//   C  X                        close / abort the current WebSocket
//   S<n>                        make WebSocket number n (modulo how many) the current one
//   Q1  Q0                      hold / release what the server writes to the current WebSocket
//   F<n>                        fail the current WebSocket's server write number n
//   D                           the client of the oldest pending request goes away
//   A<ms>                       advance the clock (at most 10 s an action)
//   H<name>: <value>            a header for the next request or WebSocket
//   I<address>                  the client address of the next request or WebSocket
//   Z                           close the server (io.close())
// In queries, targets and bodies, `$<digit>` stands for the Engine.IO session id the server gave
// in its n-th handshake answer (modulo how many), `$` alone for the latest: session ids are random.
//
// The handlers echo (events "echo", "room"), acknowledge ("ack"), join rooms ("join"), throw
// (get<> on a wrong type), disconnect ("bye") and ask the client for acks; namespace "/admin"
// has a middleware that refuses clients without `{"token":...}` in their auth.
// Each input builds its own transport and server and drops them at the end: nothing outlives it.

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <asio/io_context.hpp>

#include "sio/detail/utf8.hpp"
#include "sio/server.hpp"
#include "sio/transport/memory.hpp"

namespace {

using namespace std::chrono_literals;
using Memory = sio::transport::memory;

[[noreturn]] void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "http_path: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

// Short timings and small limits, so that a few actions reach every timeout and every refusal.
sio::ServerOptions options() {
  sio::ServerOptions o;
  o.ping_interval = 300ms;
  o.ping_timeout = 200ms;
  o.connect_timeout = 1000ms;
  o.upgrade_timeout = 500ms;
  o.attachment_timeout = 500ms;
  o.max_http_buffer_size = 4096;
  o.max_buffered_bytes = 8192;
  o.max_attachments = 8;
  o.max_sessions = 12;
  o.max_unconnected_sessions = 6;
  o.max_namespaces_per_client = 3;
  o.max_json_depth = 16;
  o.cors.origins = {"https://example.com"};
  o.cors.credentials = true;
  // Logging on, so that the code that formats log lines runs too; the lines go nowhere.
  o.logger = [](sio::LogLevel, std::string_view message) {
    if (!message.empty() && message.data() == nullptr) fail("a log line without data");
  };
  return o;
}

void install_handlers(sio::Server<Memory>& io) {
  io.on("connection", [](sio::Socket s) {
    s.on("echo", [](sio::Socket self, sio::Args a) { self.emit("echo", a); });
    s.on("ack", [](sio::Args a, sio::Ack ack) {
      if (ack) ack(a);
    });
    // Throws sio::ArgumentError when the argument is no string: the server must survive it.
    s.on("join", [](sio::Socket self, sio::Args a) { self.join(a.get<std::string>(0)); });
    s.on("leave", [](sio::Socket self, sio::Args a) { self.leave(a.get<std::string>(0)); });
    s.on("room", [](sio::Socket self, sio::Args a) { self.to("r").emit("room", a); });
    s.on("bye", [](sio::Socket self) { self.disconnect(); });
    s.on("close", [](sio::Socket self) { self.disconnect(true); });
    s.on("ask", [](sio::Socket self) {
      self.timeout(400ms).emit_with_ack("question", 1, [self](std::error_code, sio::Args reply) mutable {
        self.emit("answer", reply);
      });
    });
    s.join("r");
    s.emit("hello", "world", 42, sio::Binary("\x00\x01\xff", 3));
  });
  io.of("/admin").use([](sio::Socket s, sio::Next next) {
    const rapidjson::Value& auth = s.handshake().auth();
    if (auth.IsObject() && auth.HasMember("token")) return next();
    next(sio::ConnectError("not authorized", sio::object{{"code", 42}}));
  });
  io.of("/admin").on("connection", [](sio::Socket s) {
    s.on_any([](sio::Socket& self, std::string_view name, sio::Args& a) {
      self.emit("any", std::string(name), static_cast<std::uint64_t>(a.size()));
    });
  });
}

// A session id from an Engine.IO open packet (`0{"sid":"...`) at the start of `text`.
void collect_sid(std::string_view text, std::vector<std::string>& sids) {
  constexpr std::string_view open = "0{\"sid\":\"";
  if (text.substr(0, open.size()) != open) return;
  const std::size_t end = text.find('"', open.size());
  if (end == std::string_view::npos) return;
  if (sids.size() == 16) sids.erase(sids.begin());
  sids.emplace_back(text.substr(open.size(), end - open.size()));
}

std::string substitute(std::string_view in, const std::vector<std::string>& sids) {
  std::string out;
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '$') {
      out.push_back(in[i]);
      continue;
    }
    if (sids.empty()) continue;
    if (i + 1 < in.size() && in[i + 1] >= '0' && in[i + 1] <= '9') {
      out.append(sids[static_cast<std::size_t>(in[++i] - '0') % sids.size()]);
    } else {
      out.append(sids.back());
    }
  }
  return out;
}

std::size_t number(std::string_view s) {
  std::size_t n = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') break;
    n = std::min<std::size_t>(n * 10 + static_cast<std::size_t>(c - '0'), 1'000'000);
  }
  return n;
}

// What the server sent must be valid for its frame, whatever the client sent.
void check_text(std::string_view text, const char* where) {
  if (!sio::detail::is_valid_utf8(text)) fail(where, text);
}

class Script {
 public:
  Script() : io_(std::make_unique<sio::Server<Memory>>(t_, options())) { install_handlers(*io_); }
  ~Script() {
    // Clients first, then the server, then the transport (a member declared before them).
    ws_.clear();
    pending_.clear();
    io_.reset();
  }

  void run(std::string_view input) {
    std::size_t pos = 0;
    while (pos <= input.size()) {
      const std::size_t end = std::min(input.find('\n', pos), input.size());
      const std::string_view record = input.substr(pos, end - pos);
      pos = end + 1;
      if (!record.empty()) step(record[0], record.substr(1));
      read_everything();
    }
  }

 private:
  void step(char action, std::string_view arg) {
    switch (action) {
      case 'G': request("GET", "/socket.io/?" + substitute(arg, sids_), {}); break;
      case 'P': {
        const std::size_t space = arg.find(' ');
        const std::string_view query = arg.substr(0, space);
        const std::string_view body = space == std::string_view::npos ? std::string_view() : arg.substr(space + 1);
        request("POST", "/socket.io/?" + substitute(query, sids_), substitute(body, sids_));
        break;
      }
      case 'R': {
        const std::size_t a = arg.find(' ');
        if (a == std::string_view::npos) break;
        const std::size_t b = arg.find(' ', a + 1);
        const std::string_view target = arg.substr(a + 1, b == std::string_view::npos ? std::string_view::npos : b - a - 1);
        const std::string_view body = b == std::string_view::npos ? std::string_view() : arg.substr(b + 1);
        request(std::string(arg.substr(0, a)), substitute(target, sids_), substitute(body, sids_));
        break;
      }
      case 'W': {
        if (ws_.size() == 16) break;
        auto c = t_.connect("/socket.io/?" + substitute(arg, sids_), take_headers(), take_address());
        if (!c->accepted()) check_text(c->refused_body(), "refused WebSocket body");
        ws_.push_back(std::move(c));
        current_ = ws_.size() - 1;
        break;
      }
      case 'T':
        if (Memory::WsClient* c = current()) c->send_text(substitute(arg, sids_));
        break;
      case 'B':
        if (Memory::WsClient* c = current()) c->send_binary(arg);
        break;
      case 'C':
        if (Memory::WsClient* c = current()) c->close();
        break;
      case 'X':
        if (Memory::WsClient* c = current()) c->abort();
        break;
      case 'S':
        if (!ws_.empty()) current_ = number(arg) % ws_.size();
        break;
      case 'Q':
        if (Memory::WsClient* c = current()) c->set_write_delay(!arg.empty() && arg[0] == '1');
        break;
      case 'F':
        if (Memory::WsClient* c = current()) c->fail_write_at(number(arg));
        break;
      case 'D':
        for (auto it = pending_.begin(); it != pending_.end(); ++it) {
          if ((*it)->done) continue;
          t_.abort_request(*it);
          pending_.erase(it);
          break;
        }
        break;
      case 'A': t_.advance(std::chrono::milliseconds(std::min<std::size_t>(number(arg), 10'000))); break;
      case 'H': {
        const std::size_t colon = arg.find(": ");
        if (colon == std::string_view::npos || headers_.size() == 8) break;
        headers_.emplace_back(std::string(arg.substr(0, colon)), std::string(arg.substr(colon + 2)));
        break;
      }
      case 'I': address_ = std::string(arg); break;
      case 'Z':
        if (io_) io_->close();
        t_.run_pending();
        break;
      default: break;
    }
  }

  Memory::WsClient* current() { return current_ < ws_.size() ? ws_[current_].get() : nullptr; }

  sio::transport::Headers take_headers() { return std::exchange(headers_, {}); }
  std::string take_address() { return std::exchange(address_, "127.0.0.1"); }

  void request(std::string method, std::string target, std::string body) {
    auto r = t_.request(std::move(method), std::move(target), std::move(body), take_headers(), take_address());
    if (!r->done) {
      // A long-polling GET waits for the server; a few stay open, the oldest is dropped.
      if (pending_.size() == 8) pending_.erase(pending_.begin());
      pending_.push_back(std::move(r));
    } else {
      answered(*r);
    }
  }

  void answered(const Memory::HttpResult& r) {
    if (r.status < 100 || r.status > 599) fail("an HTTP status out of range");
    // Bodies are polling payloads, JSON errors or the client file: text, and UTF-8.
    check_text(r.body, "HTTP response body");
    for (const auto& h : r.headers) {
      check_text(h.first, "header name");
      check_text(h.second, "header value");
      if (h.second.find_first_of("\r\n") != std::string::npos) fail("a header value with a line break", h.second);
    }
    if (r.status == 200 && !r.body.empty()) {
      // Every packet of a polling answer; the first one of a handshake names the session.
      std::size_t at = 0;
      while (at <= r.body.size()) {
        const std::size_t sep = std::min(r.body.find('\x1e', at), r.body.size());
        collect_sid(std::string_view(r.body).substr(at, sep - at), sids_);
        at = sep + 1;
      }
    }
  }

  // Takes what the server sent: answers to pending requests, WebSocket frames.
  void read_everything() {
    t_.run_pending();
    for (auto it = pending_.begin(); it != pending_.end();) {
      if ((*it)->done || (*it)->aborted) {
        if ((*it)->done) answered(**it);
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& c : ws_) {
      auto& q = c->received();
      for (const auto& m : q) {
        if (m.binary) continue;
        check_text(m.data, "WebSocket text frame");
        collect_sid(m.data, sids_);
      }
      q.clear();
    }
  }

  asio::io_context ioc_;
  Memory t_{ioc_};
  std::unique_ptr<sio::Server<Memory>> io_;
  std::vector<std::shared_ptr<Memory::WsClient>> ws_;
  std::size_t current_ = 0;
  std::vector<std::shared_ptr<const Memory::HttpResult>> pending_;
  std::vector<std::string> sids_;
  sio::transport::Headers headers_;
  std::string address_ = "127.0.0.1";
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Script script;
  script.run(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
