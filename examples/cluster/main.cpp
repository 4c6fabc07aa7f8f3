// One server of a cluster joined through Redis (sio::redis::Cluster), to run beside others, sio's
// or Node's with @socket.io/redis-adapter: tests/cluster/ starts two of these and a Node server
// and checks that a client of any of them reaches the clients of all.
//
// Usage: cluster <port> <redis-url>    (SERVER_NAME names the server; the port by default)
// Listens on 127.0.0.1:<port> (0: a free port), prints "listening <port>" when ready, emits
// nothing on connection.
//
// Events ("(ack)": the client asks for an acknowledgement):
//   whoami (ack)                        ack {server, id}
//   join room (ack) / leave room (ack)  join / leave; ack true
//   to-room {room, data}                io.to(room).emit("room-msg", data)
//   to-room-except {room, except, data} io.to(room).except(except).emit("room-msg", data)
//   broadcast-from data                 socket.broadcast.emit("bcast", data)

#include <sio.hpp>
#include <sio/redis/adapter.hpp>

#include <asio/signal_set.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void log_to_stderr(sio::LogLevel level, std::string_view msg) {
  if (level == sio::LogLevel::debug) return;
  std::fprintf(stderr, "[%s] %.*s\n", sio::to_string(level).data(), static_cast<int>(msg.size()), msg.data());
}

// The member `name` of the first argument, as a value to emit (null when absent); binary data
// stays binary.
sio::Value member(const sio::Args& args, const char* name) {
  const auto& object = args[0];
  if (!object.IsObject()) return nullptr;
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd()) return nullptr;
  if (args.attachment_index(it->value)) return sio::Binary(args.attachment(it->value));
  return sio::Value(it->value);
}

std::string member_string(const sio::Args& args, const char* name) {
  const auto& object = args[0];
  if (!object.IsObject()) return {};
  const auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s <port> <redis-url>\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  sio::redis::ClusterOptions redis;
  redis.logger = log_to_stderr;
  if (port < 0 || port > 65535 || !sio::redis::parse_url(argv[2], redis.redis)) {
    std::fprintf(stderr, "usage: %s <port> <redis-url>   (port 0..65535, redis://host:port)\n", argv[0]);
    return 2;
  }
  const char* name_env = std::getenv("SERVER_NAME");
  std::string name = name_env && *name_env ? name_env : "";

  asio::io_context ioc(1);
  sio::redis::Cluster cluster(ioc, redis);
  sio::ServerOptions options;
  options.adapter = cluster.adapter();
  options.logger = log_to_stderr;
  sio::Server<sio::transport::websocketpp> io(ioc, options);

  if (auto ec = io.listen(static_cast<std::uint16_t>(port), "127.0.0.1")) {
    std::fprintf(stderr, "cannot listen on 127.0.0.1:%d: %s\n", port, ec.message().c_str());
    return 1;
  }
  const unsigned bound = io.transport().local_port();
  if (name.empty()) name = std::to_string(bound);

  io.on("connection", [&io, name](sio::Socket socket) {
    socket.on("whoami", [name](sio::Socket s, sio::Args, sio::Ack ack) {
      if (ack) ack(sio::object{{"server", name}, {"id", s.id()}});
    });
    socket.on("join", [](sio::Socket s, sio::Args args, sio::Ack ack) {
      s.join(args.get<std::string>(0));
      if (ack) ack(true);
    });
    socket.on("leave", [](sio::Socket s, sio::Args args, sio::Ack ack) {
      s.leave(args.get<std::string>(0));
      if (ack) ack(true);
    });
    socket.on("to-room", [&io](sio::Args args) { io.to(member_string(args, "room")).emit("room-msg", member(args, "data")); });
    socket.on("to-room-except", [&io](sio::Args args) {
      io.to(member_string(args, "room")).except(member_string(args, "except")).emit("room-msg", member(args, "data"));
    });
    socket.on("broadcast-from", [](sio::Socket s, sio::Args args) {
      if (args.empty()) s.broadcast().emit("bcast", nullptr);
      else if (args.is_binary(0)) s.broadcast().emit("bcast", sio::Binary(args.binary(0)));
      else s.broadcast().emit("bcast", sio::Value(args[0]));
    });
  });

  // Ready once Redis has confirmed the subscriptions: from then on, nothing the others
  // broadcast is missed.
  bool announced = false;
  cluster.on_state([&announced, bound](bool up) {
    if (!up || announced) return;
    announced = true;
    std::printf("listening %u\n", bound);
    std::fflush(stdout);
  });

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](std::error_code, int) {
    io.close();
    cluster.close();
  });
  ioc.run();
  return 0;
}
