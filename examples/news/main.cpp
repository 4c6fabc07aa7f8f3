// Namespaces, as in the Socket.IO tutorials: "/" and "/news" each greet their clients and log
// what they receive, and "/news" clients get a random number every second, sent volatile (a
// client that is not ready to receive skips that number instead of queueing it).
//
// Usage: news [port] [--host ADDRESS] [--client-file FILE] [--public-dir DIR]
//   port          0 picks a free one; default 3000
//   --host        address to listen on; default every address (IPv6 and IPv4)
//   --client-file socket.io.js to serve (also SIO_CLIENT_FILE); default from the socket.io-client
//                 npm package that scripts/setup-deps installs
//   --public-dir  the folder of the page; default this example's public/ folder
//
// Events:
//   "/"      on connection: send "welcome to /"       (a "message" event)
//   "/news"  on connection: send "welcome to /news";  every second: volatile "getServerMessage" <number>
//   both     "message" <anything>: printed on stdout as  [<namespace>] <socket id> sent: <JSON>

#include <sio.hpp>

#include <asio/signal_set.hpp>
#include <asio/steady_timer.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

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
      {"/news.js", {"news.js", "text/javascript; charset=utf-8"}},
      {"/news.css", {"news.css", "text/css; charset=utf-8"}},
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

/// The arguments of an event as JSON text, for the log.
std::string to_json(const sio::Args& args) {
  std::string out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    args[i].Accept(writer);
    if (i) out += ' ';
    out.append(buffer.GetString(), buffer.GetSize());
  }
  return out;
}

/// Greets each client of `nsp` and logs what it sends.
void greet_and_log(sio::Namespace nsp) {
  nsp.on("connection", [](sio::Socket socket) {
    socket.send("welcome to " + std::string(socket.nsp()));
    socket.on("message", [](sio::Socket s, sio::Args args) {
      std::printf("[%.*s] %s sent: %s\n", static_cast<int>(s.nsp().size()), s.nsp().data(), s.id().c_str(),
                  to_json(args).c_str());
      std::fflush(stdout);
    });
  });
}

/// Sends a random number to every "/news" client once a second.
class Ticker {
 public:
  Ticker(asio::io_context& ioc, sio::Namespace news) : timer_(ioc), news_(news), random_(std::random_device{}()) {}

  void start() {
    next_ = std::chrono::steady_clock::now();
    schedule();
  }
  void stop() { timer_.cancel(); }

 private:
  void schedule() {
    // Each tick is due one second after the previous one was due, so the pace does not drift.
    next_ += std::chrono::seconds(1);
    timer_.expires_at(next_);
    timer_.async_wait([this](std::error_code ec) {
      if (ec) return;
      // volatile: a client whose connection is busy (between two polls, say) misses this number,
      // as a live ticker should, rather than receiving a pile of stale ones later.
      news_.volatile_().emit("getServerMessage", std::uniform_int_distribution<int>(0, 999)(random_));
      schedule();
    });
  }

  asio::steady_timer timer_;
  sio::Namespace news_;
  std::mt19937 random_;
  std::chrono::steady_clock::time_point next_;
};

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

  greet_and_log(io.of("/"));
  greet_and_log(io.of("/news"));
  Ticker ticker(ioc, io.of("/news"));
  ticker.start();

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
  std::printf("news: listening on http://%s:%u/; Ctrl-C stops it\n", shown_host.c_str(),
              static_cast<unsigned>(transport.local_port()));
  std::fflush(stdout);

  signals.async_wait([&](std::error_code, int) {
    ticker.stop();
    io.close();
    transport.close();
    ioc.stop();
  });
  ioc.run();
  // Let the connections finish their closing handshakes, for a bounded time: a timer left
  // armed must not hold the program up.
  ioc.restart();
  ioc.run_for(std::chrono::milliseconds(500));
  std::printf("news: stopped\n");
  return 0;
}
