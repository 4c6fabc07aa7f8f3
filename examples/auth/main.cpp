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

#include "demo.hpp"

#include <sio.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace {

/// The one session id this demo lets in.
constexpr std::string_view accepted_sid = "123456";

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

}  // namespace

int main(int argc, char** argv) {
  demo::Settings settings(SIO_DEMO_CLIENT_FILE, SIO_DEMO_PUBLIC_DIR);
  if (int status = demo::read_settings(argc, argv, settings)) return status;

  auto options = demo::server_options(settings);
  options.path = "/my/";  // the client says `path: "/my"`; the browser bundle is at /my/socket.io.js
  demo::Program program("auth", std::move(options));
  program.io().use(check_sid);
  program.io().use(read_cookie);
  program.io().on("connection", on_connection);
  demo::serve_page(program.transport(), settings.public_dir, {"index.html", "auth.js", "auth.css"});

  if (!program.listen(settings)) return 1;
  return program.run();
}
