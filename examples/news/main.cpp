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

#include "demo.hpp"

#include <sio.hpp>

#include <asio/steady_timer.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>

namespace {

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

}  // namespace

int main(int argc, char** argv) {
  demo::Settings settings(SIO_DEMO_CLIENT_FILE, SIO_DEMO_PUBLIC_DIR);
  if (int status = demo::read_settings(argc, argv, settings)) return status;

  demo::Program program("news", demo::server_options(settings));
  greet_and_log(program.io().of("/"));
  greet_and_log(program.io().of("/news"));
  Ticker ticker(program.context(), program.io().of("/news"));
  ticker.start();
  demo::serve_page(program.transport(), settings.public_dir, {"index.html", "news.js", "news.css"});

  if (!program.listen(settings)) return 1;
  return program.run({}, [&ticker] { ticker.stop(); });
}
