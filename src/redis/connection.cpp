#include "sio/redis/connection.hpp"

#include <hiredis/hiredis.h>

#include <algorithm>
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <charconv>
#include <deque>
#include <set>
#include <utility>

#include "sio/error.hpp"

namespace sio::redis {

namespace {

// hiredis's reply tree, freed with it.
struct ReplyFree {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using HiredisReply = std::unique_ptr<redisReply, ReplyFree>;

struct ReaderFree {
  void operator()(redisReader* r) const noexcept { redisReaderFree(r); }
};

Reply to_reply(const redisReply& r) {
  Reply out;
  switch (r.type) {
    case REDIS_REPLY_STRING: out.type = Reply::Type::string; break;
    case REDIS_REPLY_ARRAY: out.type = Reply::Type::array; break;
    case REDIS_REPLY_INTEGER: out.type = Reply::Type::integer; break;
    case REDIS_REPLY_STATUS: out.type = Reply::Type::status; break;
    case REDIS_REPLY_ERROR: out.type = Reply::Type::error; break;
    default: out.type = Reply::Type::nil; break;
  }
  if (r.str) out.str.assign(r.str, r.len);
  out.integer = r.integer;
  if (r.type == REDIS_REPLY_ARRAY) {
    out.elements.reserve(r.elements);
    for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(to_reply(*r.element[i]));
  }
  return out;
}

std::string_view text(const redisReply& r) noexcept {
  return r.str ? std::string_view(r.str, r.len) : std::string_view();
}

// The element `i` of an array reply as a string, or empty.
std::string_view element(const redisReply& r, std::size_t i) noexcept {
  if (r.type != REDIS_REPLY_ARRAY || i >= r.elements || r.element[i]->type != REDIS_REPLY_STRING) return {};
  return text(*r.element[i]);
}

// A RESP command (hiredis's formatter: binary-safe).
std::string format(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  char* cmd = nullptr;
  const int len = redisFormatCommandArgv(&cmd, static_cast<int>(args.size()), argv.data(), lens.data());
  if (len < 0 || !cmd) throw std::bad_alloc();
  std::string out(cmd, static_cast<std::size_t>(len));
  redisFreeCommand(cmd);
  return out;
}

}  // namespace

class Connection::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(asio::io_context& ioc, ConnectionOptions options, Logger logger, std::string name)
      : ioc_(ioc), options_(std::move(options)), logger_(std::move(logger)), name_(std::move(name)),
        socket_(ioc), resolver_(ioc), timer_(ioc) {}

  void start() {
    if (running_) return;
    running_ = true;
    delay_ = options_.reconnect_delay;
    connect();
  }

  void stop() {
    if (!running_) return;
    running_ = false;
    ++generation_;
    timer_.cancel();
    resolver_.cancel();
    const bool was_up = up_;
    drop_socket();
    fail_pending();
    if (was_up && state_handler_) state_handler_(false);
  }

  // On destruction: nothing of the application's runs again.
  void detach() {
    state_handler_ = {};
    message_handler_ = {};
    subscribed_handler_ = {};
    pending_.clear();
    stop();
  }

  bool up() const noexcept { return up_; }
  void on_state(StateHandler h) { state_handler_ = std::move(h); }
  void on_message(MessageHandler h) { message_handler_ = std::move(h); }
  void on_subscribed(SubscribedHandler h) { subscribed_handler_ = std::move(h); }

  void command(std::vector<std::string> args, ReplyHandler done) {
    if (!up_ || args.empty()) {
      if (done) {
        const auto ec = args.empty() ? make_error_code(std::errc::invalid_argument) : make_error_code(error::cluster_unavailable);
        asio::post(ioc_, [done = std::move(done), ec] { done(ec, Reply{}); });
      }
      return;
    }
    send(format(args), std::move(done), true);
  }

  // kind: "subscribe", "psubscribe" or "ssubscribe"; the set it is kept in.
  void subscribe(const char* kind, std::set<std::string>& kept, const std::string& name) {
    if (!kept.insert(name).second) return;
    if (up_) send(format({kind, name}), {}, false);
  }
  void unsubscribe(const char* kind, std::set<std::string>& kept, const std::string& name) {
    if (kept.erase(name) == 0) return;
    if (up_) send(format({kind, name}), {}, false);
  }

  std::set<std::string> channels_, patterns_, shard_channels_;

 private:
  // A command in flight, in the order Redis answers.
  struct Pending {
    ReplyHandler done;
  };

  void log(LogLevel level, const std::string& message) const {
    if (logger_) logger_(level, name_ + ": " + message);
  }

  std::string where() const { return options_.host + ":" + std::to_string(options_.port); }

  void connect() {
    const unsigned gen = ++generation_;
    auto self = shared_from_this();
    // One deadline for the whole attempt: resolution, TCP connect and AUTH.
    timer_.expires_after(options_.connect_timeout);
    timer_.async_wait([this, self, gen](const std::error_code& ec) {
      if (ec || gen != generation_ || up_) return;
      log(LogLevel::warn, "connecting to " + where() + " timed out");
      lost();
    });
    resolver_.async_resolve(options_.host, std::to_string(options_.port),
                            [this, self, gen](const std::error_code& ec, asio::ip::tcp::resolver::results_type results) {
                              if (gen != generation_) return;
                              if (ec) {
                                log(LogLevel::warn, "cannot resolve " + options_.host + ": " + ec.message());
                                return lost();
                              }
                              asio::async_connect(socket_, results,
                                                  [this, self, gen](const std::error_code& cec, const asio::ip::tcp::endpoint&) {
                                                    if (gen != generation_) return;
                                                    if (cec) {
                                                      log(LogLevel::warn, "cannot connect to " + where() + ": " + cec.message());
                                                      return lost();
                                                    }
                                                    connected();
                                                  });
                            });
  }

  void connected() {
    std::error_code ignored;
    socket_.set_option(asio::ip::tcp::no_delay(true), ignored);
    reader_.reset(redisReaderCreate());
    if (!reader_) throw std::bad_alloc();
    read();
    if (options_.password.empty()) return ready();
    std::vector<std::string> auth{"AUTH"};
    if (!options_.username.empty()) auth.push_back(options_.username);
    auth.push_back(options_.password);
    const unsigned gen = generation_;
    send(format(auth),
         [this, self = shared_from_this(), gen](std::error_code ec, Reply reply) {
           if (gen != generation_) return;
           if (ec) return;  // lost meanwhile: lost() has run
           if (reply.is_error()) {
             log(LogLevel::error, "Redis refused AUTH: " + reply.str);
             return lost();
           }
           ready();
         },
         true);
  }

  void ready() {
    timer_.cancel();
    up_ = true;
    delay_ = options_.reconnect_delay;
    log(LogLevel::info, "connected to " + where());
    for (const auto& c : channels_) send(format({"SUBSCRIBE", c}), {}, false);
    for (const auto& p : patterns_) send(format({"PSUBSCRIBE", p}), {}, false);
    for (const auto& c : shard_channels_) send(format({"SSUBSCRIBE", c}), {}, false);
    if (state_handler_) state_handler_(true);
  }

  // The connection is lost or could not be made: fail what waits, retry later.
  void lost() {
    const bool was_up = up_;
    ++generation_;
    resolver_.cancel();
    drop_socket();
    fail_pending();
    if (was_up) {
      log(LogLevel::warn, "lost the connection to " + where() + "; reconnecting");
      if (state_handler_) state_handler_(false);
    }
    if (!running_) return;
    const unsigned gen = generation_;
    timer_.expires_after(delay_);
    delay_ = std::min(delay_ * 2, options_.max_reconnect_delay);
    timer_.async_wait([this, self = shared_from_this(), gen](const std::error_code& ec) {
      if (ec || gen != generation_ || !running_) return;
      connect();
    });
  }

  void drop_socket() {
    up_ = false;
    std::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    reader_.reset();
    out_.clear();
    writing_ = false;
  }

  // Posted, so that no handler runs inside the call that lost the connection.
  void fail_pending() {
    auto pending = std::move(pending_);
    pending_.clear();
    for (auto& p : pending) {
      if (p.done)
        asio::post(ioc_, [done = std::move(p.done)] { done(make_error_code(error::cluster_unavailable), Reply{}); });
    }
  }

  // expects_reply: a command answered by one reply (not a subscription change, answered by
  // confirmations that are told apart by their kind).
  void send(std::string bytes, ReplyHandler done, bool expects_reply) {
    if (expects_reply) pending_.push_back(Pending{std::move(done)});
    else subscribed_ = true;
    out_ += bytes;
    flush();
  }

  void flush() {
    if (writing_ || out_.empty()) return;
    writing_ = true;
    writing_buf_ = std::move(out_);
    out_.clear();
    const unsigned gen = generation_;
    asio::async_write(socket_, asio::buffer(writing_buf_),
                      [this, self = shared_from_this(), gen](const std::error_code& ec, std::size_t) {
                        if (gen != generation_) return;
                        writing_ = false;
                        if (ec) {
                          log(LogLevel::warn, "write to " + where() + " failed: " + ec.message());
                          return lost();
                        }
                        flush();
                      });
  }

  void read() {
    const unsigned gen = generation_;
    socket_.async_read_some(asio::buffer(buf_), [this, self = shared_from_this(), gen](const std::error_code& ec, std::size_t n) {
      if (gen != generation_) return;
      if (ec) {
        if (ec != asio::error::eof) log(LogLevel::warn, "read from " + where() + " failed: " + ec.message());
        return lost();
      }
      if (redisReaderFeed(reader_.get(), buf_, n) != REDIS_OK) return protocol_error();
      for (;;) {
        void* raw = nullptr;
        if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) return protocol_error();
        if (!raw) break;
        HiredisReply reply(static_cast<redisReply*>(raw));
        dispatch(*reply);
        // A handler may have stopped, or lost, the connection.
        if (gen != generation_) return;
      }
      read();
    });
  }

  void protocol_error() {
    log(LogLevel::error, std::string("unreadable reply from ") + where() + ": " + redisReaderGetError(reader_.get()));
    lost();
  }

  void dispatch(const redisReply& r) {
    if (subscribed_ && r.type == REDIS_REPLY_ARRAY && r.elements >= 3) {
      const auto kind = element(r, 0);
      if (kind == "message" || kind == "smessage") {
        if (message_handler_) message_handler_(element(r, 1), {}, element(r, 2));
        return;
      }
      if (kind == "pmessage" && r.elements >= 4) {
        if (message_handler_) message_handler_(element(r, 2), element(r, 1), element(r, 3));
        return;
      }
      if (kind == "subscribe" || kind == "psubscribe" || kind == "ssubscribe" || kind == "unsubscribe" ||
          kind == "punsubscribe" || kind == "sunsubscribe") {
        if (subscribed_handler_) subscribed_handler_(kind, element(r, 1));
        return;
      }
    }
    if (pending_.empty()) {
      if (r.type == REDIS_REPLY_ERROR) log(LogLevel::error, "Redis: " + std::string(text(r)));
      else log(LogLevel::warn, "a reply from " + where() + " that no command waits for");
      return;
    }
    auto done = std::move(pending_.front().done);
    pending_.pop_front();
    if (done) done(std::error_code(), to_reply(r));
  }

  asio::io_context& ioc_;
  ConnectionOptions options_;
  Logger logger_;
  std::string name_;
  asio::ip::tcp::socket socket_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer timer_;
  std::unique_ptr<redisReader, ReaderFree> reader_;
  StateHandler state_handler_;
  MessageHandler message_handler_;
  SubscribedHandler subscribed_handler_;
  std::deque<Pending> pending_;
  std::string out_;
  std::string writing_buf_;
  char buf_[16 * 1024];
  std::chrono::milliseconds delay_{0};
  // Bumped whenever the connection is dropped: completions of an older one are ignored.
  unsigned generation_ = 0;
  bool running_ = false;
  bool up_ = false;
  bool writing_ = false;
  bool subscribed_ = false;
};

Connection::Connection(asio::io_context& ioc, ConnectionOptions options, Logger logger, std::string name)
    : impl_(std::make_shared<Impl>(ioc, std::move(options), std::move(logger), std::move(name))) {}

Connection::~Connection() { impl_->detach(); }

void Connection::start() { impl_->start(); }
void Connection::stop() { impl_->stop(); }
bool Connection::up() const noexcept { return impl_->up(); }
void Connection::on_state(StateHandler handler) { impl_->on_state(std::move(handler)); }
void Connection::on_message(MessageHandler handler) { impl_->on_message(std::move(handler)); }
void Connection::on_subscribed(SubscribedHandler handler) { impl_->on_subscribed(std::move(handler)); }
void Connection::command(std::vector<std::string> args, ReplyHandler done) {
  impl_->command(std::move(args), std::move(done));
}
void Connection::subscribe(const std::string& channel) { impl_->subscribe("SUBSCRIBE", impl_->channels_, channel); }
void Connection::psubscribe(const std::string& pattern) { impl_->subscribe("PSUBSCRIBE", impl_->patterns_, pattern); }
void Connection::ssubscribe(const std::string& channel) {
  impl_->subscribe("SSUBSCRIBE", impl_->shard_channels_, channel);
}
void Connection::unsubscribe(const std::string& channel) {
  impl_->unsubscribe("UNSUBSCRIBE", impl_->channels_, channel);
}
void Connection::punsubscribe(const std::string& pattern) {
  impl_->unsubscribe("PUNSUBSCRIBE", impl_->patterns_, pattern);
}
void Connection::sunsubscribe(const std::string& channel) {
  impl_->unsubscribe("SUNSUBSCRIBE", impl_->shard_channels_, channel);
}

bool parse_url(std::string_view url, ConnectionOptions& options) {
  constexpr std::string_view scheme = "redis://";
  if (url.substr(0, scheme.size()) != scheme) return false;
  std::string_view rest = url.substr(scheme.size());
  ConnectionOptions out = options;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    const auto db = rest.substr(slash + 1);
    if (!db.empty() && !std::all_of(db.begin(), db.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    rest = rest.substr(0, slash);
  }
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const auto credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const auto colon = credentials.find(':');
    if (colon == std::string_view::npos) {
      out.password = std::string(credentials);  // redis://secret@host: a password alone
    } else {
      out.username = std::string(credentials.substr(0, colon));
      out.password = std::string(credentials.substr(colon + 1));
    }
  }
  std::string_view host = rest;
  if (!rest.empty() && rest.front() == '[') {  // [::1]:6379
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return false;
    host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    rest = rest.substr(colon);
  } else {
    rest = {};
  }
  if (!rest.empty()) {
    if (rest.front() != ':' || rest.size() == 1) return false;
    unsigned port = 0;
    const auto digits = rest.substr(1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) return false;
    out.port = static_cast<std::uint16_t>(port);
  }
  if (host.empty()) return false;
  out.host = std::string(host);
  options = std::move(out);
  return true;
}

}  // namespace sio::redis
