// The chat room of the Socket.IO tutorials, on sio, with its history in SQLite.
//
// Usage: chat [port] [--host ADDRESS] [--db FILE] [--redis URL] [--client-file FILE]
//             [--public-dir DIR] [--tls-cert FILE --tls-key FILE]
//   port          0 picks a free one; default 3000
//   --host        address to listen on; default every address (IPv6 and IPv4)
//   --db          the SQLite file that keeps the history; default chat.db in the build folder
//   --redis       redis://HOST:PORT: one of several servers serving one chat room through that Redis
//                 (built with sio::redis); they may share the --db file too
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

#include "cluster.hpp"
#include "demo.hpp"
#include "history.hpp"

#include <sio.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
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
/// Most events of one socket that wait for an answer from the other servers (see Chat::in_order).
constexpr std::size_t max_waiting_events = 100;
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
/// (every socket is alone in a room named after its id) or like a user's room.
std::string sio_room(std::string_view room) { return "room:" + std::string(room); }

/// The sio room of a named user's socket, on whichever server it is: private messages go to it.
std::string user_room(std::string_view name) { return "user:" + std::string(name); }

/// One named user.
struct Member {
  std::string name;
  std::set<std::string> rooms;  // chat room names, sorted so notices read the same every time
};

/// The chat's state and its event handlers. Everything runs on the io_context's one thread.
///
/// With other servers (chat --redis), everything the server emits reaches their users too, through
/// the adapter, and each named user's sockets are in the room user_room(name) on whichever server
/// they are: a private message goes to that room, and asking the other servers who is in it
/// (fetch_sockets, a round trip through Redis) tells whether a name is taken or its user online.
class Chat {
 public:
  /// `clustered`: whether other servers share the chat, so that names are looked up on them too.
  Chat(IoServer& io, History& history, bool clustered) : io_(io), history_(history), clustered_(clustered) {}

  void on_connection(sio::Socket socket) {
    socket.on("message", [this](sio::Socket s, sio::Args args, sio::Ack ack) {
      in_order(s, [this, s, args, ack]() mutable { on_message(s, args, ack); });
    });
    socket.on("join", [this](sio::Socket s, sio::Args args) { in_order(s, [this, s, args]() mutable { on_join(s, args); }); });
    socket.on("leave", [this](sio::Socket s, sio::Args args) { in_order(s, [this, s, args]() mutable { on_leave(s, args); }); });
    socket.on("getAllMessages", [this](sio::Socket s) { in_order(s, [this, s]() mutable { send_history(s); }); });
    socket.on("disconnect", [this](sio::Socket s, std::string_view) { in_order(s, [this, s]() mutable { on_disconnect(s); }); });
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

    if (it == members_.end()) return choose_name(s, std::string(text), ack);
    const Member& me = it->second;

    if (text.front() == '@') return send_private(s, me, text, ack);

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

  void choose_name(sio::Socket& s, std::string name, sio::Ack& ack) {
    if (!valid_name(name) || sio::transport::iequals(name, system_user)) {
      notice(s, "choose a name of up to 24 letters, digits, '-', '_' or '.', without spaces");
      if (ack) ack(nullptr);
      return;
    }
    if (ids_by_name_.count(name)) return refuse_name(s, name, ack);
    if (!clustered_) return accept_name(s, name, ack);

    // Reserved here while the other servers are asked, so that no other socket of this one takes
    // it meanwhile. Two servers asked for the same name at the same moment may both find it free:
    // both users then get its private messages (examples/chat/README.md).
    ids_by_name_[name] = s.id();
    auto done = hold(s);
    io_.in(user_room(name)).fetch_sockets(
        [this, s, name, ack, done](std::error_code ec, std::vector<sio::RemoteSocket> sockets) mutable {
          if (ec) report(ec, "looking for the name " + name);
          ids_by_name_.erase(name);
          if (!s.connected()) return done();
          if (sockets.empty()) accept_name(s, name, ack);
          else refuse_name(s, name, ack);
          done();
        });
  }

  void accept_name(sio::Socket& s, const std::string& name, sio::Ack& ack) {
    members_[s.id()] = Member{name, {}};
    ids_by_name_[name] = s.id();
    s.join(user_room(name));
    std::printf("%s joined\n", name.c_str());
    std::fflush(stdout);
    notice(s, "welcome, " + name + "!");
    s.broadcast().emit("message", system_message(name + " joined"));
    if (ack) ack(name);
  }

  void refuse_name(sio::Socket& s, const std::string& name, sio::Ack& ack) {
    notice(s, "the name \"" + name + "\" is taken: choose another");
    if (ack) ack(nullptr);
  }

  void send_private(sio::Socket& s, const Member& me, std::string_view text, sio::Ack& ack) {
    const auto space = text.find_first_of(" \t");
    const std::string to(text.substr(1, space == std::string_view::npos ? std::string_view::npos : space - 1));
    const std::string_view body = space == std::string_view::npos ? std::string_view() : trim(text.substr(space));
    if (to.empty() || body.empty()) {
      notice(s, "a private message reads \"@name text\"");
      if (ack) ack(false);
      return;
    }

    auto value = to_value(Message{me.name, std::string(body), now_ms()}, "private");
    value.members.emplace_back("to", to);
    auto here = ids_by_name_.find(to);
    if (here != ids_by_name_.end() && members_.count(here->second)) return deliver_private(s, to, value, ack);
    if (!clustered_) return no_such_user(s, to, ack);

    auto done = hold(s);
    io_.in(user_room(to)).fetch_sockets(
        [this, s, to, value, ack, done](std::error_code ec, std::vector<sio::RemoteSocket> sockets) mutable {
          if (ec) report(ec, "looking for the user " + to);
          if (sockets.empty()) no_such_user(s, to, ack);
          else deliver_private(s, to, value, ack);
          done();
        });
  }

  /// To the user `to` and the sender's own copy, each once (also when writing to oneself).
  void deliver_private(sio::Socket& s, const std::string& to, const sio::object& value, sio::Ack& ack) {
    io_.to(std::vector<std::string>{user_room(to), s.id()}).emit("message", value);
    if (ack) ack(true);
  }

  void no_such_user(sio::Socket& s, const std::string& to, sio::Ack& ack) {
    notice(s, "there is no user \"" + to + "\" online");
    if (ack) ack(false);
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

  // ---- each user's events in order ----
  // Asking the other servers takes a round trip through Redis. A socket's events that arrive
  // meanwhile wait for the answer, so that they are handled in the order they were sent (a name,
  // then a first message; "@bob hi", then "hello everyone"). Without other servers, nothing waits.

  /// Handles `event` now, or after the socket's earlier events if one of them waits.
  void in_order(sio::Socket s, std::function<void()> event) {
    auto waiting = waiting_.find(s.id());
    if (waiting == waiting_.end()) return event();
    // A person does not type that fast: a client that does is not let fill the memory.
    if (waiting->second.size() >= max_waiting_events) return notice(s, "too many messages at once: one was dropped");
    waiting->second.push_back(std::move(event));
  }

  /// Makes the socket's next events wait until the returned function is called.
  std::function<void()> hold(const sio::Socket& s) {
    waiting_.try_emplace(s.id());
    return [this, id = s.id()] { release(id); };
  }

  void release(const std::string& id) {
    auto node = waiting_.extract(id);
    if (node.empty()) return;
    auto& events = node.mapped();
    while (!events.empty()) {
      auto event = std::move(events.front());
      events.pop_front();
      event();
      if (auto again = waiting_.find(id); again != waiting_.end()) {
        // That event waits in turn: the others wait behind it.
        for (auto& e : events) again->second.push_back(std::move(e));
        return;
      }
    }
  }

  static void report(std::error_code ec, const std::string& what) {
    std::fprintf(stderr, "chat: %s on the other servers: %s; going by the answers that came\n", what.c_str(),
                 ec.message().c_str());
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
  const bool clustered_;
  std::unordered_map<std::string, Member> members_;           // by socket id: users who chose a name
  std::unordered_map<std::string, std::string> ids_by_name_;  // socket id by user name, on this server
  std::unordered_map<std::string, std::deque<std::function<void()>>> waiting_;  // by socket id: see in_order
};

}  // namespace

int main(int argc, char** argv) {
  demo::Settings settings(SIO_DEMO_CLIENT_FILE, SIO_DEMO_PUBLIC_DIR);
  std::string database = SIO_DEMO_DATABASE;
  std::string redis_url;
  demo::TlsFiles tls;
  if (int status = demo::read_settings(argc, argv, settings,
                                       {{"--db", "FILE", &database},
                                        {"--redis", "URL", &redis_url},
                                        {"--tls-cert", "FILE", &tls.cert},
                                        {"--tls-key", "FILE", &tls.key}},
                                       "  port 0 picks a free port; the default is 3000\n"
                                       "  --redis redis://HOST:PORT shares the chat with the other servers on that Redis\n"))
    return status;

  // The event loop is the program's, so that the cluster, whose adapter the server's options
  // take, is made on it before the server and outlives it.
  asio::io_context ioc(1);
  chat::Cluster cluster;
  sio::ServerOptions options = demo::server_options(settings);
  if (int status = cluster.join(ioc, redis_url, options)) return status;

  std::unique_ptr<History> history;
  try {
    history = std::make_unique<History>(database);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }

  demo::Program program("chat", ioc, std::move(options), tls);
  Chat chat(program.io(), *history, cluster.joined());
  program.io().on("connection", [&chat](sio::Socket s) { chat.on_connection(s); });
  demo::serve_page(program.transport(), settings.public_dir, {"index.html", "chat.js", "chat.css"});

  if (!program.listen(settings)) return 1;
  std::printf("chat: history in %s\n", database.c_str());
  if (cluster.joined()) {
    std::printf("chat: sharing the chat with the other servers on Redis at %s\n", cluster.where().c_str());
    program.announce_when([&cluster](std::function<void()> announce) { cluster.when_up(std::move(announce)); });
  }
  return program.run(" - open it in your browser", [&cluster] { cluster.close(); });
}
