// What the tutorial demos (chat, news, rooms, auth) have in common, so that each program reads as
// its own demo: the command line, the page files served beside Socket.IO, and how a demo listens,
// says where it is, and stops.
//
//   int main(int argc, char** argv) {
//     demo::Settings settings(SIO_DEMO_CLIENT_FILE, SIO_DEMO_PUBLIC_DIR);
//     if (int status = demo::read_settings(argc, argv, settings)) return status;
//     demo::Program program("hello", demo::server_options(settings));
//     program.io().on("connection", [](sio::Socket s) { s.emit("hello"); });
//     demo::serve_page(program.transport(), settings.public_dir, {"index.html", "hello.js"});
//     if (!program.listen(settings)) return 1;
//     return program.run();  // prints "hello: listening on http://localhost:3000/; Ctrl-C stops it"
//   }

#pragma once

#include <sio.hpp>
#ifdef SIO_DEMO_TLS
#include <sio/transport/websocketpp_tls.hpp>
#endif

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace demo {

/// The Socket.IO server of every demo: sio on its network transport.
using IoServer = sio::Server<sio::transport::websocketpp>;

/// What every demo reads from its command line.
struct Settings {
  /// Settings with the defaults the build gives the demo: the browser client and the page's folder.
  Settings(std::string default_client_file, std::string default_public_dir)
      : client_file(std::move(default_client_file)), public_dir(std::move(default_public_dir)) {}

  int port = 3000;          ///< 0 picks a free port
  std::string host;         ///< the address to listen on; empty: every address (IPv6 and IPv4)
  std::string client_file;  ///< the socket.io.js that the server hands to browsers
  std::string public_dir;   ///< the folder of the page's files
};

/// An option of one demo only, which takes a value: chat's `{"--db", "FILE", &database}`.
struct Option {
  std::string_view name;        ///< as typed: "--db"
  std::string_view value_name;  ///< what the usage line calls its value: "FILE"
  std::string* value;           ///< set when the option is given; keeps its default otherwise
};

/// Reads `[port] [--host ADDRESS] [extra options] [--client-file FILE] [--public-dir DIR]` into
/// `settings`, in any order, and checks that the browser client can be read. The SIO_CLIENT_FILE
/// environment variable, when set, replaces the default client file; --client-file replaces both.
/// \returns 0 when the demo can start; otherwise its exit status, after saying why on stderr:
/// 2 when the command line is wrong or asks for help (-h, --help: the usage line, and `usage_note`
/// below it), 1 when the browser client cannot be read (with the way to install it).
inline int read_settings(int argc, char** argv, Settings& settings, const std::vector<Option>& extra = {},
                         std::string_view usage_note = {}) {
  if (const char* env = std::getenv("SIO_CLIENT_FILE"); env && *env) settings.client_file = env;
  std::map<std::string_view, std::string*> options = {
      {"--host", &settings.host}, {"--client-file", &settings.client_file}, {"--public-dir", &settings.public_dir}};
  for (const auto& o : extra) options[o.name] = o.value;

  bool port_seen = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    bool ok = false;
    if (auto option = options.find(arg); option != options.end()) {
      ok = i + 1 < argc;
      if (ok) *option->second = argv[++i];
    } else if (!port_seen && !arg.empty() && arg.size() <= 5 &&
               arg.find_first_not_of("0123456789") == std::string_view::npos) {
      settings.port = std::atoi(argv[i]);
      port_seen = true;
      ok = settings.port <= 65535;
    }
    if (!ok) {
      std::string usage = "usage: " + std::string(argv[0]) + " [port] [--host ADDRESS]";
      for (const auto& o : extra) usage.append(" [").append(o.name).append(" ").append(o.value_name).append("]");
      usage.append(" [--client-file FILE] [--public-dir DIR]\n").append(usage_note);
      std::fputs(usage.c_str(), stderr);
      return 2;
    }
  }

  // Checked before the demo starts, rather than serve a page whose client is missing.
  if (!std::ifstream(settings.client_file)) {
    std::fprintf(stderr,
                 "cannot read the browser client %s\n"
                 "  install it with scripts/setup-deps (npm ci in tests/browser), or give --client-file\n",
                 settings.client_file.c_str());
    return 1;
  }
  return 0;
}

/// Prints sio's log on stderr, all but its debug messages.
inline void log_to_stderr(sio::LogLevel level, std::string_view msg) {
  if (level == sio::LogLevel::debug) return;
  std::fprintf(stderr, "[%s] %.*s\n", sio::to_string(level).data(), static_cast<int>(msg.size()), msg.data());
}

/// The server options every demo starts from: the browser client of `settings`, and the log on
/// stderr. A demo changes more of them (auth: the path) before it makes its Program.
inline sio::ServerOptions server_options(const Settings& settings) {
  sio::ServerOptions options;
  options.client_file = settings.client_file;
  options.logger = log_to_stderr;
  return options;
}

/// Answers the HTTP requests that are not Socket.IO's with the page's `files`, read from `dir` at
/// each request (so an edited page shows on reload). Only the files named are served, so no other
/// file of the disk is reachable; "/" is index.html. A file's type comes from its ending (.html,
/// .js, .css).
///
///   demo::serve_page(program.transport(), settings.public_dir, {"index.html", "chat.js", "chat.css"});
inline void serve_page(sio::transport::websocketpp& transport, std::string dir,
                       std::initializer_list<std::string_view> files) {
  struct File {
    std::string name;
    std::string content_type;
  };
  auto content_type = [](std::string_view name) -> std::string {
    auto ends_with = [&](std::string_view end) {
      return name.size() >= end.size() && name.substr(name.size() - end.size()) == end;
    };
    if (ends_with(".html")) return "text/html; charset=utf-8";
    if (ends_with(".js")) return "text/javascript; charset=utf-8";
    if (ends_with(".css")) return "text/css; charset=utf-8";
    return "application/octet-stream";
  };
  std::map<std::string, File, std::less<>> by_path;
  for (std::string_view name : files) {
    File file{std::string(name), content_type(name)};
    if (name == "index.html") by_path["/"] = file;
    by_path["/" + std::string(name)] = std::move(file);
  }

  transport.set_http_callback([dir = std::move(dir), by_path = std::move(by_path)](
                                  std::shared_ptr<sio::transport::HttpExchange> ex) {
    const auto& req = ex->request();
    auto it = by_path.find(req.path);
    if (it == by_path.end()) return ex->respond(404, "Not Found\n", {{"Content-Type", "text/plain"}});
    if (req.method != "GET" && req.method != "HEAD") return ex->respond(405, "", {{"Allow", "GET, HEAD"}});
    std::ifstream in(dir + "/" + it->second.name, std::ios::binary);
    if (!in) return ex->respond(500, "the page's files are missing\n", {{"Content-Type", "text/plain"}});
    std::ostringstream body;
    body << in.rdbuf();
    ex->respond(200, req.method == "HEAD" ? std::string() : body.str(),
                {{"Content-Type", it->second.content_type}, {"Cache-Control", "no-cache"}});
  });
}

/// The files of a demo served over HTTPS and WSS (--tls-cert, --tls-key); both empty: plain HTTP.
struct TlsFiles {
  std::string cert;  ///< the certificate chain, PEM
  std::string key;   ///< its private key, PEM
};

/// A demo's event loop, its network transport and its Socket.IO server, which stop together on
/// Ctrl-C (SIGINT) or SIGTERM.
class Program {
 public:
  /// Makes the server with `options` (see server_options()), over TLS with the files of `tls` if
  /// any; nothing listens until listen(), which reports files that cannot be used.
  /// `name` starts the lines the program prints.
  Program(std::string name, sio::ServerOptions options, const TlsFiles& tls = {})
      : Program(std::move(name), std::make_unique<asio::io_context>(1), nullptr, std::move(options), tls) {}
  /// The same on the demo's own event loop `ioc`, run by one thread, for what the server's
  /// options need made on it first (the chat's Redis cluster, which gives the adapter).
  /// `ioc` must outlive the Program.
  Program(std::string name, asio::io_context& ioc, sio::ServerOptions options, const TlsFiles& tls = {})
      : Program(std::move(name), nullptr, &ioc, std::move(options), tls) {}

  /// The event loop everything runs on, for the demo's own timers.
  asio::io_context& context() noexcept { return ioc_; }
  /// The network transport, for serve_page().
  sio::transport::websocketpp& transport() noexcept { return *transport_; }
  /// The Socket.IO server.
  IoServer& io() noexcept { return io_; }

  /// Listens on the port and address of `settings`: without an address, on every IPv6 and IPv4
  /// address, or every IPv4 one where the machine has no IPv6.
  /// \returns false, after saying on stderr why, when the port cannot be used.
  bool listen(const Settings& settings) {
    if (!error_.empty()) {
      std::fprintf(stderr, "%s\n", error_.c_str());
      return false;
    }
    const auto port = static_cast<std::uint16_t>(settings.port);
    const std::string& host = settings.host;
    std::error_code ec;
    if (host.empty()) {
      // Dual-stack, so "localhost" works whether it resolves to ::1 or 127.0.0.1.
      ec = transport_->listen(port, "::");
      if (ec) ec = transport_->listen(port, "0.0.0.0");
    } else {
      ec = transport_->listen(port, host);
    }
    if (ec) {
      std::fprintf(stderr, "cannot listen on port %d: %s\n", settings.port, ec.message().c_str());
      return false;
    }
    const std::string shown_host = host.empty() || host == "::" || host == "0.0.0.0" ? "localhost"
                                   : host.find(':') != std::string::npos             ? "[" + host + "]"
                                                                                     : host;
    url_ = (tls_ ? "https://" : "http://") + shown_host + ":" + std::to_string(transport_->local_port()) + "/";
    return true;
  }

  /// Makes run() wait before it says where the page is until `ready` calls the function it is
  /// given (once), for a demo that is ready some time after it listens (the chat with Redis, once
  /// Redis has confirmed its subscriptions: from then on nothing the other servers send is
  /// missed). `ready` is called from run(), on the event loop; Ctrl-C works while it waits.
  void announce_when(std::function<void(std::function<void()> announce)> ready) { ready_ = std::move(ready); }

  /// Says where the page is, "<name>: listening on <address><after_address>; Ctrl-C stops it" (the
  /// line users and the demos' tests read the address from), and runs until SIGINT or SIGTERM.
  /// Then calls `on_stop` (which stops the demo's own timers), closes the server and the transport,
  /// lets the connections finish their closing handshakes for at most half a second, so that a
  /// silent peer cannot hold the program up, and says "<name>: stopped".
  /// \returns the program's exit status, 0.
  int run(std::string_view after_address = {}, std::function<void()> on_stop = {}) {
    auto announce = [this, after = std::string(after_address)] {
      std::printf("%s: listening on %s%s; Ctrl-C stops it\n", name_.c_str(), url_.c_str(), after.c_str());
      std::fflush(stdout);
    };
    if (ready_) ready_(announce);
    else announce();
    signals_.async_wait([this, on_stop = std::move(on_stop)](std::error_code, int) {
      if (on_stop) on_stop();
      io_.close();
      transport_->close();
      ioc_.stop();
    });
    ioc_.run();
    // Once closed, sio leaves no work behind but the closing handshakes: run_for() returns as soon
    // as they are done.
    ioc_.restart();
    ioc_.run_for(std::chrono::milliseconds(500));
    std::printf("%s: stopped\n", name_.c_str());
    return 0;
  }

 private:
  Program(std::string name, std::unique_ptr<asio::io_context> own, asio::io_context* given,
          sio::ServerOptions options, const TlsFiles& tls)
      : name_(std::move(name)),
        own_ioc_(std::move(own)),
        ioc_(given ? *given : *own_ioc_),
        signals_(ioc_, SIGINT, SIGTERM),
        transport_(make_transport(ioc_, tls, error_)),
        io_(*transport_, std::move(options)) {}

  std::string name_;
  std::string url_;  // the page's address, once listening
  std::function<void(std::function<void()>)> ready_;  // see announce_when()
  std::unique_ptr<asio::io_context> own_ioc_;          // unless the demo gave its own
  asio::io_context& ioc_;
  // Made before anything listens, so that a stop asked for as soon as the address is printed is not lost.
  asio::signal_set signals_;
  std::string error_;  // why the TLS files cannot be used, said by listen()
  bool tls_ = false;
  std::unique_ptr<sio::transport::websocketpp> transport_;  // plain, or websocketpp_tls
  IoServer io_;

  /// The plain transport, or the TLS one with `tls`'s files; a plain one and `error` set when the
  /// files cannot be used (or the demos were built without sio::tls).
  std::unique_ptr<sio::transport::websocketpp> make_transport(asio::io_context& ioc, const TlsFiles& tls,
                                                              std::string& error) {
    if (tls.cert.empty() && tls.key.empty()) return std::make_unique<sio::transport::websocketpp>(ioc);
    if (tls.cert.empty() || tls.key.empty()) {
      error = "--tls-cert and --tls-key go together";
    } else {
#ifdef SIO_DEMO_TLS
      try {
        auto transport = std::make_unique<sio::transport::websocketpp_tls>(
            ioc, sio::transport::tls_from_files(tls.cert, tls.key));
        tls_ = true;
        return transport;
      } catch (const std::exception& e) {
        error = e.what();
      }
#else
      error = "this program was built without TLS (sio::tls, CMake option SIO_TLS)";
#endif
    }
    return std::make_unique<sio::transport::websocketpp>(ioc);
  }
};

}  // namespace demo
