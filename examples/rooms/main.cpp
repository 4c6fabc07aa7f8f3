// Rooms and broadcasts, as in the Socket.IO tutorials: every way to address a message, one event each.
//
// Usage: rooms [port] [--host ADDRESS] [--client-file FILE] [--public-dir DIR]
//   port          0 picks a free one; default 3000
//   --host        address to listen on; default every address (IPv6 and IPv4)
//   --client-file socket.io.js to serve (also SIO_CLIENT_FILE); default from the socket.io-client
//                 npm package that scripts/setup-deps installs
//   --public-dir  the folder of the page; default this example's public/ folder
//
// Events (namespace "/"); every delivery is a "message" event {from, how, text} (and room or to):
//   join <room> (ack) / leave <room> (ack)  the ack gets the socket's rooms (its own id room left out)
//   in-room <room> <text>        io.in(room).emit            members of the room, sender included
//   to-room <room> <text>        socket.to(room).emit        members of the room but the sender
//   broadcast-to <room> <text>   socket.broadcast.to(room)   the same, written the other way
//   private <socket id> <text>   socket.to(id).emit          that socket only
//   everyone <text>              io.emit                     every socket
//   others <text>                socket.broadcast.emit       every socket but the sender
// The server also sends "hello" {id} to each new socket and "peers" [ids] to everyone when the list changes.

#include <sio.hpp>

#include <asio/signal_set.hpp>

#include <algorithm>
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
#include <vector>

namespace {

using IoServer = sio::Server<sio::transport::websocketpp>;

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
      {"/rooms.js", {"rooms.js", "text/javascript; charset=utf-8"}},
      {"/rooms.css", {"rooms.css", "text/css; charset=utf-8"}},
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

// ---- the demo ----

/// A room name or socket id from a client: a non-empty string of reasonable length.
std::optional<std::string> name_arg(const sio::Args& args, std::size_t i) {
  auto name = args.try_get<std::string>(i);
  if (!name || name->empty() || name->size() > 64) return std::nullopt;
  return name;
}

/// The text of a message from a client: any string, cut to a reasonable length.
std::string text_arg(const sio::Args& args, std::size_t i) {
  auto text = args.try_get<std::string>(i).value_or(std::string());
  if (text.size() > 1000) text.resize(1000);
  return text;
}

/// A message as the page shows it: who sent it, which call delivered it, and the text.
sio::object message(const sio::Socket& from, const char* how, std::string text) {
  return sio::object{{"from", from.id()}, {"how", how}, {"text", std::move(text)}};
}

/// The rooms a socket joined, without the room named after its own id, in alphabetical order.
sio::array joined_rooms(const sio::Socket& s) {
  auto rooms = s.rooms();
  std::sort(rooms.begin(), rooms.end());
  sio::array out;
  for (const auto& r : rooms)
    if (r != s.id()) out.items.emplace_back(r);
  return out;
}

/// Tells everyone which sockets are connected, so each page can offer them for private messages.
void send_peers(IoServer& io) {
  sio::array ids;
  for (const auto& s : io.fetch_sockets()) ids.items.emplace_back(s.id());
  io.emit("peers", std::move(ids));
}

void on_connection(IoServer& io, sio::Socket socket) {
  socket.emit("hello", sio::object{{"id", socket.id()}});
  send_peers(io);

  socket.on("join", [](sio::Socket s, sio::Args args, sio::Ack ack) {
    if (auto room = name_arg(args, 0)) s.join(*room);
    if (ack) ack(joined_rooms(s));
  });
  socket.on("leave", [](sio::Socket s, sio::Args args, sio::Ack ack) {
    if (auto room = name_arg(args, 0)) s.leave(*room);
    if (ack) ack(joined_rooms(s));
  });

  // The same room, three ways: with the sender (io.in), and without it (socket.to and
  // socket.broadcast.to, which Node users write both ways).
  socket.on("in-room", [&io](sio::Socket s, sio::Args args) {
    if (auto room = name_arg(args, 0)) {
      auto m = message(s, "io.in(room).emit", text_arg(args, 1));
      m.members.emplace_back("room", *room);
      io.in(*room).emit("message", m);
    }
  });
  socket.on("to-room", [](sio::Socket s, sio::Args args) {
    if (auto room = name_arg(args, 0)) {
      auto m = message(s, "socket.to(room).emit", text_arg(args, 1));
      m.members.emplace_back("room", *room);
      s.to(*room).emit("message", m);
    }
  });
  socket.on("broadcast-to", [](sio::Socket s, sio::Args args) {
    if (auto room = name_arg(args, 0)) {
      auto m = message(s, "socket.broadcast.to(room).emit", text_arg(args, 1));
      m.members.emplace_back("room", *room);
      s.broadcast().to(*room).emit("message", m);
    }
  });
  // Each socket is alone in a room named after its id: a private message is a room message.
  socket.on("private", [](sio::Socket s, sio::Args args) {
    if (auto id = name_arg(args, 0)) {
      auto m = message(s, "socket.to(id).emit", text_arg(args, 1));
      m.members.emplace_back("to", *id);
      s.to(*id).emit("message", m);
    }
  });
  socket.on("everyone", [&io](sio::Socket s, sio::Args args) {
    io.emit("message", message(s, "io.emit", text_arg(args, 0)));
  });
  socket.on("others", [](sio::Socket s, sio::Args args) {
    s.broadcast().emit("message", message(s, "socket.broadcast.emit", text_arg(args, 0)));
  });

  socket.on("disconnect", [&io](std::string_view) { send_peers(io); });
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
  options.client_file = settings.client_file;
  options.logger = log_to_stderr;
  IoServer io(transport, options);

  io.on("connection", [&io](sio::Socket s) { on_connection(io, s); });
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
  std::printf("rooms: listening on http://%s:%u/; Ctrl-C stops it\n", shown_host.c_str(),
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
  std::printf("rooms: stopped\n");
  return 0;
}
