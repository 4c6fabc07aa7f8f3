// The transport policy that sio gives websocketpp 0.8.2: TCP, server side only, on one
// asio::io_context run by one thread, over a stream policy that says what runs on the socket:
// plain TCP (wspp_plain_stream.hpp, src/transport_websocketpp.cpp) or TLS (wspp_tls_stream.hpp,
// src/transport_websocketpp_tls.cpp). Only the stream differs between the two: accepting,
// reading, writing, timers and the error codes are this file's, once.
//
// websocketpp's own Asio policy (websocketpp/transport/asio/) serves clients and servers, TLS,
// proxies and strands. A connection pays for all of it whether it is used or not: two 1 KiB
// handler buffers, the socket in an allocation of its own, proxy data, a strand pointer, init
// handlers and logger pointers, about 2.4 KiB of each connection. Idle memory per client is a
// product figure, so this policy keeps only what a TCP server needs: the stream (inline: the plain
// socket, or the TLS stream with its few flags), the io_context and nothing else. Asynchronous operations use Asio's default handler allocation,
// which recycles memory per thread.
//
// It gives websocketpp the same error codes as the Asio policy with the plain socket, because
// websocketpp's connection decides what a failure means from them (read in
// websocketpp/impl/connection_impl.hpp and the Asio policy):
// - a read that ends with the peer's end of stream gives transport::error::eof (over TLS, a TCP
//   end without close_notify too); other read errors are Asio's own codes, untranslated (they
//   already are std::error_code);
// - every write error gives transport::error::pass_through;
// - a cancelled timer gives transport::error::operation_aborted, another timer error
//   transport::error::pass_through;
// - shutdown reports Asio's code, except not_connected (the socket is already down), which is
//   no error; the shutdown handler runs before async_shutdown returns, as it does with the Asio
//   policy, so a close handler runs inside connection::terminate() (a TLS stream finishes its
//   close_notify exchange afterwards, holding the connection);
// - a cancelled accept gives websocketpp::error::operation_canceled, other accept errors
//   (EMFILE, ...) are Asio's own codes.
// Every completion handler holds the connection's shared_ptr until it has run, because
// websocketpp lets go of a connection while operations are pending on it.

#pragma once

#include <algorithm>
#include <asio/buffer.hpp>
#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>
#include <websocketpp/common/connection_hdl.hpp>
#include <websocketpp/error.hpp>
#include <websocketpp/transport/base/connection.hpp>
#include <websocketpp/transport/base/endpoint.hpp>

namespace sio::transport::wspp_detail {

namespace ws = ::websocketpp;

/// websocketpp's buffers of one gathered write seen as an Asio buffer sequence, in place.
///
/// websocketpp keeps the vector alive and unchanged until the write completes, so the sequence
/// refers to it instead of copying it into Asio buffers (an allocation on every write).
class BufferList {
 public:
  /// Turns each websocketpp buffer into an asio::const_buffer when read. Random access, because
  /// Asio moves through a partly written sequence with std::advance.
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = asio::const_buffer;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = asio::const_buffer;

    const_iterator() = default;
    explicit const_iterator(const ws::transport::buffer* p) noexcept : p_(p) {}

    asio::const_buffer operator*() const noexcept { return {p_->buf, p_->len}; }
    asio::const_buffer operator[](difference_type n) const noexcept { return *(*this + n); }
    const_iterator& operator++() noexcept { return ++p_, *this; }
    const_iterator operator++(int) noexcept { return const_iterator(p_++); }
    const_iterator& operator--() noexcept { return --p_, *this; }
    const_iterator operator--(int) noexcept { return const_iterator(p_--); }
    const_iterator& operator+=(difference_type n) noexcept { return p_ += n, *this; }
    const_iterator& operator-=(difference_type n) noexcept { return p_ -= n, *this; }
    friend const_iterator operator+(const_iterator i, difference_type n) noexcept { return i += n; }
    friend const_iterator operator+(difference_type n, const_iterator i) noexcept { return i += n; }
    friend const_iterator operator-(const_iterator i, difference_type n) noexcept { return i -= n; }
    friend difference_type operator-(const_iterator a, const_iterator b) noexcept {
      return a.p_ - b.p_;
    }
    friend bool operator==(const_iterator a, const_iterator b) noexcept { return a.p_ == b.p_; }
    friend bool operator!=(const_iterator a, const_iterator b) noexcept { return a.p_ != b.p_; }
    friend bool operator<(const_iterator a, const_iterator b) noexcept { return a.p_ < b.p_; }
    friend bool operator>(const_iterator a, const_iterator b) noexcept { return a.p_ > b.p_; }
    friend bool operator<=(const_iterator a, const_iterator b) noexcept { return a.p_ <= b.p_; }
    friend bool operator>=(const_iterator a, const_iterator b) noexcept { return a.p_ >= b.p_; }

   private:
    const ws::transport::buffer* p_ = nullptr;
  };
  using value_type = asio::const_buffer;

  explicit BufferList(const std::vector<ws::transport::buffer>& bufs) noexcept
      : begin_(bufs.data()), end_(bufs.data() + bufs.size()) {}

  const_iterator begin() const noexcept { return const_iterator(begin_); }
  const_iterator end() const noexcept { return const_iterator(end_); }

 private:
  const ws::transport::buffer* begin_;
  const ws::transport::buffer* end_;
};

template <class Stream>
class TcpEndpoint;

/// A timer of websocketpp's (the open and close handshake deadlines): websocketpp only ever
/// cancels it; the policy may also move its deadline (move_to), which websocketpp does not see.
class PolicyTimer : public std::enable_shared_from_this<PolicyTimer> {
 public:
  explicit PolicyTimer(asio::io_context& ioc) : timer_(ioc) {}

  /// Arms the timer `duration` from now. `callback` (websocketpp's, which holds the connection)
  /// and `keep_alive` (the connection) are held by the pending wait, never by the timer: the
  /// connection holds the timer, so a wait destroyed without running (its io_context destroyed
  /// first) frees them all, as the Asio policy's timers do.
  void start(std::chrono::milliseconds duration, ws::transport::timer_handler callback,
             std::shared_ptr<void> keep_alive) {
    timer_.expires_after(duration);
    wait(std::move(callback), std::move(keep_alive));
  }
  /// Cancels it: websocketpp hears operation_aborted, as from the Asio policy.
  void cancel() {
    cancelled_ = true;
    timer_.cancel();
  }
  /// Moves the deadline of an armed timer to `when`; websocketpp hears nothing of the move. The
  /// wait in progress completes as superseded and waits again for the new deadline.
  void move_to(asio::steady_timer::time_point when) {
    if (done_ || cancelled_) return;
    ++generation_;
    timer_.expires_at(when);
  }
  /// When it was armed for.
  asio::steady_timer::time_point expiry() const { return timer_.expiry(); }

 private:
  void wait(ws::transport::timer_handler callback, std::shared_ptr<void> keep_alive) {
    timer_.async_wait([self = shared_from_this(), generation = generation_, callback = std::move(callback),
                       keep_alive = std::move(keep_alive)](std::error_code ec) mutable {
      if (generation != self->generation_) {
        // Superseded by move_to(): wait for the new deadline, unless cancelled since.
        if (!self->cancelled_) return self->wait(std::move(callback), std::move(keep_alive));
        ec = asio::error::operation_aborted;
      }
      self->done_ = true;
      if (!ec)
        callback(std::error_code());
      else if (ec == asio::error::operation_aborted)
        callback(ws::transport::error::make_error_code(ws::transport::error::operation_aborted));
      else
        callback(ws::transport::error::make_error_code(ws::transport::error::pass_through));
    });
  }

  asio::steady_timer timer_;
  unsigned generation_ = 0;
  bool cancelled_ = false;
  bool done_ = false;
};

/// Deadlines of a connection's HTTP request (headers, then the whole request).
struct RequestLimits {
  /// Headers complete within this of websocketpp starting to read the request; 0: no deadline
  /// of this policy's (websocketpp's open-handshake timeout alone applies).
  std::chrono::milliseconds header_timeout{0};
  /// The whole request (headers and body, until the response starts) within this.
  std::chrono::milliseconds request_timeout{0};
};

/// The transport part of each websocketpp connection (the policy's `transport_con_type`): an
/// accepted TCP socket, seen through `Stream`, on the io_context of the endpoint that accepted it.
///
/// websocketpp's connection derives from it and calls the protected members; the transport of
/// sio uses get_raw_socket() for socket options, the peer's address and waiting for a client
/// that leaves while its HTTP response is deferred.
///
/// `Stream` (PlainStream, TlsStream) holds the socket and provides: `Settings` (what the endpoint
/// hands every connection), `secure`, `inline_reads` (whether a non-blocking read_some on the
/// stream may complete a read at once), emplace(ioc, settings), raw() (the TCP socket), io()
/// (what is read and written), handshake(keep_alive, handler) and shutdown(keep_alive, handler).
template <class Stream>
class TcpConnection : public std::enable_shared_from_this<TcpConnection<Stream>> {
 public:
  using ptr = std::shared_ptr<TcpConnection>;
  /// What the endpoint gives each connection's stream (the TLS context, say).
  using stream_settings = typename Stream::Settings;
  /// websocketpp cancels its timers through this pointer; a timer whose pointer is dropped
  /// still fires, as with the Asio policy.
  using timer_ptr = std::shared_ptr<PolicyTimer>;

  /// The signature websocketpp constructs its transport with. The loggers are not kept: this
  /// policy has nothing to log that the application could not see in its handlers.
  template <class AccessLog, class ErrorLog>
  TcpConnection(bool /*is_server*/, const std::shared_ptr<AccessLog>&,
                const std::shared_ptr<ErrorLog>&) {}

  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  /// The accepted socket. Valid once the endpoint has initialized the connection, which
  /// websocketpp's endpoint does before it hands the connection out.
  asio::ip::tcp::socket& get_raw_socket() noexcept { return stream_.raw(); }

  ptr get_shared() { return this->shared_from_this(); }

  /// Bytes of the connection read before websocketpp started it (the start of the request, read
  /// to choose the transport that serves it): websocketpp's first reads get them before anything
  /// more is read from the socket. Before start().
  void set_already_read(std::string bytes) {
    if (!bytes.empty()) already_read_ = std::make_unique<std::string>(std::move(bytes));
  }

  bool is_secure() const noexcept { return Stream::secure; }
  /// Whether the stream is TLS, for code that has no connection at hand.
  static constexpr bool is_secure_stream = Stream::secure;

  /// What the transport runs after a write completed with no further write pending (nothing
  /// left in this policy's hands): it checks whether the connection has drained. Set for
  /// WebSocket connections only.
  using drain_hook = void (*)(TcpConnection&);
  void set_drain_hook(drain_hook hook) noexcept { drain_hook_ = hook; }

  /// The peer as "address:port" ("[address]:port" for IPv6), or "Unknown" once the socket is
  /// not connected; websocketpp writes it in its log lines.
  std::string get_remote_endpoint() const {
    std::error_code ec;
    const auto peer = stream_.raw().remote_endpoint(ec);
    if (ec) return "Unknown";
    const auto address = peer.address();
    std::string s = address.is_v6() ? '[' + address.to_string() + ']' : address.to_string();
    s += ':';
    s += std::to_string(peer.port());
    return s;
  }

 protected:
  /// websocketpp's connection keeps the handle itself (connection::get_handle), and nothing here
  /// calls back with it, so it is not stored a second time.
  void set_handle(ws::connection_hdl) noexcept {}

  /// Whatever the stream negotiates before HTTP (nothing on plain TCP, the TLS handshake), then
  /// `callback`; websocketpp reads the request once it has run without error.
  void init(ws::transport::init_handler callback) {
    if (limits_->header_timeout.count() > 0) request_ = std::make_unique<RequestPhase>();
    stream_.handshake(this->shared_from_this(), std::move(callback));
  }

  /// Reads at least `num_bytes` into `buf`.
  ///
  /// Asked again from inside the completion of the previous read (websocketpp asks for the next
  /// read as the last thing it does with one), and for one byte, it first reads what the socket
  /// already holds and completes at once, up to max_inline_reads times in a row. A client that
  /// sends more than the read buffer holds (a burst of broadcast requests, say) then has its
  /// messages handled back to back, and what they send to other connections is queued and
  /// written together, instead of one write per message per receiver.
  void async_read_at_least(std::size_t num_bytes, char* buf, std::size_t len,
                           ws::transport::read_handler handler) {
    if (already_read_) return read_already_read(num_bytes, buf, len, std::move(handler));
    if constexpr (Stream::inline_reads) {
      if (num_bytes <= 1 && in_read_completion_ && inline_reads_ < max_inline_reads && handler) {
        std::error_code ec;
        const std::size_t n = stream_.io().read_some(asio::buffer(buf, len), ec);  // non-blocking
        if (!ec && n > 0) {
          ++inline_reads_;
          if (request_) scan_request(buf, n);
          handler(ec, n);
          return;
        }
      }
    }
    auto done = read_done(buf, std::move(handler));
    // websocketpp asks for at least one byte everywhere: one read_some does, without the
    // composed operation's extra layer.
    if (num_bytes <= 1)
      stream_.io().async_read_some(asio::buffer(buf, len), std::move(done));
    else
      asio::async_read(stream_.io(), asio::buffer(buf, len), asio::transfer_at_least(num_bytes),
                       std::move(done));
  }

 private:
  /// The completion of a read into `buf`, as websocketpp wants to hear it.
  auto read_done(char* buf, ws::transport::read_handler handler) {
    return [self = this->shared_from_this(), buf, handler = std::move(handler)](const std::error_code& ec,
                                                                              std::size_t n) {
      // Tolerated as the Asio policy does, rather than thrown out of io_context::run().
      if (!handler) return;
      if (self->request_ && !ec) self->scan_request(buf, n);
      self->in_read_completion_ = true;
      self->inline_reads_ = 0;
      if (Stream::end_of_stream(ec))
        handler(ws::transport::error::make_error_code(ws::transport::error::eof), n);
      else
        handler(ec, n);
      self->in_read_completion_ = false;
    };
  }

  /// A read served first from the bytes read before websocketpp had the connection, then, if
  /// they are fewer than `num_bytes`, from the socket. Completes through the io_context, as a
  /// read of the socket does.
  void read_already_read(std::size_t num_bytes, char* buf, std::size_t len, ws::transport::read_handler handler) {
    const std::size_t n = std::min(len, already_read_->size());
    std::memcpy(buf, already_read_->data(), n);
    already_read_->erase(0, n);
    if (already_read_->empty()) already_read_.reset();
    auto done = read_done(buf, std::move(handler));
    if (n >= num_bytes) {
      asio::post(*ioc_, [done = std::move(done), n]() mutable { done(std::error_code(), n); });
      return;
    }
    asio::async_read(stream_.io(), asio::buffer(buf + n, len - n), asio::transfer_at_least(num_bytes - n),
                     [done = std::move(done), n](const std::error_code& ec, std::size_t more) mutable {
                       done(ec, n + more);
                     });
  }

  /// The completion of a write, which websocketpp only needs to know as failed or not.
  auto write_done(ws::transport::write_handler handler) {
    return [self = this->shared_from_this(), handler = std::move(handler)](const std::error_code& ec,
                                                                      std::size_t) {
      if (!handler) return;
      handler(ec ? ws::transport::error::make_error_code(ws::transport::error::pass_through)
                 : std::error_code());
      // websocketpp posted the next write_frame if more was queued (write_dispatched_).
      if (!ec && self->drain_hook_ && !self->write_dispatched_) self->drain_hook_(*self);
    };
  }

 protected:
  void async_write(const char* buf, std::size_t len, ws::transport::write_handler handler) {
    asio::async_write(stream_.io(), asio::buffer(buf, len), write_done(std::move(handler)));
  }

  /// One gathered write of every buffer, in order and in place.
  void async_write(const std::vector<ws::transport::buffer>& bufs,
                   ws::transport::write_handler handler) {
    asio::async_write(stream_.io(), BufferList(bufs), write_done(std::move(handler)));
  }

  /// Always posted, never run inline, so that the frames queued by one handler go out in one
  /// gathered write (transport_websocketpp.cpp counts on it).
  ///
  /// websocketpp dispatches only its write_frame() here (and pause/resume_reading, which this
  /// transport never calls), once for each frame queued while no write runs. One pending
  /// write_frame writes whatever is queued when it runs, so later ones are dropped until it has
  /// run: a broadcast costs each receiver one posted handler, not one per frame.
  std::error_code dispatch(ws::transport::dispatch_handler handler) {
    if (write_dispatched_) return {};
    write_dispatched_ = true;
    asio::post(*ioc_, [self = this->shared_from_this(), handler = std::move(handler)] {
      self->write_dispatched_ = false;
      handler();
    });
    return {};
  }

  std::error_code interrupt(ws::transport::interrupt_handler handler) {
    asio::post(*ioc_, std::move(handler));
    return {};
  }

  /// Ends the stream (see the stream's shutdown()); `callback` runs before this returns.
  void async_shutdown(ws::transport::shutdown_handler callback) {
    stream_.shutdown(this->shared_from_this(), std::move(callback));
  }

  /// The first timer set while the request's headers are awaited is websocketpp's open-handshake
  /// deadline, armed for header_timeout: the policy moves it to request_timeout once the headers
  /// are in (scan_request), so that a body may take longer than headers may.
  timer_ptr set_timer(long duration, ws::transport::timer_handler callback) {
    auto timer = std::make_shared<PolicyTimer>(*ioc_);
    timer->start(std::chrono::milliseconds(duration), std::move(callback), this->shared_from_this());
    if (request_ && !request_->armed) {
      request_->deadline = timer;
      request_->armed = true;
    }
    return timer;
  }

 private:
  friend class TcpEndpoint<Stream>;

  /// Consecutive reads completed at once by async_read_at_least before one goes through the
  /// io_context again, so that other connections get their turn.
  static constexpr unsigned max_inline_reads = 16;

  /// Called once by the endpoint, right after websocketpp created the connection.
  void init_asio(asio::io_context& ioc, const typename Stream::Settings& settings, const RequestLimits& limits) {
    ioc_ = &ioc;
    limits_ = &limits;
    stream_.emplace(ioc, settings);
  }

  /// While the request's headers are awaited: how much of the blank line that ends them the
  /// bytes so far end with, and websocketpp's deadline for them. Allocated for that time only,
  /// so an established connection pays one pointer for it.
  struct RequestPhase {
    std::weak_ptr<PolicyTimer> deadline;
    bool armed = false;    // deadline was set
    unsigned matched = 0;  // of "\r\n\r\n"
  };

  /// Looks for the end of the headers in `n` bytes just read; there, gives the rest of the
  /// request until request_timeout after the deadline was armed for the headers.
  void scan_request(const char* buf, std::size_t n) {
    static constexpr char end[] = "\r\n\r\n";
    RequestPhase& r = *request_;
    for (std::size_t i = 0; i < n; ++i) {
      const char c = buf[i];
      r.matched = c == end[r.matched] ? r.matched + 1 : (c == '\r' ? 1 : 0);
      if (r.matched == 4) {
        if (auto timer = r.deadline.lock())
          timer->move_to(timer->expiry() - limits_->header_timeout + limits_->request_timeout);
        request_.reset();
        return;
      }
    }
  }

  // websocketpp constructs the connection before it tells the transport the io_context, and an
  // Asio socket needs one to exist: the stream makes its socket in emplace(), still inline.
  Stream stream_;
  asio::io_context* ioc_ = nullptr;
  const RequestLimits* limits_ = nullptr;  // the endpoint's
  std::unique_ptr<RequestPhase> request_;  // until the headers are in
  std::unique_ptr<std::string> already_read_;  // see set_already_read()
  drain_hook drain_hook_ = nullptr;
  unsigned inline_reads_ = 0;        // reads completed at once since the last posted one
  bool in_read_completion_ = false;  // a read's handler is running
  bool write_dispatched_ = false;    // a write_frame is posted and has not run
};

/// The endpoint part of the policy (websocketpp's `transport_type`): the listening socket, which
/// accepts into connections that websocketpp created.
///
/// The io_context is the application's; the endpoint only points at it.
template <class Stream>
class TcpEndpoint {
 public:
  using transport_con_type = TcpConnection<Stream>;
  using transport_con_ptr = typename transport_con_type::ptr;

  TcpEndpoint() = default;
  TcpEndpoint(const TcpEndpoint&) = delete;
  TcpEndpoint& operator=(const TcpEndpoint&) = delete;

  bool is_secure() const noexcept { return Stream::secure; }

  /// What every connection's stream is made with (the TLS context); before the first accept.
  void set_stream_settings(typename Stream::Settings settings) { settings_ = std::move(settings); }
  /// The request deadlines of every connection; before the first accept. websocketpp's
  /// open-handshake timeout must then be header_timeout.
  void set_request_limits(RequestLimits limits) noexcept { limits_ = limits; }

  /// Sets the io_context that connections and the listening socket run on; once only.
  void init_asio(asio::io_context* ioc, std::error_code& ec) {
    if (ioc_ || !ioc) {
      ec = ws::error::make_error_code(ws::error::invalid_state);
      return;
    }
    ioc_ = ioc;
    acceptor_.emplace(*ioc);
    ec.clear();
  }

  /// SO_REUSEADDR for the next listen().
  void set_reuse_addr(bool value) noexcept { reuse_addr_ = value; }
  /// SO_REUSEPORT for the next listen(): other sockets may listen on the same address and port.
  void set_reuse_port(bool value) noexcept { reuse_port_ = value; }
  /// The kernel's queue of pending connections for the next listen().
  void set_listen_backlog(int backlog) noexcept { backlog_ = backlog; }

  /// Opens, binds and listens; on failure the listening socket is closed again.
  void listen(const asio::ip::tcp::endpoint& endpoint, std::error_code& ec) {
    if (!acceptor_ || listening_) {
      ec = ws::error::make_error_code(ws::error::invalid_state);
      return;
    }
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(reuse_addr_), ec);
    if (!ec && reuse_port_)
      acceptor_->set_option(asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(backlog_, ec);
    if (ec) {
      std::error_code ignored;
      acceptor_->close(ignored);
      return;
    }
    listening_ = true;
  }

  asio::ip::tcp::endpoint get_local_endpoint(std::error_code& ec) const {
    if (!acceptor_) {
      ec = asio::error::bad_descriptor;
      return {};
    }
    return acceptor_->local_endpoint(ec);
  }

  /// Closes the listening socket: a pending accept completes with operation_canceled.
  void stop_listening(std::error_code& ec) {
    if (!listening_) {
      ec = ws::error::make_error_code(ws::error::invalid_state);
      return;
    }
    listening_ = false;
    acceptor_->close(ec);
  }

  bool is_listening() const noexcept { return listening_; }

  /// Accepts the next client into `tcon`'s socket.
  void async_accept(transport_con_ptr tcon, ws::transport::accept_handler callback,
                    std::error_code& ec) {
    if (!listening_) {
      ec = ws::error::make_error_code(ws::error::async_accept_not_listening);
      return;
    }
    ec.clear();
    asio::ip::tcp::socket& socket = tcon->get_raw_socket();
    acceptor_->async_accept(
        socket, [tcon = std::move(tcon), callback = std::move(callback)](const std::error_code& e) {
          // async_read_at_least's read of what is already there must not block.
          std::error_code ignored;
          if (!e) tcon->get_raw_socket().non_blocking(true, ignored);
          if (e == std::errc::operation_canceled)
            callback(ws::error::make_error_code(ws::error::operation_canceled));
          else
            callback(e);
        });
  }

 protected:
  /// websocketpp hands its loggers over; as with connections, they are not kept.
  template <class AccessLog, class ErrorLog>
  void init_logging(const std::shared_ptr<AccessLog>&, const std::shared_ptr<ErrorLog>&) {}

  /// Gives a connection websocketpp just created its socket.
  std::error_code init(const transport_con_ptr& tcon) {
    if (!ioc_) return ws::error::make_error_code(ws::error::invalid_state);
    tcon->init_asio(*ioc_, settings_, limits_);
    return {};
  }

 private:
  asio::io_context* ioc_ = nullptr;
  typename Stream::Settings settings_{};
  RequestLimits limits_{};
  std::optional<asio::ip::tcp::acceptor> acceptor_;
  int backlog_ = asio::socket_base::max_listen_connections;
  bool reuse_addr_ = false;
  bool reuse_port_ = false;
  bool listening_ = false;
};

}  // namespace sio::transport::wspp_detail
