// The stream of a TLS connection for the transport policy of wspp_transport.hpp: an
// asio::ssl::stream over the accepted TCP socket, server side.
//
// - The TLS handshake is the policy's connection init: websocketpp reads the HTTP request only
//   once it has completed. websocketpp's own open-handshake timer starts after init, so the
//   handshake has a bound of its own (tls_handshake_limit): a client that connects and says
//   nothing, or too little, is dropped. A client that speaks plain HTTP to the port fails the
//   handshake at its first bytes and is dropped at once.
// - Shutdown sends close_notify and waits for the peer's, at most tls_shutdown_limit, then shuts
//   the TCP socket down and closes it. websocketpp hears that the shutdown is done at once, as
//   with plain TCP, so its close handlers run as they would there; the exchange of close_notify
//   holds the connection (and so its memory) until it ends.
// - No read completes at once (inline_reads): a read_some on an SSL stream over a non-blocking
//   socket is no cheap probe of what the kernel holds, and the TLS engine buffers records itself.
// - Gathered writes stay gathered: Asio's SSL stream copies the buffers of a sequence into one
//   record (up to its linearisation size) instead of one record per buffer.
//
// Memory: Asio's SSL stream keeps two 17 KiB record buffers per connection, and OpenSSL its own
// state; SSL_MODE_RELEASE_BUFFERS (set by tls_server_context()) lets OpenSSL free its buffers
// while the connection is idle. A TLS connection costs far more than a plain one; the plain
// stream (wspp_plain_stream.hpp) pays nothing for this one.

#pragma once

#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/ssl/error.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>
#include <websocketpp/transport/base/connection.hpp>

namespace sio::transport::wspp_detail {

namespace ws = ::websocketpp;

/// A server-side TLS stream over a TCP socket as the stream of a TcpConnection.
class TlsStream {
 public:
  /// The TLS context every connection of the endpoint is made with, and its deadlines
  /// (TlsOptions). The endpoint's copy keeps the context alive; connections keep the endpoint
  /// alive, so a stream points at that copy.
  struct Settings {
    std::shared_ptr<asio::ssl::context> context;
    std::chrono::milliseconds handshake_timeout;
    std::chrono::milliseconds shutdown_timeout;
  };

  static constexpr bool secure = true;
  static constexpr bool inline_reads = false;

  /// End of the peer's stream: end of TCP stream, or (OpenSSL 3) a TCP end with no close_notify
  /// before it, which clients that just close their socket do.
  static bool end_of_stream(const std::error_code& ec) noexcept {
    return ec == asio::error::eof || ec == asio::ssl::error::stream_truncated;
  }

  /// Makes the stream on `ioc` with the endpoint's context; once, before the accept.
  void emplace(asio::io_context& ioc, const Settings& settings) {
    settings_ = &settings;
    stream_.emplace(ioc, *settings.context);
  }

  /// The TCP socket under TLS.
  asio::ip::tcp::socket& raw() noexcept { return stream_->next_layer(); }
  const asio::ip::tcp::socket& raw() const noexcept { return stream_->next_layer(); }
  /// What the connection reads and writes: the TLS stream.
  asio::ssl::stream<asio::ip::tcp::socket>& io() noexcept { return *stream_; }

  /// The server side of the TLS handshake, bounded by Settings::handshake_timeout, then `callback` with
  /// its result. `keep_alive` holds the connection this stream belongs to until both ended.
  void handshake(std::shared_ptr<void> keep_alive, ws::transport::init_handler callback) {
    auto timer = std::make_shared<asio::steady_timer>(raw().get_executor(), settings_->handshake_timeout);
    // Closing the socket makes the pending handshake complete with an error.
    timer->async_wait([this, keep_alive](const std::error_code& ec) {
      if (!ec) close_socket();
    });
    stream_->async_handshake(
        asio::ssl::stream_base::server,
        [this, keep_alive = std::move(keep_alive), timer, callback = std::move(callback)](
            const std::error_code& ec) {
          timer->cancel();
          if (!ec) handshake_done_ = true;
          if (callback) callback(ec);
        });
  }

  /// Starts the close_notify exchange (a connection that never finished its handshake only has
  /// its socket closed), then runs `callback` before returning. `keep_alive` holds the connection
  /// until the exchange ends, at most Settings::shutdown_timeout later.
  void shutdown(std::shared_ptr<void> keep_alive, ws::transport::shutdown_handler callback) {
    if (!shutting_down_) {
      shutting_down_ = true;
      if (handshake_done_ && raw().is_open()) {
        auto timer = std::make_shared<asio::steady_timer>(raw().get_executor(), settings_->shutdown_timeout);
        // Closing the socket makes the pending shutdown complete.
        timer->async_wait([this, keep_alive](const std::error_code& ec) {
          if (!ec) close_socket();
        });
        stream_->async_shutdown([this, keep_alive = std::move(keep_alive), timer](const std::error_code&) {
          timer->cancel();
          close_socket();
        });
      } else {
        close_socket();
      }
    }
    if (callback) callback(std::error_code());
  }

 private:
  /// Shuts the TCP socket down (pending operations complete) and closes it; again is harmless.
  void close_socket() noexcept {
    std::error_code ignored;
    raw().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    raw().close(ignored);
  }

  // websocketpp makes the connection before the endpoint has the io_context: hence optional.
  std::optional<asio::ssl::stream<asio::ip::tcp::socket>> stream_;
  const Settings* settings_ = nullptr;
  bool handshake_done_ = false;
  bool shutting_down_ = false;
};

}  // namespace sio::transport::wspp_detail
