// sio_bench_load: the load generator of the benchmark (bench/run drives it).
//
// It speaks Engine.IO v4 / Socket.IO v5 over WebSocket itself, on one Asio thread, with a
// WebSocket client of its own kept to what the benchmark needs (one request, masked frames out,
// unfragmented frames in), so that it spends no more per message than the servers it drives.
// Every client answers the server's pings. The same contract is served by the three servers under test:
//   "echo"      acknowledged with its argument
//   "broadcast" makes the server emit "bcast" with the argument to every client
//
// Usage: sio_bench_load --port P --server-pid PID --scenarios a,b,... [options]
// Each measurement is printed as one JSON object a line on stdout; progress goes to stderr.
// Server CPU is read from the kernel's accounting of the server process (the run time of its
// threads, /proc/PID/task/*/schedstat), so the figures hold even when this generator saturates
// its core; the generator reports its own CPU beside it.
//
// Across servers: with several ports (`--port A,B` or `--port A --port B`) and as many server
// process ids, in the same order, the clients are dealt to the servers in turn (client i to
// server i mod n). The client that sends the broadcast requests is client 0, so the broadcasts
// are asked of the first server, which must carry them to the others (Redis, say) for every
// receiver to get them. Server CPU and RSS are then those of all the servers summed; the
// broadcast lines give each server's share too. With --redis-pid, the CPU of that process (the
// broker between the servers) is reported beside them, not in the servers' sum. With one port,
// nothing changes.
//
// With --tls every client speaks TLS to the server (WSS), in every scenario: the TLS handshake
// comes between the TCP connect and the WebSocket upgrade. Built without OpenSSL (SIO_BENCH_TLS
// undefined), the generator refuses --tls.

#include <asio.hpp>
#ifdef SIO_BENCH_TLS
#include <asio/ssl.hpp>
#endif

#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

namespace {

using Clock = std::chrono::steady_clock;
using asio::ip::tcp;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// ---- process accounting ---------------------------------------------------------------------

/// CPU time (user + system) the kernel charged to process `pid` so far, in seconds, from
/// /proc/PID/stat (utime + stime, in clock ticks); -1 if unreadable.
double process_stat_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  // The command name may hold spaces and parentheses: fields are counted after the last ')'.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) {
      stime = std::stoull(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

/// CPU time the kernel charged to process `pid` so far, in seconds; -1 if unreadable.
///
/// The sum over its threads of their run time in /proc/PID/task/TID/schedstat: the nanosecond
/// count that utime + stime are derived from, without their 10 ms ticks (a thousand connects
/// cost a few ticks). Threads that ended are not counted: the servers' threads live as long as
/// they do. Falls back to utime + stime where schedstat is missing.
double process_cpu_seconds(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return -1;
  unsigned long long ns = 0;
  bool any = false;
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(dir + "/" + e->d_name + "/schedstat");
    unsigned long long run = 0;
    if (in >> run) {
      ns += run;
      any = true;
    }
  }
  ::closedir(d);
  return any ? static_cast<double>(ns) / 1e9 : process_stat_cpu_seconds(pid);
}

/// Resident set size of process `pid` in KiB (VmRSS); -1 if unreadable.
long process_rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

/// CPU time of this generator, in seconds.
double self_cpu_seconds() {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/// A point in time with the CPU the processes had used by then.
struct Sample {
  Clock::time_point time;
  double server_cpu = 0;            ///< Every server's, summed.
  double self_cpu = 0;
  std::vector<double> each_server;  ///< Each server's, in the order of their ports.
  double redis_cpu = 0;             ///< The --redis-pid process's, or 0.
};

// ---- statistics -----------------------------------------------------------------------------

/// The q-quantile (0..1) of `v` by the nearest-rank method; sorts `v`.
double quantile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));
  if (rank == 0) rank = 1;
  return v[std::min(rank, v.size()) - 1];
}

/// A JSON object written one member at a time, printed as one line.
class JsonLine {
 public:
  explicit JsonLine(std::string_view scenario) { add("scenario", scenario); }
  JsonLine& add(std::string_view key, std::string_view value) {
    key_(key);
    out_ += '"';
    out_ += value;
    out_ += '"';
    return *this;
  }
  JsonLine& add(std::string_view key, const char* value) { return add(key, std::string_view(value)); }
  JsonLine& add(std::string_view key, double value) {
    key_(key);
    char buf[64];
    if (std::isfinite(value)) std::snprintf(buf, sizeof buf, "%.6g", value);
    else std::snprintf(buf, sizeof buf, "null");
    out_ += buf;
    return *this;
  }
  JsonLine& add(std::string_view key, long value) { return add(key, static_cast<long long>(value)); }
  JsonLine& add(std::string_view key, std::size_t value) { return add(key, static_cast<long long>(value)); }
  JsonLine& add(std::string_view key, int value) { return add(key, static_cast<long long>(value)); }
  JsonLine& add(std::string_view key, long long value) {
    key_(key);
    out_ += std::to_string(value);
    return *this;
  }
  JsonLine& add_raw(std::string_view key, std::string_view json) {
    key_(key);
    out_ += json;
    return *this;
  }
  void print() {
    std::printf("%s}\n", out_.c_str());
    std::fflush(stdout);
  }

 private:
  void key_(std::string_view key) {
    out_ += out_.empty() ? '{' : ',';
    out_ += '"';
    out_ += key;
    out_ += "\":";
  }
  std::string out_;
};

// ---- clients --------------------------------------------------------------------------------

class Client;

/// What a scenario wants to hear from its clients.
class Listener {
 public:
  virtual ~Listener() = default;
  /// The client joined the main namespace (CONNECT answered).
  virtual void on_ready(Client&) {}
  /// An acknowledgement `43<id>[...]` arrived; `frame` is the whole text message.
  virtual void on_ack(Client&, std::uint64_t /*id*/, std::string_view /*frame*/) {}
  /// A "bcast" event arrived; `frame` is the whole text message.
  virtual void on_bcast(Client&, std::string_view /*frame*/) {}
  /// The connection failed or was closed by the server.
  virtual void on_failed(Client&) {}
};

class Generator;

/// One Socket.IO client over its own WebSocket connection.
class Client : public std::enable_shared_from_this<Client> {
 public:
  enum class State : std::uint8_t { connecting, upgrading, opening, joining, ready, closed, failed };

  Client(Generator& gen, std::size_t index);

  /// Opens the TCP connection from the generator's current source address.
  void start();
  /// Sends a Socket.IO event packet (the text after the Engine.IO '4'), e.g. `21["echo","x"]`.
  void send_message(std::string_view socketio_packet);
  /// Closes the connection without telling anyone.
  void close();
  /// Stops reading (the slow consumer: the server's writes back up), or reads again.
  void pause_reading() { paused_ = true; }
  void resume_reading();

  State state() const noexcept { return state_; }
  std::size_t index() const noexcept { return index_; }
  Listener* listener = nullptr;
  Clock::time_point started;    ///< When start() began the TCP connect.
  Clock::time_point joined;     ///< When the namespace CONNECT was answered.
  std::uint64_t bcasts = 0;     ///< "bcast" events received.
  std::uint64_t bad_bcasts = 0; ///< "bcast" events of an unexpected size.
  std::uint64_t pings = 0;      ///< Engine.IO pings answered.
  std::size_t expected_bcast_size = 0;  ///< Checked when not 0.
  std::string failure;          ///< Why the connection failed, once it has.

 private:
  void connect(int attempts_left);
  void on_tcp_connected();
  void on_connected();
  void read();
  void on_read(std::size_t n);
  static bool closed_by_peer(const std::error_code& ec);
  bool parse_upgrade();
  void parse_frames();
  void on_text(std::string_view msg);
  void queue_frame(std::uint8_t opcode, std::string_view a, std::string_view b = {});
  void flush();
  void fail(const std::string& why);

  Generator& gen_;
  const tcp::endpoint& server_;  // the generator's: one of its servers
  tcp::socket socket_;
#ifdef SIO_BENCH_TLS
  // Over TLS, the stream every read and write goes through (socket_ under it); null in plain
  // mode, where reads and writes go to socket_ itself, as they did before TLS existed here.
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
#endif
  std::size_t index_;
  State state_ = State::connecting;
  std::unique_ptr<char[]> rbuf_;
  std::size_t rcap_ = 0;
  std::size_t rlen_ = 0;
  std::string pending_;  // frames queued while a write is in progress
  std::string writing_;  // the frames of the write in progress
  bool write_busy_ = false;
  bool paused_ = false;
  bool read_pending_ = false;
  std::uint32_t mask_seed_;
};

/// The generator: the io_context, the servers' addresses, the counters every client updates.
class Generator {
 public:
  Generator(const std::vector<std::uint16_t>& ports, std::vector<pid_t> server_pids, pid_t redis_pid,
            int source_addresses, bool tls)
      : work_(asio::make_work_guard(ioc_)), server_pids_(std::move(server_pids)), redis_pid_(redis_pid),
        source_count_(source_addresses) {
    for (const std::uint16_t port : ports) servers_.emplace_back(asio::ip::make_address_v4("127.0.0.1"), port);
#ifdef SIO_BENCH_TLS
    if (tls) {
      tls_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
      // Any certificate is accepted: the server is on 127.0.0.1 and its certificate is the one
      // bench/run made for the run; verifying it would measure nothing more.
      tls_->set_verify_mode(asio::ssl::verify_none);
    }
#else
    (void)tls;  // refused by main()
#endif
  }

  asio::io_context& ioc() noexcept { return ioc_; }
#ifdef SIO_BENCH_TLS
  /// The client TLS context when clients connect over TLS, else null.
  asio::ssl::context* tls() const noexcept { return tls_.get(); }
#endif
  /// The server client `index` connects to: the servers take the clients in turn.
  const tcp::endpoint& server_for(std::size_t index) const noexcept { return servers_[index % servers_.size()]; }
  std::size_t server_count() const noexcept { return servers_.size(); }
  /// The servers' resident set sizes summed, in KiB; -1 if one is unreadable.
  long server_rss_kib() const {
    long sum = 0;
    for (const pid_t pid : server_pids_) {
      const long rss = process_rss_kib(pid);
      if (rss < 0) return -1;
      sum += rss;
    }
    return sum;
  }

  /// The source address new connections bind to (127.0.0.x); moves on when ports run out.
  asio::ip::address_v4 source_address() const {
    return asio::ip::address_v4(0x7f000001u + static_cast<std::uint32_t>(source_index_));
  }
  /// The current source address has no free port left: the next one takes over.
  bool next_source_address() {
    if (source_index_ + 1 >= source_count_) return false;
    ++source_index_;
    std::fprintf(stderr, "load: source ports exhausted, now connecting from %s\n", source_address().to_string().c_str());
    return true;
  }

  /// Runs the io_context until `done()` holds or `timeout` seconds pass; false on timeout.
  template <class Pred>
  bool run_until(Pred done, double timeout) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout));
    while (!done()) {
      if (Clock::now() >= deadline) return false;
      if (ioc_.poll() == 0) ioc_.run_one_for(std::chrono::milliseconds(5));
    }
    return true;
  }
  /// Runs the io_context for `s` seconds (clients keep answering pings meanwhile).
  void run_for(double s) {
    const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
    run_until([&] { return Clock::now() >= until; }, s + 1);
  }

  Sample sample() const {
    Sample s;
    s.time = Clock::now();
    for (const pid_t pid : server_pids_) {
      s.each_server.push_back(process_cpu_seconds(pid));
      s.server_cpu += s.each_server.back();
    }
    s.self_cpu = self_cpu_seconds();
    if (redis_pid_ > 0) s.redis_cpu = process_cpu_seconds(redis_pid_);
    return s;
  }
  bool has_redis() const noexcept { return redis_pid_ > 0; }

  /// Waits until the server (the servers together) has used less than 1% of a core over 300 ms
  /// (it has finished with what came before), at most `limit` seconds. False if it never settled.
  bool wait_server_quiet(double limit = 15) {
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limit));
    double last = servers_cpu_seconds();
    while (Clock::now() < deadline) {
      run_for(0.3);
      const double now = servers_cpu_seconds();
      if (now - last <= 0.003) return true;
      last = now;
    }
    return false;
  }

  /// The CPU time of every server, summed, in seconds.
  double servers_cpu_seconds() const {
    double sum = 0;
    for (const pid_t pid : server_pids_) sum += process_cpu_seconds(pid);
    return sum;
  }

  std::size_t failures = 0;  ///< Connections that failed or were closed by the server.
  std::size_t ready = 0;     ///< Clients that joined the namespace so far.

 private:
  asio::io_context ioc_{1};
  asio::executor_work_guard<asio::io_context::executor_type> work_;
#ifdef SIO_BENCH_TLS
  std::unique_ptr<asio::ssl::context> tls_;
#endif
  std::vector<tcp::endpoint> servers_;
  std::vector<pid_t> server_pids_;
  pid_t redis_pid_;
  int source_count_;
  int source_index_ = 0;
};

Client::Client(Generator& gen, std::size_t index)
    : gen_(gen), server_(gen.server_for(index)), socket_(gen.ioc()), index_(index), mask_seed_(static_cast<std::uint32_t>(index * 2654435761u + 1)) {}

void Client::start() {
  started = Clock::now();
  connect(8);
}

void Client::connect(int attempts_left) {
  std::error_code ec;
  socket_.open(tcp::v4(), ec);
  if (!ec) {
    // The port is chosen at connect() time for the whole 4-tuple, so one source address serves
    // as many connections as the ephemeral range holds for this server.
    const int one = 1;
    ::setsockopt(socket_.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    socket_.bind(tcp::endpoint(gen_.source_address(), 0), ec);
  }
  if (ec) return fail("bind: " + ec.message());
  socket_.async_connect(server_, [self = shared_from_this(), attempts_left](const std::error_code& e) {
    if (self->state_ != State::connecting) return;
    if (e == std::errc::address_not_available && attempts_left > 0 && self->gen_.next_source_address()) {
      std::error_code ignored;
      self->socket_.close(ignored);
      return self->connect(attempts_left - 1);
    }
    if (e) return self->fail("connect: " + e.message());
    self->on_tcp_connected();
  });
}

void Client::on_tcp_connected() {
  std::error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
#ifdef SIO_BENCH_TLS
  if (asio::ssl::context* context = gen_.tls()) {
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *context);
    tls_->async_handshake(asio::ssl::stream_base::client, [self = shared_from_this()](const std::error_code& e) {
      if (self->state_ != State::connecting) return;
      if (e) return self->fail("TLS handshake: " + e.message());
      self->on_connected();
    });
    return;
  }
#endif
  on_connected();
}

void Client::on_connected() {
  state_ = State::upgrading;
  rcap_ = 4096;
  rbuf_.reset(new char[rcap_]);
  // The request Node's socket.io-client sends (through ws), so that every server keeps what it
  // would keep for a real client. A fixed key: the benchmark does not check Sec-WebSocket-Accept.
  pending_ = "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
             "Sec-WebSocket-Version: 13\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
             "Connection: Upgrade\r\n"
             "Upgrade: websocket\r\n"
             "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
             "Host: 127.0.0.1:" + std::to_string(server_.port()) + "\r\n\r\n";
  flush();
  read();
}

void Client::resume_reading() {
  paused_ = false;
  if (!read_pending_ && state_ != State::closed && state_ != State::failed) read();
}

void Client::read() {
  if (paused_) return;
  read_pending_ = true;
  if (rlen_ == rcap_) {
    // A frame larger than the buffer: grow it to hold the frame whole.
    std::unique_ptr<char[]> bigger(new char[rcap_ * 2]);
    std::memcpy(bigger.get(), rbuf_.get(), rlen_);
    rbuf_ = std::move(bigger);
    rcap_ *= 2;
  }
  auto done = [self = shared_from_this()](const std::error_code& ec, std::size_t n) {
    self->read_pending_ = false;
    if (self->state_ == State::closed || self->state_ == State::failed) return;
    if (ec) return self->fail(closed_by_peer(ec) ? "closed by the server" : "read: " + ec.message());
    self->on_read(n);
  };
  const auto buffer = asio::buffer(rbuf_.get() + rlen_, rcap_ - rlen_);
#ifdef SIO_BENCH_TLS
  if (tls_) return tls_->async_read_some(buffer, std::move(done));
#endif
  socket_.async_read_some(buffer, std::move(done));
}

bool Client::closed_by_peer(const std::error_code& ec) {
#ifdef SIO_BENCH_TLS
  // A server that closes its TCP socket without a close_notify first (OpenSSL 3 tells).
  if (ec == asio::ssl::error::stream_truncated) return true;
#endif
  return ec == asio::error::eof;
}

void Client::on_read(std::size_t n) {
  rlen_ += n;
  if (state_ == State::upgrading && !parse_upgrade()) return;
  if (state_ != State::upgrading) parse_frames();
  if (state_ == State::closed || state_ == State::failed) return;
  read();
}

bool Client::parse_upgrade() {
  const std::string_view data(rbuf_.get(), rlen_);
  const auto end = data.find("\r\n\r\n");
  if (end == std::string_view::npos) return true;  // wait for the rest of the response
  if (data.rfind("HTTP/1.1 101", 0) != 0) {
    fail("upgrade refused: " + std::string(data.substr(0, data.find('\r'))));
    return false;
  }
  const std::size_t used = end + 4;
  std::memmove(rbuf_.get(), rbuf_.get() + used, rlen_ - used);
  rlen_ -= used;
  state_ = State::opening;
  return true;
}

void Client::parse_frames() {
  std::size_t pos = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(rbuf_.get());
  while (rlen_ - pos >= 2) {
    const unsigned char b0 = p[pos], b1 = p[pos + 1];
    std::size_t header = 2;
    std::uint64_t len = b1 & 0x7f;
    if (len == 126) {
      if (rlen_ - pos < 4) break;
      len = (std::uint64_t(p[pos + 2]) << 8) | p[pos + 3];
      header = 4;
    } else if (len == 127) {
      if (rlen_ - pos < 10) break;
      len = 0;
      for (int i = 0; i < 8; ++i) len = (len << 8) | p[pos + 2 + i];
      header = 10;
    }
    if (b1 & 0x80) header += 4;  // servers do not mask, but a masked frame is still a frame
    if (rlen_ - pos < header + len) {
      if (pos == 0 && header + len > rcap_) {
        // Grows the buffer to the frame's size at once rather than doubling per read.
        std::size_t cap = rcap_;
        while (cap < header + len) cap *= 2;
        std::unique_ptr<char[]> bigger(new char[cap]);
        std::memcpy(bigger.get(), rbuf_.get(), rlen_);
        rbuf_ = std::move(bigger);
        rcap_ = cap;
        p = reinterpret_cast<const unsigned char*>(rbuf_.get());
      }
      break;
    }
    const std::string_view payload(rbuf_.get() + pos + header, static_cast<std::size_t>(len));
    const unsigned opcode = b0 & 0x0f;
    if (!(b0 & 0x80) || opcode == 0) return fail("fragmented frame");
    if (opcode == 1) {
      on_text(payload);
    } else if (opcode == 9) {
      queue_frame(0xA, payload);
      flush();
    } else if (opcode == 8) {
      return fail("closed by the server (close frame)");
    }
    if (state_ == State::closed || state_ == State::failed) return;
    pos += header + len;
  }
  if (pos > 0) {
    std::memmove(rbuf_.get(), rbuf_.get() + pos, rlen_ - pos);
    rlen_ -= pos;
  }
}

void Client::on_text(std::string_view msg) {
  if (msg.empty()) return;
  switch (msg[0]) {
    case '2':  // Engine.IO ping
      ++pings;
      queue_frame(0x1, "3");
      flush();
      return;
    case '0':  // Engine.IO open: join the main namespace
      if (state_ == State::opening) {
        state_ = State::joining;
        queue_frame(0x1, "40");
        flush();
      }
      return;
    case '1':
      return fail("closed by the server (Engine.IO close)");
    case '4':
      break;
    default:
      return;
  }
  if (msg.size() < 2) return;
  switch (msg[1]) {
    case '0':
      if (state_ == State::joining) {
        state_ = State::ready;
        joined = Clock::now();
        ++gen_.ready;
        if (listener) listener->on_ready(*this);
      }
      return;
    case '2':
      if (msg.compare(2, 9, "[\"bcast\",") == 0) {
        ++bcasts;
        if (expected_bcast_size && msg.size() != expected_bcast_size) ++bad_bcasts;
        if (listener) listener->on_bcast(*this, msg);
      }
      return;
    case '3': {
      std::uint64_t id = 0;
      std::size_t i = 2;
      for (; i < msg.size() && msg[i] >= '0' && msg[i] <= '9'; ++i) id = id * 10 + static_cast<unsigned>(msg[i] - '0');
      if (listener) listener->on_ack(*this, id, msg);
      return;
    }
    case '1':
      return fail("disconnected by the server");
    case '4':
      return fail("namespace refused: " + std::string(msg));
    default:
      return;
  }
}

void Client::send_message(std::string_view socketio_packet) {
  if (state_ != State::ready) return;
  queue_frame(0x1, "4", socketio_packet);
  flush();
}

void Client::queue_frame(std::uint8_t opcode, std::string_view a, std::string_view b) {
  const std::size_t len = a.size() + b.size();
  char header[14];
  std::size_t h = 0;
  header[h++] = static_cast<char>(0x80 | opcode);
  if (len < 126) {
    header[h++] = static_cast<char>(0x80 | len);
  } else if (len < 65536) {
    header[h++] = static_cast<char>(0x80 | 126);
    header[h++] = static_cast<char>(len >> 8);
    header[h++] = static_cast<char>(len & 0xff);
  } else {
    header[h++] = static_cast<char>(0x80 | 127);
    for (int i = 7; i >= 0; --i) header[h++] = static_cast<char>((static_cast<std::uint64_t>(len) >> (8 * i)) & 0xff);
  }
  // xorshift32: a fresh mask per frame, as clients must, at no measurable cost.
  mask_seed_ ^= mask_seed_ << 13;
  mask_seed_ ^= mask_seed_ >> 17;
  mask_seed_ ^= mask_seed_ << 5;
  unsigned char mask[4];
  std::memcpy(mask, &mask_seed_, 4);
  std::memcpy(header + h, mask, 4);
  h += 4;
  pending_.append(header, h);
  std::size_t i = 0;
  for (const std::string_view part : {a, b})
    for (const char c : part) pending_.push_back(static_cast<char>(c ^ static_cast<char>(mask[i++ & 3])));
}

void Client::flush() {
  if (write_busy_ || pending_.empty()) return;
  write_busy_ = true;
  writing_.swap(pending_);
  auto done = [self = shared_from_this()](const std::error_code& ec, std::size_t) {
    self->write_busy_ = false;
    self->writing_.clear();
    if (self->state_ == State::closed || self->state_ == State::failed) return;
    if (ec) return self->fail("write: " + ec.message());
    self->flush();
  };
#ifdef SIO_BENCH_TLS
  if (tls_) return asio::async_write(*tls_, asio::buffer(writing_), std::move(done));
#endif
  asio::async_write(socket_, asio::buffer(writing_), std::move(done));
}

void Client::close() {
  if (state_ == State::closed || state_ == State::failed) return;
  if (state_ == State::ready) --gen_.ready;
  state_ = State::closed;
  std::error_code ignored;
  socket_.close(ignored);
}

void Client::fail(const std::string& why) {
  if (state_ == State::closed || state_ == State::failed) return;
  if (state_ == State::ready) --gen_.ready;
  state_ = State::failed;
  failure = why;
  ++gen_.failures;
  std::error_code ignored;
  socket_.close(ignored);
  if (listener) listener->on_failed(*this);
}

// ---- scenarios ------------------------------------------------------------------------------

using ClientPtr = std::shared_ptr<Client>;

/// Settings of a run, from the command line.
struct Settings {
  std::vector<std::uint16_t> ports;  // one server, or several sharing the clients
  std::vector<pid_t> server_pids;    // theirs, in the same order
  pid_t redis_pid = 0;               // what carries messages between them, measured apart
  std::string server_name = "server";
  std::vector<std::string> scenarios;
  int source_addresses = 8;
  std::size_t in_flight = 100;
  std::vector<std::size_t> storm_sizes{1000, 5000};
  std::vector<std::size_t> memory_steps{0, 1000, 5000, 10000, 19000};
  bool memory_hold_pings = false;
  double ping_interval = 25;
  std::size_t latency_samples = 20000;
  std::size_t latency_warmup = 2000;
  std::size_t latency_idle = 1000;
  std::size_t throughput_clients = 100;
  double throughput_seconds = 5;
  std::vector<std::size_t> burst_receivers{500, 5000};
  std::vector<std::size_t> burst_sizes{100, 1000};
  std::size_t burst_messages = 200;
  std::size_t burst_target = 1000000;  // deliveries per measurement, summed over repeated bursts
  std::size_t slow_receivers = 20;     // well-behaved receivers beside the one that stops reading
  std::size_t slow_messages = 10000;   // broadcasts of slow_size bytes, in batches of 100
  std::size_t slow_size = 1000;
  double soak_seconds = 600;           // the soak (tests/soak): how long, how many, how much churn
  std::size_t soak_clients = 1000;
  std::size_t soak_churn = 10;         // clients closed and replaced every second
  std::size_t bcast_latency_receivers = 1000;
  std::size_t bcast_latency_samples = 200;
  std::size_t echo_size = 32;
  double timeout = 120;
  bool marks = false;  // print the measured windows (CLOCK_MONOTONIC) for `perf report --time`
  bool tls = false;    // every client over TLS (WSS)
};

/// Counts ready and failed clients of a connect wave.
class ConnectCounter final : public Listener {
 public:
  void on_ready(Client&) override { ++done; }
  void on_failed(Client&) override { ++done; }
  std::size_t done = 0;
};

/// Runs the scenarios of one generator invocation against one server.
class Bench {
 public:
  explicit Bench(const Settings& s) : s_(s), gen_(s.ports, s.server_pids, s.redis_pid, s.source_addresses, s.tls) {}

  int run() {
    for (const auto& name : s_.scenarios) {
      std::fprintf(stderr, "load: %s: %s\n", s_.server_name.c_str(), name.c_str());
      const auto began = Clock::now();
      bool ok = false;
      try {
        if (name == "memory") ok = memory();
        else if (name == "storm") ok = storm();
        else if (name == "latency") ok = latency();
        else if (name == "throughput") ok = throughput();
        else if (name == "broadcast") ok = broadcast();
        else if (name == "slow") ok = slow();
        else if (name == "soak") ok = soak();
        else throw std::invalid_argument("unknown scenario " + name);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "load: %s: %s failed: %s\n", s_.server_name.c_str(), name.c_str(), e.what());
        ok = false;
      }
      std::fprintf(stderr, "load: %s: %s: %.1f s\n", s_.server_name.c_str(), name.c_str(), seconds_between(began, Clock::now()));
      if (!ok) {
        JsonLine("error").add("server", s_.server_name).add("failed", name).add("message", sanitize(last_error_)).print();
        return 1;
      }
    }
    return 0;
  }

 private:
  static std::string sanitize(std::string s) {
    for (auto& c : s)
      if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = ' ';
    return s;
  }

  bool error(std::string why) {
    last_error_ = std::move(why);
    std::fprintf(stderr, "load: %s: %s\n", s_.server_name.c_str(), last_error_.c_str());
    return false;
  }

  /// With --marks, prints a measured window in seconds of CLOCK_MONOTONIC (steady_clock here), the
  /// clock `perf record -k mono` stamps samples with, so a profile can be cut to the window.
  void mark(const std::string& what, Clock::time_point a, Clock::time_point b) const {
    if (!s_.marks) return;
    const auto secs = [](Clock::time_point t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); };
    std::fprintf(stderr, "mark %s %s %.6f,%.6f\n", s_.server_name.c_str(), what.c_str(), secs(a), secs(b));
  }

  /// Connects `n` more clients into `pool`, `s_.in_flight` at a time; their handshake times
  /// (TCP connect to namespace joined) go to `handshakes` when given. False if one failed.
  bool connect(std::vector<ClientPtr>& pool, std::size_t n, std::vector<double>* handshakes = nullptr) {
    ConnectCounter counter;
    std::size_t started = 0;
    const std::size_t first = pool.size();
    const std::size_t failures_before = gen_.failures;
    auto launch = [&] {
      while (started < n && started - counter.done < s_.in_flight) {
        auto c = std::make_shared<Client>(gen_, first + started);
        c->listener = &counter;
        pool.push_back(c);
        c->start();
        ++started;
      }
    };
    launch();
    const bool finished = gen_.run_until(
        [&] {
          launch();
          return counter.done == n;
        },
        s_.timeout);
    for (std::size_t i = first; i < pool.size(); ++i) {
      pool[i]->listener = nullptr;
      if (handshakes && pool[i]->state() == Client::State::ready)
        handshakes->push_back(seconds_between(pool[i]->started, pool[i]->joined));
    }
    if (!finished) return error("connecting " + std::to_string(n) + " clients timed out (" + std::to_string(counter.done) + " done)");
    if (gen_.failures != failures_before) {
      for (std::size_t i = first; i < pool.size(); ++i)
        if (pool[i]->state() == Client::State::failed) return error("a client failed to connect: " + pool[i]->failure);
    }
    return true;
  }

  /// Closes every client of `pool` and waits for the server to finish with them.
  void close_all(std::vector<ClientPtr>& pool) {
    for (auto& c : pool) c->close();
    pool.clear();
    gen_.run_for(0.05);
    gen_.wait_server_quiet();
  }

  bool check_alive(const std::vector<ClientPtr>& pool) {
    for (const auto& c : pool)
      if (c->state() != Client::State::ready) return error("client " + std::to_string(c->index()) + " lost: " + c->failure);
    return true;
  }

  std::string echo_packet(std::uint64_t id) const {
    std::string p = "2" + std::to_string(id) + "[\"echo\",\"";
    p.append(s_.echo_size, 'e');
    p += "\"]";
    return p;
  }

  // -- idle memory --------------------------------------------------------------------------

  bool memory() {
    std::vector<ClientPtr> pool;
    std::string points = "[";
    std::vector<double> xs, ys;
    for (std::size_t step : s_.memory_steps) {
      if (step > pool.size() && !connect(pool, step - pool.size())) return false;
      gen_.run_for(0.5);
      gen_.wait_server_quiet();
      if (!check_alive(pool)) return false;
      const long rss = gen_.server_rss_kib();
      xs.push_back(static_cast<double>(pool.size()));
      ys.push_back(static_cast<double>(rss));
      if (points.size() > 1) points += ',';
      points += "[" + std::to_string(pool.size()) + "," + std::to_string(rss) + "]";
      std::fprintf(stderr, "load: %s: %zu clients, RSS %ld KiB\n", s_.server_name.c_str(), pool.size(), rss);
    }
    points += "]";
    std::uint64_t min_pings = 0;
    if (s_.memory_hold_pings && !pool.empty()) {
      // Held until every client has answered a ping: the server keeps all of them, not just accepts them.
      const std::size_t failures_before = gen_.failures;
      const bool pinged = gen_.run_until(
          [&] {
            for (const auto& c : pool)
              if (c->pings == 0) return false;
            return true;
          },
          s_.ping_interval * 1.5 + 10);
      if (!pinged) return error("some clients were never pinged");
      if (gen_.failures != failures_before || !check_alive(pool)) return error("clients lost while held");
      min_pings = 1;
    }
    // Least-squares slope of RSS against clients: the memory each client costs.
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) mx += xs[i], my += ys[i];
    mx /= static_cast<double>(xs.size());
    my /= static_cast<double>(ys.size());
    double sxy = 0, sxx = 0;
    for (std::size_t i = 0; i < xs.size(); ++i) sxy += (xs[i] - mx) * (ys[i] - my), sxx += (xs[i] - mx) * (xs[i] - mx);
    JsonLine("memory")
        .add("server", s_.server_name)
        .add_raw("points", points)
        .add("kib_per_client", sxx > 0 ? sxy / sxx : 0.0)
        .add("clients_held", pool.size())
        .add("all_pinged", static_cast<long long>(min_pings))
        .add("errors", gen_.failures)
        .print();
    close_all(pool);
    return true;
  }

  // -- connect storm ------------------------------------------------------------------------

  bool storm() {
    for (std::size_t n : s_.storm_sizes) {
      std::vector<ClientPtr> pool;
      pool.reserve(n);
      std::vector<double> handshakes;
      const Sample a = gen_.sample();
      if (!connect(pool, n, &handshakes)) return false;
      const Sample b = gen_.sample();
      mark("storm-" + std::to_string(n), a.time, b.time);
      const double elapsed = seconds_between(a.time, b.time);
      JsonLine("storm")
          .add("server", s_.server_name)
          .add("clients", n)
          .add("connects_per_s", static_cast<double>(n) / elapsed)
          .add("handshake_p50_ms", quantile(handshakes, 0.5) * 1e3)
          .add("handshake_p99_ms", quantile(handshakes, 0.99) * 1e3)
          .add("server_cpu_us_per_connect", (b.server_cpu - a.server_cpu) * 1e6 / static_cast<double>(n))
          .add("server_cpu_pct", (b.server_cpu - a.server_cpu) * 100 / elapsed)
          .add("load_cpu_pct", (b.self_cpu - a.self_cpu) * 100 / elapsed)
          .print();
      close_all(pool);
    }
    return true;
  }

  // -- echo latency -------------------------------------------------------------------------

  /// Sends acks one after the other on one client and records each round trip.
  class Sequential final : public Listener {
   public:
    Sequential(Bench& bench, std::size_t count) : bench_(bench), left_(count) {}
    void go(Client& c) {
      sent_at_ = Clock::now();
      c.send_message(bench_.echo_packet(++id_));
    }
    void on_ack(Client& c, std::uint64_t id, std::string_view) override {
      if (id != id_) {
        wrong_ = true;
        return;
      }
      rtts.push_back(seconds_between(sent_at_, Clock::now()));
      if (--left_ > 0) go(c);
    }
    bool done() const { return left_ == 0 || wrong_; }
    bool wrong() const { return wrong_; }
    std::vector<double> rtts;

   private:
    Bench& bench_;
    std::size_t left_;
    std::uint64_t id_ = 0;
    Clock::time_point sent_at_;
    bool wrong_ = false;
  };

  bool sequential_acks(Client& c, std::size_t n, std::vector<double>& rtts) {
    Sequential seq(*this, n);
    c.listener = &seq;
    seq.go(c);
    const bool ok = gen_.run_until([&] { return seq.done() || c.state() != Client::State::ready; }, s_.timeout);
    c.listener = nullptr;
    if (!ok) return error("acks timed out");
    if (seq.wrong()) return error("an ack came back with the wrong id");
    if (c.state() != Client::State::ready) return error("the measuring client was lost: " + c.failure);
    rtts = std::move(seq.rtts);
    return true;
  }

  bool latency() {
    std::vector<ClientPtr> probe;
    if (!connect(probe, 1)) return false;
    std::vector<ClientPtr> idle;
    for (std::size_t idle_count : {std::size_t(0), s_.latency_idle}) {
      if (idle_count > idle.size()) {
        if (!connect(idle, idle_count - idle.size())) return false;
        gen_.wait_server_quiet();
      }
      std::vector<double> rtts;
      if (!sequential_acks(*probe[0], s_.latency_warmup, rtts)) return false;
      const Sample a = gen_.sample();
      if (!sequential_acks(*probe[0], s_.latency_samples, rtts)) return false;
      const Sample b = gen_.sample();
      mark("latency-" + std::to_string(idle.size()), a.time, b.time);
      if (!check_alive(idle)) return false;
      const double elapsed = seconds_between(a.time, b.time);
      JsonLine("latency")
          .add("server", s_.server_name)
          .add("idle_clients", idle.size())
          .add("samples", rtts.size())
          .add("p50_us", quantile(rtts, 0.5) * 1e6)
          .add("p99_us", quantile(rtts, 0.99) * 1e6)
          .add("p999_us", quantile(rtts, 0.999) * 1e6)
          .add("server_cpu_us_per_ack", (b.server_cpu - a.server_cpu) * 1e6 / static_cast<double>(rtts.size()))
          .add("load_cpu_pct", (b.self_cpu - a.self_cpu) * 100 / elapsed)
          .print();
    }
    close_all(idle);
    close_all(probe);
    return true;
  }

  // -- echo throughput ----------------------------------------------------------------------

  /// Keeps one ack in flight on every client.
  class Pipeline final : public Listener {
   public:
    explicit Pipeline(Bench& bench) : bench_(bench) {}
    void on_ack(Client& c, std::uint64_t, std::string_view) override {
      ++acks;
      if (running) c.send_message(bench_.echo_packet(++id_));
      else ++stopped;
    }
    std::uint64_t acks = 0;
    std::size_t stopped = 0;
    bool running = true;
    std::uint64_t id_ = 0;

   private:
    Bench& bench_;
  };

  bool throughput() {
    std::vector<ClientPtr> pool;
    if (!connect(pool, s_.throughput_clients)) return false;
    Pipeline pipe(*this);
    for (auto& c : pool) {
      c->listener = &pipe;
      c->send_message(echo_packet(++pipe.id_));
    }
    gen_.run_for(1.0);  // warm-up
    const std::uint64_t acks_before = pipe.acks;
    const Sample a = gen_.sample();
    gen_.run_for(s_.throughput_seconds);
    const Sample b = gen_.sample();
    mark("throughput", a.time, b.time);
    const std::uint64_t acks = pipe.acks - acks_before;
    pipe.running = false;
    const bool drained = gen_.run_until([&] { return pipe.stopped == pool.size(); }, s_.timeout);
    for (auto& c : pool) c->listener = nullptr;
    if (!drained || !check_alive(pool)) return error("acks in flight never came back");
    const double elapsed = seconds_between(a.time, b.time);
    JsonLine("throughput")
        .add("server", s_.server_name)
        .add("clients", pool.size())
        .add("acks_per_s", static_cast<double>(acks) / elapsed)
        .add("acks_total", static_cast<long long>(pipe.acks))
        .add("server_cpu_us_per_ack", (b.server_cpu - a.server_cpu) * 1e6 / static_cast<double>(acks))
        .add("server_cpu_pct", (b.server_cpu - a.server_cpu) * 100 / elapsed)
        .add("load_cpu_pct", (b.self_cpu - a.self_cpu) * 100 / elapsed)
        .print();
    close_all(pool);
    return true;
  }

  // -- broadcast ----------------------------------------------------------------------------

  std::string broadcast_packet(std::size_t size) const {
    std::string p = "2[\"broadcast\",\"";
    p.append(size, 'b');
    p += "\"]";
    return p;
  }

  /// Counts deliveries as they arrive, so a wait does not scan every client.
  class Arrivals final : public Listener {
   public:
    void on_bcast(Client&, std::string_view) override { ++count; }
    void on_failed(Client& c) override {
      if (failed++ == 0) first_failure = c.failure;
    }
    std::uint64_t count = 0;
    std::size_t failed = 0;
    std::string first_failure;  ///< Why the first receiver that was lost was lost.
  };

  /// Sends `messages` broadcasts of `size` bytes from pool[0] and waits until every client has them.
  bool burst_once(std::vector<ClientPtr>& pool, Arrivals& arrivals, std::size_t size, std::size_t messages, Clock::time_point* last) {
    const std::uint64_t target = arrivals.count + messages * pool.size();
    const std::string packet = broadcast_packet(size);
    for (std::size_t i = 0; i < messages; ++i) pool[0]->send_message(packet);
    const bool ok = gen_.run_until([&] { return arrivals.count >= target || arrivals.failed > 0; }, s_.timeout);
    if (last) *last = Clock::now();
    if (arrivals.failed)
      return error("a receiver was lost during a broadcast (" + std::to_string(arrivals.failed) + "; the first: " +
                   arrivals.first_failure + ")");
    if (!ok) return error("broadcast incomplete: " + std::to_string(target - arrivals.count) + " deliveries missing");
    return true;
  }

  bool burst(std::vector<ClientPtr>& pool, Arrivals& arrivals) {
    for (std::size_t size : s_.burst_sizes) {
      const std::size_t frame_size = broadcast_packet(size).size() + 1 - std::string("[\"broadcast\",").size() + std::string("[\"bcast\",").size();
      for (auto& c : pool) c->expected_bcast_size = frame_size;
      if (!burst_once(pool, arrivals, size, 1, nullptr)) return false;  // warm-up
      gen_.wait_server_quiet(5);
      const std::size_t per_burst = s_.burst_messages * pool.size();
      const std::size_t repeats = std::max<std::size_t>(1, (s_.burst_target + per_burst - 1) / per_burst);
      std::vector<std::uint64_t> before(pool.size());
      for (std::size_t i = 0; i < pool.size(); ++i) before[i] = pool[i]->bcasts;
      double elapsed = 0, server_cpu = 0, self_cpu = 0, redis_cpu = 0;
      std::vector<double> each_server(gen_.server_count());
      for (std::size_t r = 0; r < repeats; ++r) {
        const Sample a = gen_.sample();
        Clock::time_point last;
        if (!burst_once(pool, arrivals, size, s_.burst_messages, &last)) return false;
        const Sample b = gen_.sample();
        mark("burst-" + std::to_string(pool.size()) + "x" + std::to_string(size), a.time, b.time);
        elapsed += seconds_between(a.time, last);
        server_cpu += b.server_cpu - a.server_cpu;
        self_cpu += b.self_cpu - a.self_cpu;
        redis_cpu += b.redis_cpu - a.redis_cpu;
        for (std::size_t k = 0; k < each_server.size(); ++k) each_server[k] += b.each_server[k] - a.each_server[k];
        gen_.wait_server_quiet(5);
      }
      // Every message to every receiver, exactly once, intact: or the run is void.
      for (std::size_t i = 0; i < pool.size(); ++i) {
        if (pool[i]->bcasts - before[i] != repeats * s_.burst_messages)
          return error("receiver " + std::to_string(i) + " got " + std::to_string(pool[i]->bcasts - before[i]) + " of " +
                       std::to_string(repeats * s_.burst_messages) + " messages");
        if (pool[i]->bad_bcasts) return error("receiver " + std::to_string(i) + " got a message of the wrong size");
      }
      const double deliveries = static_cast<double>(repeats * per_burst);
      JsonLine line("burst");
      line.add("server", s_.server_name)
          .add("receivers", pool.size())
          .add("size", size)
          .add("messages", s_.burst_messages)
          .add("repeats", repeats)
          .add("deliveries", deliveries)
          .add("delivered_per_s", deliveries / elapsed)
          .add("server_cpu_us_per_delivery", server_cpu * 1e6 / deliveries)
          .add("server_cpu_pct", server_cpu * 100 / elapsed)
          .add("load_cpu_pct", self_cpu * 100 / elapsed)
          .add("all_arrived", 1);
      add_across_servers(line, each_server, redis_cpu, deliveries, elapsed);
      line.print();
    }
    return true;
  }

  /// Across servers, what each one and the broker spent on `deliveries` in `elapsed` seconds
  /// (nothing with one server, so that its lines stay as they were).
  void add_across_servers(JsonLine& line, const std::vector<double>& each_server, double redis_cpu, double deliveries,
                          double elapsed) const {
    if (gen_.server_count() > 1) {
      std::string each = "[";
      for (const double cpu : each_server) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s%.6g", each.size() > 1 ? "," : "", cpu * 1e6 / deliveries);
        each += buf;
      }
      line.add("servers", gen_.server_count()).add_raw("server_cpu_us_per_delivery_each", each + "]");
    }
    if (gen_.has_redis())
      line.add("redis_cpu_us_per_delivery", redis_cpu * 1e6 / deliveries).add("redis_cpu_pct", redis_cpu * 100 / elapsed);
  }

  bool broadcast_latency(std::vector<ClientPtr>& pool, Arrivals& arrivals) {
    for (auto& c : pool) c->expected_bcast_size = 0;
    std::vector<double> times;
    const std::string packet = broadcast_packet(100);
    const std::size_t warmup = 20;
    for (std::size_t i = 0; i < s_.bcast_latency_samples + warmup; ++i) {
      const std::uint64_t target = arrivals.count + pool.size();
      const auto sent = Clock::now();
      pool[0]->send_message(packet);
      if (!gen_.run_until([&] { return arrivals.count >= target || arrivals.failed > 0; }, s_.timeout) || arrivals.failed)
        return error("a broadcast did not reach every receiver");
      if (i >= warmup) times.push_back(seconds_between(sent, Clock::now()));
    }
    JsonLine line("bcast_latency");
    line.add("server", s_.server_name)
        .add("receivers", pool.size())
        .add("samples", times.size())
        .add("last_p50_ms", quantile(times, 0.5) * 1e3)
        .add("last_p99_ms", quantile(times, 0.99) * 1e3);
    if (gen_.server_count() > 1) line.add("servers", gen_.server_count());
    line.print();
    return true;
  }

  bool broadcast() {
    // Receivers grow in place: the smaller bursts, then the latency set, then the larger bursts.
    std::vector<ClientPtr> pool;
    Arrivals arrivals;
    std::vector<std::size_t> plan = s_.burst_receivers;
    const std::size_t latency_at = s_.bcast_latency_receivers;
    if (latency_at) plan.push_back(latency_at);
    std::sort(plan.begin(), plan.end());
    plan.erase(std::unique(plan.begin(), plan.end()), plan.end());
    for (std::size_t n : plan) {
      if (n > pool.size()) {
        const std::size_t first = pool.size();
        if (!connect(pool, n - pool.size())) return false;
        for (std::size_t i = first; i < pool.size(); ++i) pool[i]->listener = &arrivals;
        gen_.wait_server_quiet();
      }
      if (std::find(s_.burst_receivers.begin(), s_.burst_receivers.end(), n) != s_.burst_receivers.end() && !burst(pool, arrivals))
        return false;
      if (n == latency_at && !broadcast_latency(pool, arrivals)) return false;
    }
    for (auto& c : pool) c->listener = nullptr;
    close_all(pool);
    return true;
  }

  /// One client stops reading while the others receive slow_messages broadcasts of slow_size
  /// bytes, sent in batches that the others have received before the next goes (so that only
  /// the paused client falls behind). What the server keeps for it shows in its RSS; then the
  /// paused client reads again, to learn whether the server disconnected it.
  bool slow() {
    std::vector<ClientPtr> pool;
    if (!connect(pool, s_.slow_receivers + 1)) return false;
    ClientPtr paused = pool.back();
    pool.pop_back();
    Arrivals arrivals;
    for (auto& c : pool) c->listener = &arrivals;
    const std::size_t frame_size =
        broadcast_packet(s_.slow_size).size() + 1 - std::string("[\"broadcast\",").size() + std::string("[\"bcast\",").size();
    for (auto& c : pool) c->expected_bcast_size = frame_size;
    paused->expected_bcast_size = frame_size;
    gen_.wait_server_quiet();
    const long rss_before = gen_.server_rss_kib();
    paused->pause_reading();
    const std::uint64_t paused_before = paused->bcasts;
    const std::size_t batch = 100;
    for (std::size_t sent = 0; sent < s_.slow_messages; sent += batch) {
      if (!burst_once(pool, arrivals, s_.slow_size, std::min(batch, s_.slow_messages - sent), nullptr)) return false;
    }
    gen_.wait_server_quiet(5);
    const long rss_held = gen_.server_rss_kib();
    // Reads again: a server that kept everything delivers it; one that bounded it has closed.
    paused->resume_reading();
    const std::uint64_t all = paused_before + s_.slow_messages;
    gen_.run_until([&] { return paused->state() == Client::State::failed || paused->bcasts >= all; }, s_.timeout);
    const bool disconnected = paused->state() == Client::State::failed;
    for (auto& c : pool) c->listener = nullptr;
    for (std::size_t i = 0; i < pool.size(); ++i)
      if (pool[i]->bad_bcasts) return error("receiver " + std::to_string(i) + " got a message of the wrong size");
    JsonLine("slow")
        .add("server", s_.server_name)
        .add("receivers", pool.size())
        .add("messages", s_.slow_messages)
        .add("size", s_.slow_size)
        .add("rss_growth_kib", static_cast<double>(rss_held - rss_before))
        .add("slow_disconnected", disconnected ? 1 : 0)
        .add("slow_received", static_cast<double>(paused->bcasts - paused_before))
        .add("all_arrived", 1)
        .print();
    pool.push_back(paused);
    close_all(pool);
    return true;
  }

  // -- soak ---------------------------------------------------------------------------------

  /// What the soak counts: acks awaited, broadcasts of the wrong size, clients the server closed.
  class SoakListener final : public Listener {
   public:
    void on_ack(Client&, std::uint64_t id, std::string_view) override { outstanding.erase(id); }
    void on_failed(Client& c) override {
      ++server_closed;
      last_failure = c.failure;
    }
    std::unordered_map<std::uint64_t, const Client*> outstanding;  // ack id -> the client that asked
    std::size_t server_closed = 0;
    std::string last_failure;
  };

  /// soak_clients clients for soak_seconds. Every second soak_churn of them are closed and
  /// replaced by new ones, ten broadcasts of 1 KB go to all, and 100 clients send an echo with
  /// an ack; one client reads in bursts (it stops for 10 s of every 30, long enough for its
  /// queue to grow, short enough to answer its pings in time). The server's RSS is read every
  /// 10 s. Every ack must come back and no client may be closed by the server.
  bool soak() {
    std::vector<ClientPtr> pool;
    if (!connect(pool, s_.soak_clients)) return false;
    SoakListener listener;
    for (auto& c : pool) c->listener = &listener;
    const std::string bcast = broadcast_packet(1000);
    const std::size_t frame_size = bcast.size() + 1 - std::string("[\"broadcast\",").size() + std::string("[\"bcast\",").size();
    for (auto& c : pool) c->expected_bcast_size = frame_size;
    std::vector<std::pair<double, long>> rss;  // (seconds, KiB)
    std::uint64_t id = 0, broadcasts = 0, echoes = 0, churned = 0;
    std::size_t next_churn = 1, next_echo = 1;  // pool[0] is the bursty reader
    const auto began = Clock::now();
    for (std::size_t second = 0; second < static_cast<std::size_t>(s_.soak_seconds); ++second) {
      if (second % 30 == 0) pool[0]->pause_reading();
      if (second % 30 == 10) pool[0]->resume_reading();
      for (std::size_t k = 0; k < s_.soak_churn; ++k, ++churned) {
        if (next_churn >= pool.size()) next_churn = 2;  // pool[1] sends the broadcasts
        auto& c = pool[next_churn++];
        c->listener = nullptr;
        c->close();
        // Its acks in flight go with it.
        for (auto it = listener.outstanding.begin(); it != listener.outstanding.end();)
          it = it->second == c.get() ? listener.outstanding.erase(it) : std::next(it);
        c = std::make_shared<Client>(gen_, pool.size() + churned);
        c->listener = &listener;
        c->expected_bcast_size = frame_size;
        c->start();
      }
      if (pool[1]->state() == Client::State::ready)
        for (int b = 0; b < 10; ++b, ++broadcasts) pool[1]->send_message(bcast);
      for (int e = 0; e < 100; ++e) {
        if (next_echo >= pool.size()) next_echo = 1;
        auto& c = pool[next_echo++];
        if (c->state() != Client::State::ready) continue;
        listener.outstanding.emplace(++id, c.get());
        c->send_message(echo_packet(id));
        ++echoes;
      }
      gen_.run_for(1.0);
      if (second % 10 == 9) {
        rss.emplace_back(seconds_between(began, Clock::now()), gen_.server_rss_kib());
        std::fprintf(stderr, "load: %s: soak: %zu s, RSS %ld KiB, %zu acks awaited, %zu closed by the server\n",
                     s_.server_name.c_str(), second + 1, rss.back().second, listener.outstanding.size(),
                     listener.server_closed);
      }
      if (listener.server_closed) break;
    }
    pool[0]->resume_reading();
    gen_.run_until([&] { return listener.outstanding.empty() || listener.server_closed > 0; }, 20);
    std::size_t bad = 0;
    for (auto& c : pool) bad += c->bad_bcasts;
    // Drift: the median of the last minute's samples against that of the second minute (the
    // first is warm-up: allocator pools and the kernel settle).
    auto median_between = [&](double from, double to) {
      std::vector<double> v;
      for (const auto& [t, kib] : rss)
        if (t >= from && t < to) v.push_back(static_cast<double>(kib));
      return v.empty() ? 0.0 : quantile(v, 0.5);
    };
    const double total = seconds_between(began, Clock::now());
    const double reference = median_between(60, 120);
    const double last = median_between(total - 60, total + 1);
    JsonLine line("soak");
    line.add("server", s_.server_name)
        .add("seconds", total)
        .add("clients", pool.size())
        .add("churned", static_cast<double>(churned))
        .add("broadcasts", static_cast<double>(broadcasts))
        .add("echoes", static_cast<double>(echoes))
        .add("acks_missing", listener.outstanding.size())
        .add("closed_by_server", listener.server_closed)
        .add("bad_broadcasts", bad)
        .add("rss_reference_kib", reference)
        .add("rss_last_kib", last)
        .add("rss_drift_pct", reference > 0 ? (last - reference) * 100 / reference : 0.0);
    std::string samples = "[";
    for (const auto& [t, kib] : rss) samples += (samples.size() > 1 ? "," : "") + std::string("[") + std::to_string(static_cast<long>(t)) + "," + std::to_string(kib) + "]";
    line.add_raw("rss", samples + "]").print();
    for (auto& c : pool) c->listener = nullptr;
    close_all(pool);
    if (listener.server_closed) return error("the server closed a client: " + listener.last_failure);
    if (!listener.outstanding.empty()) return error(std::to_string(listener.outstanding.size()) + " acks never came back");
    if (bad) return error("broadcasts of the wrong size");
    return true;
  }

  const Settings& s_;
  Generator gen_;
  std::string last_error_;
};

std::vector<std::size_t> parse_list(const std::string& s) {
  std::vector<std::size_t> out;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) out.push_back(static_cast<std::size_t>(std::stoull(item)));
  return out;
}

int usage() {
  std::fprintf(stderr,
               "usage: sio_bench_load --port P --server-pid PID --scenarios memory,storm,latency,throughput,broadcast,slow,soak\n"
               "  (across servers: --port P1,P2 --server-pid PID1,PID2 [--redis-pid PID])\n"
               "  [--name NAME] [--sources N] [--in-flight N] [--storm 1000,5000] [--memory 0,1000,...]\n"
               "  [--hold-pings] [--ping-interval S] [--latency-samples N] [--latency-warmup N] [--latency-idle N]\n"
               "  [--throughput-clients N] [--throughput-seconds S] [--burst-receivers 500,5000]\n"
               "  [--burst-sizes 100,1000] [--burst-messages N] [--burst-target N]\n"
               "  [--bcast-latency-receivers N] [--bcast-latency-samples N] [--slow-receivers N]\n"
               "  [--slow-messages N] [--soak-seconds S] [--soak-clients N] [--soak-churn N]\n"
               "  [--timeout S] [--marks] [--tls]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
        return argv[++i];
      };
      if (a == "--port") {
        for (const std::size_t p : parse_list(value())) s.ports.push_back(static_cast<std::uint16_t>(p));
      } else if (a == "--server-pid") {
        for (const std::size_t p : parse_list(value())) s.server_pids.push_back(static_cast<pid_t>(p));
      } else if (a == "--redis-pid") s.redis_pid = static_cast<pid_t>(std::stol(value()));
      else if (a == "--name") s.server_name = value();
      else if (a == "--scenarios") {
        std::stringstream in(value());
        for (std::string item; std::getline(in, item, ',');) s.scenarios.push_back(item);
      } else if (a == "--sources") s.source_addresses = std::stoi(value());
      else if (a == "--in-flight") s.in_flight = std::stoul(value());
      else if (a == "--storm") s.storm_sizes = parse_list(value());
      else if (a == "--memory") s.memory_steps = parse_list(value());
      else if (a == "--hold-pings") s.memory_hold_pings = true;
      else if (a == "--ping-interval") s.ping_interval = std::stod(value());
      else if (a == "--latency-samples") s.latency_samples = std::stoul(value());
      else if (a == "--latency-warmup") s.latency_warmup = std::stoul(value());
      else if (a == "--latency-idle") s.latency_idle = std::stoul(value());
      else if (a == "--throughput-clients") s.throughput_clients = std::stoul(value());
      else if (a == "--throughput-seconds") s.throughput_seconds = std::stod(value());
      else if (a == "--burst-receivers") s.burst_receivers = parse_list(value());
      else if (a == "--burst-sizes") s.burst_sizes = parse_list(value());
      else if (a == "--burst-messages") s.burst_messages = std::stoul(value());
      else if (a == "--slow-receivers") s.slow_receivers = std::stoul(value());
      else if (a == "--slow-messages") s.slow_messages = std::stoul(value());
      else if (a == "--soak-seconds") s.soak_seconds = std::stod(value());
      else if (a == "--soak-clients") s.soak_clients = std::stoul(value());
      else if (a == "--soak-churn") s.soak_churn = std::stoul(value());
      else if (a == "--burst-target") s.burst_target = std::stoul(value());
      else if (a == "--bcast-latency-receivers") s.bcast_latency_receivers = std::stoul(value());
      else if (a == "--bcast-latency-samples") s.bcast_latency_samples = std::stoul(value());
      else if (a == "--echo-size") s.echo_size = std::stoul(value());
      else if (a == "--timeout") s.timeout = std::stod(value());
      else if (a == "--marks") s.marks = true;
      else if (a == "--tls") s.tls = true;
      else return usage();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sio_bench_load: %s\n", e.what());
    return usage();
  }
  if (s.ports.empty() || s.ports.size() != s.server_pids.size() || s.scenarios.empty()) return usage();
  for (std::size_t i = 0; i < s.ports.size(); ++i)
    if (s.ports[i] == 0 || s.server_pids[i] <= 0) return usage();
  if (s.source_addresses < 1 || s.source_addresses > 250) return usage();
#ifndef SIO_BENCH_TLS
  if (s.tls) {
    std::fprintf(stderr, "sio_bench_load: --tls: built without TLS (OpenSSL was not found when it was configured)\n");
    return 2;
  }
#endif
  // Broken connections show up as errors on the socket, not as a signal that ends the run.
  std::signal(SIGPIPE, SIG_IGN);
  Bench bench(s);
  return bench.run();
}
