// Connection middleware, as in the Socket.IO tutorials: a client gets in only with the right `sid`
// in its handshake's auth payload; another middleware reads a cookie. The server answers on a
// custom path, /my/, which the client must be given too (`io({path: "/my"})`).
//
// Usage: auth [port] [--host ADDRESS] [--client-file FILE] [--public-dir DIR]
//   port          0 picks a free one; default 3000
//   --host        address to listen on; default every address (IPv6 and IPv4)
//   --client-file socket.io.js to serve (also SIO_CLIENT_FILE); default from the socket.io-client
//                 npm package that scripts/setup-deps installs
//   --public-dir  the folder of the page; default this example's public/ folder
//
// The tutorial read `sid` from the query string; Engine.IO 4 uses that query parameter for its
// own session id (every request after the first carries `sid=<session>`), so the demo reads it
// from the auth payload the client sends with its CONNECT packet: `io({auth: {sid: "123456"}})`.
//
// Events (namespace "/", path /my/):
//   refused connection  connect_error with the message "Authentication error"
//   on connection       "welcome" {id, nickname}: nickname is the `nickname` cookie, or null

#include <sio.hpp>

#include <asio/signal_set.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

namespace {

using IoServer = sio::Server<sio::transport::websocketpp>;

/// The one session id this demo lets in.
constexpr std::string_view accepted_sid = "123456";

// ---- settings ----

struct Settings {
  int port = 3000;
  std::string host;  // empty: every address
  std::string client_file = SIO_DEMO_CLIENT_FILE;
  std::string public_dir = SIO_DEMO_PUBLIC_DIR;
};

/// Reads the command line; false (after saying how to call the program) when it is wrong.
bool parse_settings(int argc, char** argv, Settings& s) {
  if (const char* env = std::getenv("SIO_CLIENT_FILE"); env && *env) s.client_file = env;
  bool port_seen = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    bool ok = true;
    if (arg == "--host") ok = value(s.host);
    else if (arg == "--client-file") ok = value(s.client_file);
    else if (arg == "--public-dir") ok = value(s.public_dir);
    else if (!port_seen && !arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos && arg.size() <= 5) {
      s.port = std::atoi(arg.c_str());
      port_seen = true;
      ok = s.port <= 65535;
    } else {
      ok = false;
    }
    if (!ok) {
      std::fprintf(stderr, "usage: %s [port] [--host ADDRESS] [--client-file FILE] [--public-dir DIR]\n", argv[0]);
      return false;
    }
  }
  return true;
}

/// Serves the page's own files, named one by one: no other file of the disk is reachable.
void serve_page(const std::string& dir, sio::transport::HttpExchange& ex) {
  static const std::map<std::string_view, std::pair<const char*, const char*>> files = {
      {"/", {"index.html", "text/html; charset=utf-8"}},
      {"/index.html", {"index.html", "text/html; charset=utf-8"}},
      {"/auth.js", {"auth.js", "text/javascript; charset=utf-8"}},
      {"/auth.css", {"auth.css", "text/css; charset=utf-8"}},
  };
  const auto& req = ex.request();
  auto it = files.find(req.path);
  if (it == files.end()) return ex.respond(404, "Not Found\n", {{"Content-Type", "text/plain"}});
  if (req.method != "GET" && req.method != "HEAD") return ex.respond(405, "", {{"Allow", "GET, HEAD"}});
  std::ifstream in(dir + "/" + it->second.first, std::ios::binary);
  if (!in) return ex.respond(500, "the page's files are missing\n", {{"Content-Type", "text/plain"}});
  std::ostringstream body;
  body << in.rdbuf();
  ex.respond(200, req.method == "HEAD" ? std::string() : body.str(),
             {{"Content-Type", it->second.second}, {"Cache-Control", "no-cache"}});
}

// ---- cookies ----

/// Decodes %XX escapes (what the page's encodeURIComponent produced); malformed escapes stay as they are.
std::string percent_decode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// The value of cookie `name` in a `Cookie` header ("a=1; b=2"), or nothing.
std::optional<std::string> cookie(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return percent_decode(pair.substr(eq + 1));
  }
  return std::nullopt;
}

// ---- the demo ----

/// Lets in only a client whose auth payload has `sid` "123456".
void check_sid(sio::Socket& socket, sio::Next next) {
  const rapidjson::Value& auth = socket.handshake().auth();
  auto sid = auth.IsObject() ? auth.FindMember("sid") : auth.MemberEnd();
  if (auth.IsObject() && sid != auth.MemberEnd() && sid->value.IsString() &&
      std::string_view(sid->value.GetString(), sid->value.GetStringLength()) == accepted_sid) {
    return next();
  }
  std::printf("refused a client from %.*s: no valid sid\n", static_cast<int>(socket.handshake().address().size()),
              socket.handshake().address().data());
  std::fflush(stdout);
  next(sio::ConnectError("Authentication error"));
}

/// Reads the `nickname` cookie the browser sent with the handshake and keeps it with the socket.
void read_cookie(sio::Socket& socket, sio::Next next) {
  if (auto nickname = cookie(socket.handshake().header("cookie"), "nickname"); nickname && !nickname->empty())
    socket.data() = std::make_shared<std::string>(nickname->substr(0, 64));
  next();
}

void on_connection(sio::Socket socket) {
  auto nickname = std::static_pointer_cast<std::string>(socket.data());
  std::printf("welcome %s (nickname %s)\n", socket.id().c_str(), nickname ? nickname->c_str() : "none");
  std::fflush(stdout);
  socket.emit("welcome", sio::object{{"id", socket.id()}, {"nickname", nickname ? sio::Value(*nickname) : sio::Value()}});
}

void log_to_stderr(sio::LogLevel level, std::string_view msg) {
  if (level == sio::LogLevel::debug) return;
  std::fprintf(stderr, "[%s] %.*s\n", sio::to_string(level).data(), static_cast<int>(msg.size()), msg.data());
}

}  // namespace

int main(int argc, char** argv) {
  Settings settings;
  if (!parse_settings(argc, argv, settings)) return 2;
  if (!std::ifstream(settings.client_file)) {
    std::fprintf(stderr,
                 "cannot read the browser client %s\n"
                 "  install it with scripts/setup-deps (npm ci in tests/browser), or give --client-file\n",
                 settings.client_file.c_str());
    return 1;
  }

  asio::io_context ioc(1);
  // Installed first, so that a stop asked for as soon as the port is printed is not lost.
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  sio::transport::websocketpp transport(ioc);
  sio::ServerOptions options;
  options.path = "/my/";  // the client says `path: "/my"`; the browser bundle is at /my/socket.io.js
  options.client_file = settings.client_file;
  options.logger = log_to_stderr;
  IoServer io(transport, options);

  io.use(check_sid);
  io.use(read_cookie);
  io.on("connection", on_connection);
  transport.set_http_callback(
      [dir = settings.public_dir](std::shared_ptr<sio::transport::HttpExchange> ex) { serve_page(dir, *ex); });

  const auto port = static_cast<std::uint16_t>(settings.port);
  std::error_code ec;
  if (settings.host.empty()) {
    // Dual-stack, so "localhost" works whether it resolves to ::1 or 127.0.0.1.
    ec = transport.listen(port, "::");
    if (ec) ec = transport.listen(port, "0.0.0.0");
  } else {
    ec = transport.listen(port, settings.host);
  }
  if (ec) {
    std::fprintf(stderr, "cannot listen on port %d: %s\n", settings.port, ec.message().c_str());
    return 1;
  }
  const std::string shown_host =
      settings.host.empty() || settings.host == "::" || settings.host == "0.0.0.0" ? "localhost"
      : settings.host.find(':') != std::string::npos                              ? "[" + settings.host + "]"
                                                                                   : settings.host;
  std::printf("auth: listening on http://%s:%u/; Ctrl-C stops it\n", shown_host.c_str(),
              static_cast<unsigned>(transport.local_port()));
  std::fflush(stdout);

  signals.async_wait([&](std::error_code, int) {
    io.close();
    transport.close();
    ioc.stop();
  });
  ioc.run();
  // Let the connections finish their closing handshakes, for a bounded time: a timer left
  // armed must not hold the program up.
  ioc.restart();
  ioc.run_for(std::chrono::milliseconds(500));
  std::printf("auth: stopped\n");
  return 0;
}
