// The stream of a plain TCP connection for the transport policy of wspp_transport.hpp: the
// socket itself, with nothing to negotiate and nothing to say goodbye with.
//
// Its size is the socket's: it is most of an idle plain connection's transport, a product
// figure (see wspp_transport.hpp), so it holds nothing else.

#pragma once

#include <asio/error.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <memory>
#include <optional>
#include <system_error>
#include <utility>
#include <websocketpp/transport/base/connection.hpp>

namespace sio::transport::wspp_detail {

namespace ws = ::websocketpp;

/// A plain TCP socket as the stream of a TcpConnection.
class PlainStream {
 public:
  /// Nothing to configure: the endpoint hands every connection this empty value.
  struct Settings {};

  static constexpr bool secure = false;
  /// A non-blocking read_some on the socket reads what the kernel holds, or fails with
  /// would_block: the policy may complete reads at once.
  static constexpr bool inline_reads = true;

  /// End of the peer's stream, which websocketpp wants to hear as its own eof.
  static bool end_of_stream(const std::error_code& ec) noexcept { return ec == asio::error::eof; }

  /// Makes the socket on `ioc`; once, before the accept.
  void emplace(asio::io_context& ioc, const Settings&) { socket_.emplace(ioc); }

  /// The TCP socket.
  asio::ip::tcp::socket& raw() noexcept { return *socket_; }
  const asio::ip::tcp::socket& raw() const noexcept { return *socket_; }
  /// What the connection reads and writes: the socket too.
  asio::ip::tcp::socket& io() noexcept { return *socket_; }

  /// Nothing to negotiate before HTTP on plain TCP: the connection is ready at once.
  void handshake(const std::shared_ptr<void>& /*keep_alive*/, ws::transport::init_handler callback) {
    callback(std::error_code());
  }

  /// Shuts both directions down; the socket itself closes with the connection, once no pending
  /// operation holds it (those complete at once after a shutdown).
  void shutdown(const std::shared_ptr<void>& /*keep_alive*/, ws::transport::shutdown_handler callback) {
    std::error_code ec;
    socket_->shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    if (ec == asio::error::not_connected) ec.clear();
    callback(ec);
  }

 private:
  std::optional<asio::ip::tcp::socket> socket_;
};

}  // namespace sio::transport::wspp_detail
