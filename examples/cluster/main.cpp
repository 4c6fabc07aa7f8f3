// One server of a cluster joined through Redis (sio::redis::Cluster), to run beside others, sio's
// or Node's with @socket.io/redis-adapter: tests/cluster/ starts two of these and a Node server
// and checks that a client of any of them reaches the clients of all. Or, with --threads, a
// cluster of its own: N servers on N threads of one process (sio::ServerGroup), no Redis.
//
// Usage: cluster <port> <redis-url> [--sharded]    (SERVER_NAME names the server; the port by default)
//        cluster <port> --threads N                (thread i's server is named "<SERVER_NAME>/<i>")
// Listens on 127.0.0.1:<port> (0: a free port), prints "listening <port>" when ready, emits
// nothing on connection. With --sharded, the cluster speaks as Node's createShardedAdapter (Redis 7
// sharded Pub/Sub, subscription mode "dynamic") rather than createAdapter: every server of one
// cluster must use the same mode.
//
// Events ("(ack)": the client asks for an acknowledgement):
//   whoami (ack)                        ack {server, id}
//   join room (ack) / leave room (ack)  join / leave; ack true
//   to-room {room, data}                io.to(room).emit("room-msg", data)
//   to-room-except {room, except, data} io.to(room).except(except).emit("room-msg", data)
//   broadcast-from data                 socket.broadcast.emit("bcast", data)
//   fetch room (ack)                    ack the sorted ids of io.in(room).fetchSockets() (every socket for null or "")
//   fetch-rooms id (ack)                ack the sorted rooms of that socket as fetchSockets reports them, or null
//   remote-join / remote-leave {target, room} (ack)   io.in(target).socketsJoin / socketsLeave(room); ack true
//   kick target (ack)                   io.in(target).disconnectSockets(true); ack true
//   sse data                            io.serverSideEmit("sse", data); a server that receives "sse" does
//                                       io.local.emit("sse-got", {server, data})
//   sse-ack (ack)                       io.serverSideEmit("ping-servers", ...) collecting the replies; ack
//                                       {err, replies: sorted}; every server answers "ping-servers" with its name
//   bcast-ack (ack)                     io.timeout(3000).emit("question", ...); ack {err, count}
//   server-count (ack)                  ack the adapter's server count

#include <sio.hpp>
#include <sio/redis/adapter.hpp>

#include <asio/signal_set.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

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

// Sets up `io`, named `name`, with the events of the contract (see the top of this file).
template <class Server>
void serve(Server& io, const std::string& name) {
  // Events of the other servers.
  io.sockets().on("sse", [&io, name](sio::Args args) {
    io.local().emit("sse-got", sio::object{{"server", name}, {"data", args.empty() ? sio::Value(nullptr) : sio::Value(args[0])}});
  });
  io.sockets().on("ping-servers", [name](sio::Args, sio::Ack ack) {
    if (ack) ack(name);
  });

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
    socket.on("fetch", [&io](sio::Args args, sio::Ack ack) {
      auto reply = [ack](std::error_code ec, std::vector<sio::RemoteSocket> sockets) mutable {
        if (ec) {
          ack(nullptr);
          return;
        }
        std::vector<std::string> ids;
        for (const auto& s : sockets) ids.push_back(s.id());
        std::sort(ids.begin(), ids.end());
        sio::array list;
        for (auto& id : ids) list.items.push_back(id);
        ack(list);
      };
      const auto room = args.try_get<std::string>(0);
      if (room && !room->empty()) io.in(*room).fetch_sockets(reply);
      else io.sockets().all().fetch_sockets(reply);
    });
    socket.on("fetch-rooms", [&io](sio::Args args, sio::Ack ack) {
      const std::string id = args.get<std::string>(0);
      io.sockets().all().fetch_sockets([ack, id](std::error_code, std::vector<sio::RemoteSocket> sockets) mutable {
        for (const auto& s : sockets) {
          if (s.id() != id) continue;
          auto rooms = s.rooms();
          std::sort(rooms.begin(), rooms.end());
          sio::array list;
          for (auto& r : rooms) list.items.push_back(r);
          ack(list);
          return;
        }
        ack(nullptr);
      });
    });
    socket.on("remote-join", [&io](sio::Args args, sio::Ack ack) {
      io.in(member_string(args, "target")).sockets_join(member_string(args, "room"));
      if (ack) ack(true);
    });
    socket.on("remote-leave", [&io](sio::Args args, sio::Ack ack) {
      io.in(member_string(args, "target")).sockets_leave(member_string(args, "room"));
      if (ack) ack(true);
    });
    socket.on("kick", [&io](sio::Args args, sio::Ack ack) {
      io.in(args.get<std::string>(0)).disconnect_sockets(true);
      if (ack) ack(true);
    });
    socket.on("sse", [&io](sio::Args args) { io.server_side_emit("sse", args.empty() ? sio::Value(nullptr) : sio::Value(args[0])); });
    socket.on("sse-ack", [&io](sio::Args, sio::Ack ack) {
      io.server_side_emit("ping-servers", "who is there?", [ack](std::error_code ec, std::vector<sio::Args> replies) mutable {
        std::vector<std::string> names;
        for (auto& r : replies)
          if (auto n = r.try_get<std::string>(0)) names.push_back(*n);
        std::sort(names.begin(), names.end());
        sio::array list;
        for (auto& n : names) list.items.push_back(n);
        ack(sio::object{{"err", bool(ec)}, {"replies", list}});
      });
    });
    socket.on("bcast-ack", [&io](sio::Args, sio::Ack ack) {
      io.timeout(std::chrono::seconds(3)).emit("question", "who are you?",
                                              [ack](std::error_code ec, std::vector<sio::Args> replies) mutable {
                                                ack(sio::object{{"err", bool(ec)}, {"count", replies.size()}});
                                              });
    });
    socket.on("server-count", [&io](sio::Args, sio::Ack ack) {
      io.sockets().adapter().server_count([ack](std::size_t n) mutable { ack(n); });
    });
    socket.on("broadcast-from", [](sio::Socket s, sio::Args args) {
      if (args.empty()) s.broadcast().emit("bcast", nullptr);
      else if (args.is_binary(0)) s.broadcast().emit("bcast", sio::Binary(args.binary(0)));
      else s.broadcast().emit("bcast", sio::Value(args[0]));
    });
  });

}

// --threads N: a group of N servers in this process, joined by no Redis.
int run_threads(unsigned port, std::size_t threads, const std::string& name_prefix) {
  sio::ServerOptions options;
  options.logger = log_to_stderr;
  sio::ServerGroup group(threads, options);
  if (auto ec = group.listen(static_cast<std::uint16_t>(port), "127.0.0.1")) {
    std::fprintf(stderr, "cannot listen on 127.0.0.1:%u: %s\n", port, ec.message().c_str());
    return 1;
  }
  const std::string prefix = name_prefix.empty() ? std::to_string(group.local_port()) : name_prefix;
  std::size_t index = 0;
  group.each([&](sio::ServerGroup::server_type& io) { serve(io, prefix + "/" + std::to_string(index++)); });
  asio::signal_set signals(group.context(0), SIGINT, SIGTERM);
  signals.async_wait([&group](std::error_code, int) { group.close(); });
  group.start();
  std::printf("listening %u\n", static_cast<unsigned>(group.local_port()));
  std::fflush(stdout);
  group.join();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const bool threads_mode = argc == 4 && std::string(argv[2]) == "--threads";
  const bool sharded = argc == 4 && std::string(argv[3]) == "--sharded";
  if (argc != 3 && !threads_mode && !sharded) {
    std::fprintf(stderr, "usage: %s <port> <redis-url> [--sharded] | %s <port> --threads N\n", argv[0], argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const char* name_env = std::getenv("SERVER_NAME");
  std::string name = name_env && *name_env ? name_env : "";
  if (threads_mode) {
    const int threads = std::atoi(argv[3]);
    if (port < 0 || port > 65535 || threads < 1 || threads > 64) {
      std::fprintf(stderr, "usage: %s <port> --threads N   (port 0..65535, N 1..64)\n", argv[0]);
      return 2;
    }
    return run_threads(static_cast<unsigned>(port), static_cast<std::size_t>(threads), name);
  }
  sio::redis::ClusterOptions redis;
  redis.logger = log_to_stderr;
  redis.sharded = sharded;
  if (port < 0 || port > 65535 || !sio::redis::parse_url(argv[2], redis.redis)) {
    std::fprintf(stderr, "usage: %s <port> <redis-url> [--sharded]   (port 0..65535, redis://host:port)\n", argv[0]);
    return 2;
  }
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
  serve(io, name);

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
