// The chat room of the Socket.IO tutorials, on sio, with its history in SQLite.
//
// Usage: chat [port] [--host ADDRESS] [--db FILE] [--client-file FILE] [--public-dir DIR]
//             [--tls-cert FILE --tls-key FILE]
//   port          0 picks a free one; default 3000
//   --host        address to listen on; default every address (IPv6 and IPv4)
//   --db          the SQLite file that keeps the history; default chat.db in the build folder
//   --client-file socket.io.js to serve (also SIO_CLIENT_FILE); default from the socket.io-client
//                 npm package that scripts/setup-deps installs
//   --public-dir  the folder of the page; default this example's public/ folder
//   --tls-cert, --tls-key  serve HTTPS and WSS with this certificate chain and private key (PEM)
//
// Events (namespace "/"), each chat message being {user, content, createAt, type}:
//   message <text>   the first one is the user's name; later ones go to everyone, or to the members
//                    of the rooms the sender joined; "@<name> <text>" goes to that user only
//   join <room>      answers "joined" <room>;  leave <room>  answers "leaved" <room>
//   getAllMessages   answers "allMessages" with the last 20 public messages, oldest first
// The server sends every chat message as "message"; its own notices have user "system".

#include "demo.hpp"
#include "history.hpp"

#include <sio.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace {

using chat::History;
using chat::Message;
using demo::IoServer;

/// How many public messages getAllMessages returns.
constexpr int history_size = 20;
/// Longest accepted message, in bytes: the chat is for people typing, not for files.
constexpr std::size_t max_message_bytes = 2000;
/// Longest user or room name, in bytes.
constexpr std::size_t max_name_bytes = 24;
/// The author of the server's own notices; no user may take this name.
constexpr std::string_view system_user = "system";

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

/// A user or room name: letters, digits and "-_." (any UTF-8 letter too), no spaces, so that
/// "@name text" can be told apart and names read well in notices.
bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > max_name_bytes) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
           c == '-' || c == '_' || c == '.';
  });
}

/// The sio room behind a chat room: prefixed, so that no chat room can be named like a socket id
/// (every socket is alone in a room named after its id, which private messages go to).
std::string sio_room(std::string_view room) { return "room:" + std::string(room); }

/// One named user.
struct Member {
  std::string name;
  std::set<std::string> rooms;  // chat room names, sorted so notices read the same every time
};

/// The chat's state and its event handlers. Everything runs on the io_context's one thread.
class Chat {
 public:
  Chat(IoServer& io, History& history) : io_(io), history_(history) {}

  void on_connection(sio::Socket socket) {
    socket.on("message", [this](sio::Socket s, sio::Args args, sio::Ack ack) { on_message(s, args, ack); });
    socket.on("join", [this](sio::Socket s, sio::Args args) { on_join(s, args); });
    socket.on("leave", [this](sio::Socket s, sio::Args args) { on_leave(s, args); });
    socket.on("getAllMessages", [this](sio::Socket s) { send_history(s); });
    socket.on("disconnect", [this](sio::Socket s, std::string_view) { on_disconnect(s); });
  }

 private:
  // A client may ask for a reply: to its name, the name accepted (or null); to a message,
  // whether it was delivered. The tutorial's clients ask for none.
  void on_message(sio::Socket& s, sio::Args& args, sio::Ack& ack) {
    auto it = members_.find(s.id());
    auto text_arg = args.try_get<std::string_view>(0);
    const std::string_view text = text_arg ? trim(*text_arg) : std::string_view();
    if (!text_arg || text.empty() || text.size() > max_message_bytes) {
      if (!text_arg) notice(s, "a message is text");
      else if (!text.empty()) notice(s, "that message is too long");
      if (ack && it == members_.end()) ack(nullptr);
      else if (ack) ack(false);
      return;
    }

    if (it == members_.end()) {
      const bool accepted = choose_name(s, text);
      if (ack) accepted ? ack(text) : ack(nullptr);
      return;
    }
    const Member& me = it->second;

    if (text.front() == '@') {
      const bool sent = send_private(s, me, text);
      if (ack) ack(sent);
      return;
    }

    Message m{me.name, std::string(text), now_ms()};
    if (me.rooms.empty()) {
      try {
        history_.add(m);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s\n", e.what());
      }
      io_.emit("message", to_value(m, "public"));
    } else {
      // Members of several of the sender's rooms get the message once: sio merges the rooms.
      std::vector<std::string> rooms;
      sio::array names;
      for (const auto& r : me.rooms) {
        rooms.push_back(sio_room(r));
        names.items.emplace_back(r);
      }
      auto value = to_value(m, "room");
      value.members.emplace_back("rooms", std::move(names));
      io_.to(rooms).emit("message", value);
    }
    if (ack) ack(true);
  }

  bool choose_name(sio::Socket& s, std::string_view name) {
    if (!valid_name(name) || sio::transport::iequals(name, system_user)) {
      notice(s, "choose a name of up to 24 letters, digits, '-', '_' or '.', without spaces");
      return false;
    }
    if (ids_by_name_.count(std::string(name))) {
      notice(s, "the name \"" + std::string(name) + "\" is taken: choose another");
      return false;
    }
    members_[s.id()] = Member{std::string(name), {}};
    ids_by_name_[std::string(name)] = s.id();
    std::printf("%.*s joined\n", static_cast<int>(name.size()), name.data());
    std::fflush(stdout);
    notice(s, "welcome, " + std::string(name) + "!");
    s.broadcast().emit("message", system_message(std::string(name) + " joined"));
    return true;
  }

  bool send_private(sio::Socket& s, const Member& me, std::string_view text) {
    const auto space = text.find_first_of(" \t");
    const std::string to(text.substr(1, space == std::string_view::npos ? std::string_view::npos : space - 1));
    const std::string_view body = space == std::string_view::npos ? std::string_view() : trim(text.substr(space));
    if (to.empty() || body.empty()) {
      notice(s, "a private message reads \"@name text\"");
      return false;
    }
    auto target = ids_by_name_.find(to);
    if (target == ids_by_name_.end()) {
      notice(s, "there is no user \"" + to + "\" online");
      return false;
    }

    auto value = to_value(Message{me.name, std::string(body), now_ms()}, "private");
    value.members.emplace_back("to", to);
    io_.to(target->second).emit("message", value);
    if (target->second != s.id()) s.emit("message", value);  // the sender's own copy
    return true;
  }

  /// The room named in an event, or nothing (after telling the user why).
  std::optional<std::string> room_of(sio::Socket& s, sio::Args& args) {
    if (!members_.count(s.id())) {
      notice(s, "choose a name first");
      return std::nullopt;
    }
    auto room = args.try_get<std::string>(0);
    if (!room || !valid_name(*room)) {
      notice(s, "a room name is up to 24 letters, digits, '-', '_' or '.'");
      return std::nullopt;
    }
    return room;
  }

  void on_join(sio::Socket& s, sio::Args& args) {
    auto room = room_of(s, args);
    if (!room) return;
    Member& me = members_[s.id()];
    if (!me.rooms.insert(*room).second) return notice(s, "you are already in room " + *room);
    s.join(sio_room(*room));
    s.emit("joined", *room);
    io_.to(sio_room(*room)).emit("message", system_message(me.name + " joined room " + *room));
  }

  void on_leave(sio::Socket& s, sio::Args& args) {
    auto room = room_of(s, args);
    if (!room) return;
    Member& me = members_[s.id()];
    if (!me.rooms.count(*room)) return notice(s, "you are not in room " + *room);
    io_.to(sio_room(*room)).emit("message", system_message(me.name + " left room " + *room));
    me.rooms.erase(*room);
    s.leave(sio_room(*room));
    s.emit("leaved", *room);
  }

  void send_history(sio::Socket& s) {
    sio::array all;
    try {
      for (const auto& m : history_.last(history_size)) all.items.emplace_back(to_value(m, "public"));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "%s\n", e.what());
    }
    s.emit("allMessages", std::move(all));
  }

  void on_disconnect(sio::Socket& s) {
    auto it = members_.find(s.id());
    if (it == members_.end()) return;
    const std::string name = it->second.name;
    ids_by_name_.erase(name);
    members_.erase(it);
    std::printf("%s left\n", name.c_str());
    std::fflush(stdout);
    io_.emit("message", system_message(name + " left"));
  }

  static sio::object to_value(const Message& m, const char* type) {
    return sio::object{{"user", m.user}, {"content", m.content}, {"createAt", m.create_at}, {"type", type}};
  }
  static sio::object system_message(std::string text) {
    return to_value(Message{std::string(system_user), std::move(text), now_ms()}, "system");
  }
  static void notice(sio::Socket& s, std::string text) { s.emit("message", system_message(std::move(text))); }

  IoServer& io_;
  History& history_;
  std::unordered_map<std::string, Member> members_;           // by socket id: users who chose a name
  std::unordered_map<std::string, std::string> ids_by_name_;  // socket id by user name
};

}  // namespace

int main(int argc, char** argv) {
  demo::Settings settings(SIO_DEMO_CLIENT_FILE, SIO_DEMO_PUBLIC_DIR);
  std::string database = SIO_DEMO_DATABASE;
  demo::TlsFiles tls;
  if (int status = demo::read_settings(argc, argv, settings,
                                       {{"--db", "FILE", &database},
                                        {"--tls-cert", "FILE", &tls.cert},
                                        {"--tls-key", "FILE", &tls.key}},
                                       "  port 0 picks a free port; the default is 3000\n"))
    return status;

  std::unique_ptr<History> history;
  try {
    history = std::make_unique<History>(database);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }

  demo::Program program("chat", demo::server_options(settings), tls);
  Chat chat(program.io(), *history);
  program.io().on("connection", [&chat](sio::Socket s) { chat.on_connection(s); });
  demo::serve_page(program.transport(), settings.public_dir, {"index.html", "chat.js", "chat.css"});

  if (!program.listen(settings)) return 1;
  std::printf("chat: history in %s\n", database.c_str());
  return program.run(" - open it in your browser");
}
