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

#include "demo.hpp"

#include <sio.hpp>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using demo::IoServer;

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

}  // namespace

int main(int argc, char** argv) {
  demo::Settings settings(SIO_DEMO_CLIENT_FILE, SIO_DEMO_PUBLIC_DIR);
  if (int status = demo::read_settings(argc, argv, settings)) return status;

  demo::Program program("rooms", demo::server_options(settings));
  IoServer& io = program.io();
  io.on("connection", [&io](sio::Socket s) { on_connection(io, s); });
  demo::serve_page(program.transport(), settings.public_dir, {"index.html", "rooms.js", "rooms.css"});

  if (!program.listen(settings)) return 1;
  return program.run();
}
