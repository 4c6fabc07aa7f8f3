#pragma once
/// \file
/// sio::Handshake: what a client sent when it connected (Node's `socket.handshake`).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/fwd.h>

#include "sio/fwd.hpp"
#include "sio/transport/transport.hpp"

namespace sio {

/// The handshake of a socket's connection: what the client sent when it connected.
/// Valid while the socket is connected; afterwards headers and query read as empty.
/// On the I/O thread only.
class Handshake {
 public:
  /// A view of `socket`'s handshake.
  explicit Handshake(std::shared_ptr<const detail::SocketState> socket) noexcept : socket_(std::move(socket)) {}
  /// Request headers of the first HTTP request.
  const transport::Headers& headers() const noexcept;
  /// The value of a header (case-insensitive name), or empty.
  std::string_view header(std::string_view name) const noexcept;
  /// The raw query string of the first request.
  std::string_view query_string() const noexcept;
  /// A query parameter, percent-decoded, or nullopt when absent.
  std::optional<std::string> query(std::string_view name) const;
  /// The `auth` payload of the CONNECT packet (an empty object when none was sent).
  const rapidjson::Value& auth() const noexcept;
  /// Remote address of the client.
  std::string_view address() const noexcept;
  /// When the connection was opened.
  std::chrono::system_clock::time_point time() const noexcept;
  /// The request target (path and query) of the first request.
  std::string url() const;

 private:
  std::shared_ptr<const detail::SocketState> socket_;
};

}  // namespace sio
