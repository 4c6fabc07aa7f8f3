// The state of the websocketpp transport, shared by the plain (transport_websocketpp.cpp) and the
// TLS (transport_websocketpp_tls.cpp) transports: everything between websocketpp's endpoint and
// sio's Handler, templated over websocketpp's configuration, whose transport policy
// (wspp_transport.hpp) is in turn templated over the stream. Included only by those two files,
// which websocketpp confines to C++17.
//
// websocketpp 0.8.2 against Debian's Asio 1.22 (libwebsocketpp-dev 0.8.2-4, libasio-dev 1.22.1):
// - websocketpp's core (`websocketpp/config/core.hpp`, server, connection, HTTP parser, frames)
//   builds as-is as C++17, with no warning under -Wall -Wextra, and uses no Asio. Its network
//   side is our own transport policy (wspp_transport.hpp), not websocketpp's Asio transport:
//   that one costs about 2.4 KiB per connection, and Debian's copy still uses Asio's deprecated
//   names (`io_service`, `io_service::strand`, ...), which an Asio built with ASIO_NO_DEPRECATED
//   or a later release lacks. This code compiles with ASIO_NO_DEPRECATED too.
// - As C++20 it fails (`logger/basic.hpp`: template-id constructors), hence CMake compiles the
//   files that include this one with -std=c++17 whatever the application uses.
//
// How websocketpp 0.8.2 behaves where this transport relies on it (read in its sources):
// - `connection::send(message_ptr)` of a message flagged prepared queues that very message, with
//   no copy and no validation; `dispatch()` posts the write (it never runs it inline), so every
//   frame queued in one handler goes out in one gathered write. A broadcast therefore prepares one
//   message (header + payload) and queues the same pointer on every connection.
// - The request parser refuses a `Content-Length` above `max_http_body_size` with 413 before
//   reading the body. It does not decode chunked bodies at all (the request is seen with an empty
//   body), so chunked requests are refused here with 411.
// - While an HTTP response is deferred nothing reads the socket, so websocketpp cannot see the
//   client leave. This transport waits for the socket to turn readable itself: end of stream or an
//   error means the client went away (Handler::on_http_aborted); bytes the client sends meanwhile
//   (a pipelined request, which this one-request-per-connection server ignores anyway) are
//   discarded. A client that only half-closes its side is taken as gone too. Over TLS the wait is
//   on the TCP socket as well: what arrives is TLS records (a close_notify, usually), discarded
//   unread, which leaves the connection fit for writing the response and nothing else, as it is.
// - The read buffer is an array inside each connection sized by a compile-time constant, so the
//   transport is instantiated for a few sizes and picks one at run time.
// - Loggers are the stub (nothing is printed), yet websocketpp still formats a few result lines
//   per connection: a CPU cost this transport cannot remove.

#pragma once

#include <algorithm>
#include <asio.hpp>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include <websocketpp/concurrency/none.hpp>
#include <websocketpp/config/core.hpp>
#include <websocketpp/logger/stub.hpp>
#include <websocketpp/server.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include "sio/error.hpp"
#include "sio/transport/mount_table.hpp"
#include "sio/transport/websocketpp.hpp"
#include "wspp_transport.hpp"

namespace sio::transport {

/// The interface of the transport's state, implemented once per read buffer size and stream.
class websocketpp::impl {
 public:
  virtual ~impl() = default;
  virtual void mount(std::string path, Handler& handler, MountOptions options) = 0;
  virtual void unmount(const std::string& path) = 0;
  virtual void set_http_callback(HttpCallback cb) = 0;
  virtual std::error_code listen(std::uint16_t port, const std::string& address) = 0;
  virtual std::uint16_t local_port() const noexcept = 0;
  virtual void stop_listening() = 0;
  virtual void close() = 0;
  /// The public object is going away: no handler may be called any more.
  virtual void detach() = 0;
  /// See websocketpp::set_router(); `self` is the public object.
  virtual void set_router(websocketpp* self, Router router) = 0;
  /// See websocketpp::adopt(); on the I/O thread.
  virtual void adopt(int native_socket, std::string already_read) = 0;
};

namespace wspp_detail {

namespace ws = ::websocketpp;

/// Largest body accepted for the application's HTTP callback.
inline constexpr std::size_t app_body_limit = 1'000'000;

class StateBase;

/// What the connection data needs of an accepted WebSocket, whatever the read buffer size.
class SocketBase : public WsConnection {
 public:
  bool opened_ = false;            ///< on_ws_open was called: on_ws_close is owed.
  bool closed_ = false;            ///< The connection is gone (or going): nothing more is sent.
  bool closed_by_server_ = false;  ///< The closing handshake was started by this side on purpose.
};

/// What this transport attaches to each websocketpp connection (websocketpp's `connection_base`
/// hook), so that no map from connection to state is needed.
struct ConnectionData {
  enum class Phase : std::uint8_t {
    routing,       ///< Accepted; the router reads the request's first line to choose its transport.
    reading,       ///< Accepted; the request is not parsed yet.
    http_pending,  ///< An HTTP exchange waits for its response.
    http_done,     ///< The HTTP response is written or being written.
    websocket,     ///< Accepted as a WebSocket (opening, open or closing).
  };

  ConnectionData() = default;
  ConnectionData(const ConnectionData&) = delete;
  ConnectionData& operator=(const ConnectionData&) = delete;
  ~ConnectionData();

  /// Keeps the transport's state, and so the websocketpp endpoint, alive while the connection
  /// exists: websocketpp's handlers point at both.
  std::shared_ptr<StateBase> state;
  ConnectionData* prev = nullptr;  ///< The state's list of live connections (for close()).
  ConnectionData* next = nullptr;
  std::shared_ptr<HttpExchange> exchange;  ///< Set once an HTTP request is handed out.
  std::shared_ptr<SocketBase> socket;      ///< Set from a successful validation until the close.
  Phase phase = Phase::reading;
};

/// The part of the state that does not depend on the read buffer size: the connection list.
class StateBase : public std::enable_shared_from_this<StateBase> {
 public:
  virtual ~StateBase() = default;

  void link(ConnectionData& d) noexcept {
    d.next = head_;
    if (head_) head_->prev = &d;
    head_ = &d;
  }
  void unlink(ConnectionData& d) noexcept {
    if (d.prev)
      d.prev->next = d.next;
    else if (head_ == &d)
      head_ = d.next;
    if (d.next) d.next->prev = d.prev;
    d.prev = d.next = nullptr;
  }

 protected:
  ConnectionData* head_ = nullptr;
};

inline ConnectionData::~ConnectionData() {
  if (state) state->unlink(*this);
  // The handler may keep the socket longer than websocketpp keeps the connection.
  if (socket) socket->closed_ = true;
}

/// websocketpp configuration: one thread, no logging, a small read buffer, our connection data,
/// and our own TCP transport (src/wspp_transport.hpp) over `Stream` (plain or TLS) instead of
/// websocketpp's Asio one, whose per-connection overhead would be most of an idle client's memory.
template <std::size_t ReadBuffer, class Stream>
struct Config : ws::config::core {
  using type = Config;
  using base = ws::config::core;

  using concurrency_type = ws::concurrency::none;
  using alog_type = ws::log::stub;
  using elog_type = ws::log::stub;

  using transport_type = TcpEndpoint<Stream>;
  using connection_base = ConnectionData;

  static constexpr bool enable_multithreading = false;
  static constexpr std::size_t connection_read_buffer_size = ReadBuffer;
  static constexpr ws::log::level elog_level = ws::log::elevel::none;
  static constexpr ws::log::level alog_level = ws::log::alevel::none;
};

// The message type does not depend on the buffer size: a prepared frame serves every instance.
using message_type = ws::config::core::message_type;
using message_ptr = message_type::ptr;

/// websocketpp's message for a frame, built once and cached in the frame for other receivers.
///
/// Server frames are never masked and this server negotiates no compression, so the wire form is
/// the same for every connection. The frame header is built here rather than by a connection's
/// `prepare_data_frame`, which would copy the payload twice and re-validate UTF-8 that the
/// encoder already produced.
inline message_ptr prepared_message(const engineio::FrameData& frame) {
  if (!frame.prepared) {
    const auto op = frame.binary ? ws::frame::opcode::binary : ws::frame::opcode::text;
    auto msg = std::make_shared<message_type>(message_type::con_msg_man_ptr(), op, 0);
    msg->set_payload(frame.bytes);
    const ws::frame::basic_header header(op, frame.bytes.size(), true, false);
    const ws::frame::extended_header extended(frame.bytes.size());
    msg->set_header(ws::frame::prepare_header(header, extended));
    msg->set_prepared(true);
    frame.prepared = std::move(msg);
  }
  // Only this transport fills `prepared`, always with a message_type.
  return std::static_pointer_cast<message_type>(frame.prepared);
}

/// Splits a request target into path and query; an absolute-form target loses its authority.
inline void split_target(std::string_view target, std::string& path, std::string& query) {
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
    const auto authority = target.find("//") + 2;
    const auto slash = target.find_first_of("/?", authority);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  const auto q = target.find('?');
  path.assign(target.substr(0, q));
  if (path.empty()) path = "/";
  if (q != std::string_view::npos) query.assign(target.substr(q + 1));
}

/// A pending HTTP request of one websocketpp connection.
template <class Cfg>
class Exchange final : public HttpExchange {
 public:
  using connection_type = ws::connection<Cfg>;

  Exchange(HttpRequest request, const std::shared_ptr<connection_type>& con,
           std::shared_ptr<Mount> mount)
      : request_(std::move(request)), con_(con), mount_(std::move(mount)) {}

  const HttpRequest& request() const noexcept override { return request_; }
  void respond(int status, std::string body, Headers headers) override;
  bool open() const noexcept override { return open_; }

  /// Marks the exchange answered or abandoned; true if it was still open.
  bool finish() noexcept { return std::exchange(open_, false); }
  Handler* handler() const noexcept { return mount_ ? mount_->handler : nullptr; }
  const std::shared_ptr<Mount>& mount() const noexcept { return mount_; }

 private:
  HttpRequest request_;
  std::weak_ptr<connection_type> con_;
  std::shared_ptr<Mount> mount_;  // null for the application's callback
  bool open_ = true;
};

/// An accepted WebSocket.
template <class Cfg>
class Socket final : public SocketBase {
 public:
  using connection_type = ws::connection<Cfg>;

  Socket(HttpRequest request, const std::shared_ptr<connection_type>& con,
         std::shared_ptr<Mount> mount)
      : request_(std::make_unique<HttpRequest>(std::move(request))),
        con_(con),
        raw_(con.get()),
        mount_(std::move(mount)) {}

  /// The opening request, handed over once to the handler's on_ws_open.
  HttpRequest take_request() {
    HttpRequest r = request_ ? std::move(*request_) : HttpRequest{};
    request_.reset();
    return r;
  }

  void send(const engineio::Frame& frame) override {
    // Until closed_ is set (by the close handler, or by the connection's destruction) the
    // connection exists: no need to lock the weak pointer, and so no touch of its control block
    // on every delivery of a broadcast.
    if (closed_ || !frame) return;
    // Fails only once the connection is no longer open, when frames are dropped anyway.
    (void)raw_->send(prepared_message(*frame));
  }

  void close(CloseCode code, std::string_view reason) override {
    if (closed_) return;
    auto con = con_.lock();
    if (!con) return;
    closed_by_server_ = true;
    std::error_code ec;
    con->close(static_cast<ws::close::status::value>(code), std::string(reason), ec);
    // invalid_state: already closing. Anything else leaves no way to close cleanly; terminate()
    // runs the close handler at once, and the handler must not hear of it inside its own call.
    if (ec && ec != ws::error::make_error_code(ws::error::invalid_state))
      asio::post(con->get_raw_socket().get_executor(), [con, ec] { con->terminate(ec); });
  }

  std::size_t buffered_amount() const noexcept override {
    return closed_ ? 0 : raw_->get_buffered_amount();
  }

  Handler* handler() const noexcept { return mount_->handler; }
  const std::shared_ptr<Mount>& mount() const noexcept { return mount_; }

 private:
  std::unique_ptr<HttpRequest> request_;  // from validation until the open
  std::weak_ptr<connection_type> con_;
  connection_type* raw_;  // valid while !closed_
  std::shared_ptr<Mount> mount_;
};

/// True for a header that can be written as is: websocketpp writes names and values verbatim, so
/// a value holding a line break (an echoed request header, say) would split the response.
inline bool writable_header(const Header& h) noexcept {
  if (h.first.empty()) return false;
  for (const char c : h.first) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 32 || u >= 127 || std::strchr("()<>@,;:\\\"/[]?={}", c)) return false;
  }
  for (const char c : h.second)
    if (c == '\r' || c == '\n' || c == '\0') return false;
  return true;
}

/// Sets a response on a connection that has not answered yet. False if websocketpp refused
/// (the connection is past the point of answering).
///
/// Defaults, which the handler's headers replace: `Connection: close` (websocketpp serves one
/// request per connection) and a Content-Type guessed for bodies the handler did not label
/// (JSON for Engine.IO's error objects, plain text otherwise). Content-Length is always the
/// body's size. Headers that cannot be written safely are left out.
template <class Connection>
bool set_response(Connection& con, int status, std::string body, const Headers& headers) {
  // websocketpp's status enum only covers codes up to 511.
  if (status < 100 || status > 511) status = 500;
  try {
    con.set_status(static_cast<ws::http::status_code::value>(status));
    con.replace_header("Connection", "close");
    if (!body.empty() && (body.front() == '{' || body.front() == '['))
      con.replace_header("Content-Type", "application/json");
    else if (!body.empty())
      con.replace_header("Content-Type", "text/plain; charset=UTF-8");
    for (std::size_t i = 0; i < headers.size(); ++i) {
      if (!writable_header(headers[i])) continue;
      bool repeated = false;
      for (std::size_t j = 0; j < i && !repeated; ++j)
        repeated = iequals(headers[j].first, headers[i].first);
      if (repeated)
        con.append_header(headers[i].first, headers[i].second);
      else
        con.replace_header(headers[i].first, headers[i].second);
    }
    con.replace_header("Content-Length", std::to_string(body.size()));
    // websocketpp's set_body copies its argument; the response object is not const, only the
    // accessor is, so the body is moved in instead (polling responses can be large).
    const_cast<std::string&>(con.get_response().get_body()) = std::move(body);
    return true;
  } catch (...) {
    return false;
  }
}

template <class Cfg>
void Exchange<Cfg>::respond(int status, std::string body, Headers headers) {
  if (!finish()) return;
  auto con = con_.lock();
  if (!con) return;
  static_cast<ConnectionData&>(*con).phase = ConnectionData::Phase::http_done;
  std::error_code ec;
  if (!set_response(*con, status, std::move(body), headers) &&
      !set_response(*con, 500, std::string(), Headers{})) {
    con->terminate(ws::error::make_error_code(ws::error::general));
    return;
  }
  con->send_http_response(ec);
  if (ec) con->terminate(ec);
}

/// The transport's state over websocketpp configured by `Cfg`: the endpoint, the mounts, the
/// connections. The same code serves plain and TLS connections; only Cfg's stream differs.
template <class Cfg>
class State final : public websocketpp::impl, public StateBase {
 public:
  using config = Cfg;
  using server_type = ws::server<config>;
  using connection_type = typename server_type::connection_type;
  using connection_ptr = typename server_type::connection_ptr;
  using transport_connection = typename config::transport_type::transport_con_type;
  using stream_settings = typename transport_connection::stream_settings;
  using ExchangeT = Exchange<Cfg>;
  using SocketT = Socket<Cfg>;

  State(asio::io_context& ioc, const WebsocketppOptions& options, stream_settings settings)
      : ioc_(ioc), options_(options), accept_retry_(ioc) {
    std::error_code ec;
    server_.init_asio(&ioc_, ec);           // fails only when called twice
    server_.set_stream_settings(std::move(settings));
    server_.set_user_agent(std::string());  // no Server header
    server_.set_max_http_body_size(app_body_limit);
    // websocketpp's open-handshake deadline is the headers' one; the policy moves it to the
    // whole request's once the headers are in (wspp_transport.hpp).
    server_.set_open_handshake_timeout(static_cast<long>(options_.header_timeout.count()));
    server_.set_request_limits(RequestLimits{options_.header_timeout, options_.request_timeout});
    server_.set_http_handler([this](ws::connection_hdl h) { on_http(h); });
    server_.set_validate_handler([this](ws::connection_hdl h) { return on_validate(h); });
    server_.set_open_handler([this](ws::connection_hdl h) { on_open(h); });
    server_.set_message_handler(
        [this](ws::connection_hdl h, message_ptr msg) { on_message(h, std::move(msg)); });
    server_.set_close_handler([this](ws::connection_hdl h) { on_close(h); });
    server_.set_fail_handler([this](ws::connection_hdl h) { on_fail(h); });
  }

  ~State() override = default;

  void mount(std::string path, Handler& handler, MountOptions options) override {
    unmount(path);
    mounts_.mount(std::move(path), handler, options);
    update_body_limit();
  }

  // Connections keep their mount's entry, so the null handler reaches the ones already open.
  void unmount(const std::string& path) override {
    const std::shared_ptr<Mount> m = mounts_.unmount(path);
    if (!m) return;
    update_body_limit();
    close_connections(m.get(), false);
  }

  void set_http_callback(HttpCallback cb) override {
    http_callback_ = cb ? std::make_shared<const HttpCallback>(std::move(cb)) : nullptr;
  }

  std::error_code listen(std::uint16_t port, const std::string& address) override {
    if (closed_) return make_error_code(std::errc::operation_not_permitted);
    if (server_.is_listening()) return make_error_code(std::errc::already_connected);
    std::error_code ec;
    const auto addr = asio::ip::make_address(address, ec);
    if (ec) return ec;
    server_.set_reuse_addr(options_.reuse_address);
    server_.set_reuse_port(options_.reuse_port);
    server_.set_listen_backlog(options_.listen_backlog);
    server_.listen(asio::ip::tcp::endpoint(addr, port), ec);
    if (ec) return ec;
    const auto local = server_.get_local_endpoint(ec);
    if (ec) {
      std::error_code ignored;
      server_.stop_listening(ignored);
      return ec;
    }
    port_ = local.port();
    start_accept();
    return {};
  }

  std::uint16_t local_port() const noexcept override { return port_; }

  void stop_listening() override {
    accept_retry_.cancel();
    if (!server_.is_listening()) return;
    std::error_code ignored;
    server_.stop_listening(ignored);
  }

  void close() override {
    stop_listening();
    closed_ = true;
    close_connections(nullptr, true);
  }

  void detach() override {
    mounts_.clear();
    http_callback_.reset();
    stop_listening();
    closed_ = true;
    close_connections(nullptr, false);
  }

 private:
  std::shared_ptr<State> self() { return std::static_pointer_cast<State>(shared_from_this()); }

  static connection_ptr connection(const ws::connection_hdl& h) {
    return std::static_pointer_cast<connection_type>(h.lock());
  }
  static ConnectionData& data(connection_type& con) { return con; }

  void update_body_limit() {
    body_limit_ = mounts_.largest_max_payload(app_body_limit);
    server_.set_max_http_body_size(body_limit_);
  }

  // --- accepting -------------------------------------------------------------------------------

  void start_accept() {
    if (!server_.is_listening()) return;
    connection_ptr con = server_.get_connection();
    if (!con) return retry_accept();
    ConnectionData& d = data(*con);
    d.state = shared_from_this();
    link(d);
    std::error_code ec;
    server_.async_accept(
        con, [self = self(), con](const std::error_code& e) { self->on_accept(con, e); }, ec);
    if (ec) retry_accept();
  }

  void on_accept(const connection_ptr& con, const std::error_code& ec) {
    if (ec) {
      // Cancellation means stop_listening(); other errors (EMFILE, ...) would repeat at once,
      // so the next accept waits a little.
      if (ec != ws::error::make_error_code(ws::error::operation_canceled)) retry_accept();
      return;
    }
    std::error_code ignored;
    con->get_raw_socket().set_option(asio::ip::tcp::no_delay(true), ignored);
    if (router_)
      route(con);
    else
      start_connection(con, {});
    start_accept();
  }

  // One connection ends up owning the pending accept: give it the current limits.
  void start_connection(const connection_ptr& con, std::string already_read) {
    data(*con).phase = ConnectionData::Phase::reading;
    con->set_max_http_body_size(body_limit_);
    con->set_already_read(std::move(already_read));
    con->start();
  }

  // --- routing (see websocketpp::set_router) ----------------------------------------------------

  /// Most bytes read to find the end of a request's first line; a longer line is served here.
  static constexpr std::size_t max_route_head = 8192;

  /// A connection whose first line is being read, and the deadline for it.
  struct Head {
    Head(connection_ptr c, asio::io_context& ioc) : con(std::move(c)), deadline(ioc) {}
    connection_ptr con;
    std::string bytes;
    asio::steady_timer deadline;
    char buf[1024];
  };

  void route(const connection_ptr& con) {
    data(*con).phase = ConnectionData::Phase::routing;
    auto head = std::make_shared<Head>(con, ioc_);
    // A client that has not sent its first line within header_timeout is let go, as websocketpp
    // lets go of one that has not sent its headers: closing its socket ends the read.
    head->deadline.expires_after(options_.header_timeout);
    head->deadline.async_wait([head](const std::error_code& ec) {
      if (ec) return;
      std::error_code ignored;
      head->con->get_raw_socket().close(ignored);
    });
    read_head(head);
  }

  void read_head(const std::shared_ptr<Head>& head) {
    head->con->get_raw_socket().async_read_some(
        asio::buffer(head->buf), [self = self(), head](const std::error_code& ec, std::size_t n) {
          head->bytes.append(head->buf, n);
          const std::size_t eol = head->bytes.find("\r\n");
          if (!ec && eol == std::string::npos && head->bytes.size() < max_route_head) return self->read_head(head);
          head->deadline.cancel();
          // Gone (or closed by the deadline, or by close()) before its first line: nothing to serve.
          if (ec || !head->con->get_raw_socket().is_open()) return;
          self->hand_over(head->con, std::move(head->bytes), eol);
        });
  }

  void hand_over(const connection_ptr& con, std::string bytes, std::size_t eol) {
    websocketpp* target = nullptr;
    if (eol != std::string::npos && !closed_) target = router_(std::string_view(bytes).substr(0, eol));
    if (!target || target == self_public_) return start_connection(con, std::move(bytes));
    // The socket leaves this io_context; the connection that read it goes unstarted.
    std::error_code ec;
    const int fd = con->get_raw_socket().release(ec);
    if (ec) return;
    target->adopt(fd, std::move(bytes));
  }

 public:
  void set_router(websocketpp* self, websocketpp::Router router) override {
    if (transport_connection::is_secure_stream)
      throw std::logic_error("sio::transport::websocketpp_tls: a router needs the request, which TLS hides until "
                             "its handshake; route in front of the servers instead");
    self_public_ = self;
    router_ = std::move(router);
  }

  void adopt(int native_socket, std::string already_read) override {
    connection_ptr con = closed_ ? nullptr : server_.get_connection();
    std::error_code ec;
    if (con) {
      ConnectionData& d = data(*con);
      d.state = shared_from_this();
      link(d);
      sockaddr_storage local{};
      socklen_t size = sizeof local;
      const bool v6 = ::getsockname(native_socket, reinterpret_cast<sockaddr*>(&local), &size) == 0 &&
                      local.ss_family == AF_INET6;
      auto& socket = con->get_raw_socket();
      socket.assign(v6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), native_socket, ec);
      if (!ec) {
        socket.non_blocking(true, ec);
        std::error_code ignored;
        socket.set_option(asio::ip::tcp::no_delay(true), ignored);
        // TLS records cannot be handed to the TLS stream after the fact.
        if (!ec && (already_read.empty() || !transport_connection::is_secure_stream))
          return start_connection(con, std::move(already_read));
      }
    }
    if (!con || ec) ::close(native_socket);
    // else: the socket is the connection's, which closes it as it goes.
  }

 private:

  void retry_accept() {
    if (!server_.is_listening()) return;
    accept_retry_.expires_after(std::chrono::milliseconds(100));
    accept_retry_.async_wait([self = self()](const std::error_code& ec) {
      if (!ec) self->start_accept();
    });
  }

  // --- requests --------------------------------------------------------------------------------

  HttpRequest make_request(connection_type& con, bool take_body) {
    const auto& r = con.get_request();
    HttpRequest req;
    req.method = r.get_method();
    split_target(r.get_uri(), req.path, req.query);
    const auto& headers = r.get_headers();
    req.headers.reserve(headers.size());
    for (const auto& h : headers) req.headers.emplace_back(h.first, h.second);
    // The parser is done with the body; its accessor is const but the object is not.
    if (take_body) req.body = std::move(const_cast<std::string&>(r.get_body()));
    std::error_code ec;
    const auto peer = con.get_raw_socket().remote_endpoint(ec);
    if (!ec) {
      auto a = peer.address();
      if (a.is_v6() && a.to_v6().is_v4_mapped())
        a = asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
      req.remote_address = a.to_string();
    }
    return req;
  }

  void on_http(ws::connection_hdl h) {
    connection_ptr con = connection(h);
    if (!con) return;
    ConnectionData& d = data(*con);
    d.phase = ConnectionData::Phase::http_done;
    HttpRequest req = make_request(*con, true);

    // Answers now: websocketpp writes the response when this handler returns.
    auto reply = [&](int status, const char* body) {
      if (!set_response(*con, status, body, Headers{}))
        con->terminate(ws::error::make_error_code(ws::error::general));
    };
    if (closed_) return reply(503, "Service Unavailable");
    if (!req.header("Transfer-Encoding").empty()) return reply(411, "Length Required");

    std::shared_ptr<Mount> mount = mounts_.find(req.path);
    auto callback = mount ? nullptr : http_callback_;
    if (!mount && !callback) return reply(404, "Not Found");
    const std::size_t limit = mount ? mount->options.max_payload : app_body_limit;
    if (req.body.size() > limit) return reply(413, "Payload Too Large");

    // Deferred even when the handler answers at once, so both cases take the same path.
    con->defer_http_response();
    auto ex = std::make_shared<ExchangeT>(std::move(req), con, std::move(mount));
    d.exchange = ex;
    d.phase = ConnectionData::Phase::http_pending;
    if (ex->mount())
      ex->handler()->on_http(ex);
    else
      (*callback)(ex);
    if (ex->open()) watch(con);
  }

  /// Waits for the client of a deferred response to go away (see the top of this file).
  void watch(const connection_ptr& con) {
    con->get_raw_socket().async_wait(
        asio::socket_base::wait_read,
        [this, con](const std::error_code& ec) { on_readable(con, ec); });
  }

  void on_readable(const connection_ptr& con, const std::error_code& ec) {
    ConnectionData& d = data(*con);
    auto ex = std::static_pointer_cast<ExchangeT>(d.exchange);
    if (!ex || !ex->open()) return;
    if (!ec) {
      auto& socket = con->get_raw_socket();
      std::error_code aec;
      std::size_t available = socket.available(aec);
      if (!aec && available > 0) {
        char discard[256];
        while (!aec && available > 0) {
          const std::size_t n =
              socket.receive(asio::buffer(discard, std::min(available, sizeof discard)), 0, aec);
          available -= std::min(n, available);
        }
        if (!aec) return watch(con);
      }
    }
    abort_exchange(*con, *ex, true);
    con->terminate(make_error_code(std::errc::connection_aborted));
  }

  void abort_exchange(connection_type& con, ExchangeT& ex, bool notify) {
    if (!ex.finish()) return;
    data(con).phase = ConnectionData::Phase::http_done;
    Handler* handler = ex.handler();
    if (notify && handler) handler->on_http_aborted(ex);
  }

  // --- WebSocket -------------------------------------------------------------------------------

  bool on_validate(ws::connection_hdl h) {
    connection_ptr con = connection(h);
    if (!con) return false;
    auto reject = [&](int status, std::string body, Headers headers = {}) {
      // On failure websocketpp answers 400 itself.
      set_response(*con, status, std::move(body), headers);
      return false;
    };
    if (closed_) return reject(503, "Service Unavailable");
    // Draft hixie-76 (no version header) frames data differently from the prepared frames.
    if (con->get_request().get_header("Sec-WebSocket-Version").empty())
      return reject(426, "Upgrade Required", Headers{{"Sec-WebSocket-Version", "13"}});

    HttpRequest req = make_request(*con, false);
    std::shared_ptr<Mount> mount = mounts_.find(req.path);
    if (!mount) return reject(404, "Not Found");
    std::string body;
    const int status = mount->handler->on_ws_validate(req, body);
    if (status != 0) return reject(status, std::move(body));
    if (closed_ || !mount->handler) return reject(503, "Service Unavailable");

    con->set_max_message_size(mount->options.max_payload);
    ConnectionData& d = data(*con);
    d.socket = std::make_shared<SocketT>(std::move(req), con, std::move(mount));
    d.phase = ConnectionData::Phase::websocket;
    return true;
  }

  void on_open(ws::connection_hdl h) {
    connection_ptr con = connection(h);
    if (!con) return;
    auto socket = std::static_pointer_cast<SocketT>(data(*con).socket);
    if (!socket) return;
    Handler* handler = socket->handler();
    if (closed_ || !handler) return socket->close(CloseCode::going_away, {});
    socket->opened_ = true;
    release_handshake(*con);
    con->set_drain_hook(&State::on_drained);
    handler->on_ws_open(socket, socket->take_request());
  }

  /// A write of `tcp`'s connection completed and no other is pending: when websocketpp holds
  /// nothing more for it either, the handler hears that the WebSocket drained.
  static void on_drained(transport_connection& tcp) {
    auto& con = static_cast<connection_type&>(tcp);
    if (con.get_buffered_amount() != 0) return;
    ConnectionData& d = data(con);
    if (d.phase != ConnectionData::Phase::websocket || !d.socket) return;
    auto* socket = static_cast<SocketT*>(d.socket.get());
    if (!socket->opened_ || socket->closed_) return;
    if (Handler* handler = socket->handler()) handler->on_ws_drain(*socket);
  }

  /// Frees what websocketpp keeps of the handshake once the connection is open: the parsed
  /// request and response (header maps, strings) and the URI. websocketpp reads none of them
  /// after the opening handshake, and the handler got its own copy of the request. An open
  /// connection is otherwise idle memory for hours; this is over a kilobyte of it.
  void release_handshake(connection_type& con) {
    // The accessors are const; the objects are plain members of the connection.
    const_cast<typename connection_type::request_type&>(con.get_request()) = {};
    const_cast<typename connection_type::response_type&>(con.get_response()) = {};
    con.set_uri(empty_uri_);
  }

  void on_message(ws::connection_hdl h, message_ptr msg) {
    connection_ptr con = connection(h);
    if (!con || !msg) return;
    auto socket = std::static_pointer_cast<SocketT>(data(*con).socket);
    if (!socket || !socket->opened_) return;
    Handler* handler = socket->handler();
    if (!handler) return;
    const std::string& payload = msg->get_payload();
    handler->on_ws_message(*socket, payload, msg->get_opcode() == ws::frame::opcode::binary);
  }

  void on_close(ws::connection_hdl h) {
    connection_ptr con = connection(h);
    if (!con) return;
    auto socket = std::static_pointer_cast<SocketT>(std::move(data(*con).socket));
    if (!socket) return;
    socket->closed_ = true;
    Handler* handler = socket->handler();
    if (socket->opened_ && handler) handler->on_ws_close(*socket, close_error(*con, *socket));
  }

  void on_fail(ws::connection_hdl h) {
    // A WebSocket that failed before opening (or an HTTP connection): nobody was told about it.
    if (connection_ptr con = connection(h)) data(*con).socket.reset();
  }

  /// Why a WebSocket closed: empty after a closing handshake, the failure otherwise.
  static std::error_code close_error(connection_type& con, const SocketT& socket) {
    if (std::error_code ec = con.get_ec()) return ec;
    // websocketpp closes on a protocol error with a code of its choice and drops the TCP
    // connection without waiting for the peer's close frame (the remote code stays 1006).
    if (socket.closed_by_server_ ||
        con.get_remote_close_code() != ws::close::status::abnormal_close)
      return {};
    switch (con.get_local_close_code()) {
      case ws::close::status::message_too_big:
        return sio::error::payload_too_large;
      case ws::close::status::invalid_payload:
        return sio::error::invalid_utf8;
      case ws::close::status::normal:
      case ws::close::status::going_away:
        return {};
      default:
        return sio::error::invalid_packet;
    }
  }

  // --- closing ---------------------------------------------------------------------------------

  /// Closes the connections of `mount` (all of them when null); `notify` lets handlers know.
  void close_connections(const Mount* mount, bool notify) {
    std::vector<connection_ptr> cons;
    for (ConnectionData* d = head_; d; d = d->next) {
      connection_type* con = static_cast<connection_type*>(d);
      if (auto locked = connection(con->get_handle())) cons.push_back(std::move(locked));
    }
    for (const auto& con : cons) {
      ConnectionData& d = data(*con);
      switch (d.phase) {
        case ConnectionData::Phase::routing: {
          std::error_code ignored;
          con->get_raw_socket().close(ignored);  // the read of its first line ends
          break;
        }
        case ConnectionData::Phase::reading:
          if (!mount && con->get_raw_socket().is_open() &&
              con->get_state() == ws::session::state::connecting)
            con->terminate(ws::error::make_error_code(ws::error::operation_canceled));
          break;
        case ConnectionData::Phase::http_pending: {
          auto ex = std::static_pointer_cast<ExchangeT>(d.exchange);
          if (!ex || (mount && ex->mount().get() != mount) || !ex->open()) break;
          abort_exchange(*con, *ex, notify);
          std::error_code ec;
          if (set_response(*con, 503, "Service Unavailable", Headers{}))
            con->send_http_response(ec);
          else
            ec = ws::error::make_error_code(ws::error::general);
          if (ec) con->terminate(ec);
          break;
        }
        case ConnectionData::Phase::http_done:
          break;
        case ConnectionData::Phase::websocket: {
          auto socket = std::static_pointer_cast<SocketT>(d.socket);
          if (!socket || (mount && socket->mount().get() != mount)) break;
          // Not open yet: on_open sees closed_ (or the null handler) and closes it.
          if (con->get_state() == ws::session::state::open)
            socket->close(CloseCode::going_away, {});
          break;
        }
      }
    }
  }

  asio::io_context& ioc_;
  WebsocketppOptions options_;
  server_type server_;
  asio::steady_timer accept_retry_;
  MountTable mounts_;
  std::shared_ptr<const HttpCallback> http_callback_;
  std::size_t body_limit_ = app_body_limit;
  std::uint16_t port_ = 0;
  bool closed_ = false;
  websocketpp::Router router_;           // see websocketpp::set_router()
  websocketpp* self_public_ = nullptr;  // the public object, which the router names for "here"
  // Shared by every open connection in place of its own parsed URI (see release_handshake).
  std::shared_ptr<ws::uri> empty_uri_ = std::make_shared<ws::uri>(std::string());
};

/// A Timer on an asio::steady_timer. The pending wait shares the core, so the Timer may be
/// destroyed (even by its own callback) while a completion is queued; a generation number makes
/// completions of replaced or cancelled armings do nothing.
class SteadyTimer final : public Timer {
 public:
  SteadyTimer(asio::io_context& ioc, std::function<void()> fn)
      : core_(std::make_shared<Core>(ioc, std::move(fn))) {}
  ~SteadyTimer() override { cancel(); }

  void expires_at(TimePoint when) override {
    const std::uint64_t armed = ++core_->armed;
    core_->timer.expires_at(when);
    core_->timer.async_wait([core = core_, armed](const std::error_code& ec) {
      if (!ec && core->armed == armed) core->fn();
    });
  }

  void cancel() override {
    ++core_->armed;
    core_->timer.cancel();
  }

 private:
  struct Core {
    Core(asio::io_context& ioc, std::function<void()> f) : timer(ioc), fn(std::move(f)) {}
    asio::steady_timer timer;
    std::function<void()> fn;
    std::uint64_t armed = 0;
  };
  std::shared_ptr<Core> core_;
};

/// The state for `options` over `Stream`, whose connections get `settings`; `name` is the
/// transport's, for the message of the std::invalid_argument thrown for a bad read_buffer_size.
template <class Stream>
std::shared_ptr<websocketpp::impl> make_state(asio::io_context& ioc, const WebsocketppOptions& options,
                                              const typename Stream::Settings& settings,
                                              const char* name) {
  const std::size_t size = options.read_buffer_size;
  if (size == 0 || size > 65536)
    throw std::invalid_argument(std::string(name) + ": read_buffer_size must be 1..65536");
  if (options.header_timeout.count() <= 0 || options.request_timeout < options.header_timeout)
    throw std::invalid_argument(std::string(name) +
                                ": header_timeout must be positive and request_timeout at least as long");
  if (size <= 1024) return std::make_shared<State<Config<1024, Stream>>>(ioc, options, settings);
  if (size <= 4096) return std::make_shared<State<Config<4096, Stream>>>(ioc, options, settings);
  if (size <= 16384) return std::make_shared<State<Config<16384, Stream>>>(ioc, options, settings);
  return std::make_shared<State<Config<65536, Stream>>>(ioc, options, settings);
}

}  // namespace wspp_detail

}  // namespace sio::transport
