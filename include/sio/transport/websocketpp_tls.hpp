#pragma once
/// \file
/// HTTPS long-polling and WSS: the websocketpp transport with its connections over TLS
/// (OpenSSL, through Asio's SSL layer). Part of the sio::tls library target, not of sio::sio.
///
/// Like websocketpp.hpp, this header names nothing of websocketpp; it includes Asio's SSL
/// context, and so OpenSSL's headers.

#include <chrono>
#include <memory>
#include <string>
#include <system_error>

#include <asio/ssl/context.hpp>

#include "sio/transport/websocketpp.hpp"

namespace asio {
class io_context;
}  // namespace asio

namespace sio::transport {

/// A server TLS context with sio's defaults and no certificate yet: TLS 1.2 or later only, no
/// TLS compression, the server's cipher order, fresh (EC)DH keys per handshake, and OpenSSL's
/// buffers released while a connection is idle. Give it a certificate chain and a private key
/// (asio::ssl::context::use_certificate_chain_file, use_private_key_file, ...) before listening;
/// tls_from_files() does both.
std::shared_ptr<asio::ssl::context> tls_server_context();

/// tls_server_context() with the certificate chain (PEM: the server's certificate first, then
/// the intermediates) and the matching private key (PEM, unencrypted) read from files.
/// \throws std::system_error naming the file when a file cannot be read or parsed, or when the
///         key does not match the certificate.
///
/// \code
/// sio::Server<sio::transport::websocketpp_tls> io(
///     ioc, {}, sio::transport::tls_from_files("cert.pem", "key.pem"));
/// \endcode
std::shared_ptr<asio::ssl::context> tls_from_files(const std::string& cert_chain_pem_path,
                                                   const std::string& private_key_pem_path);

/// tls_from_files() that reports failure in `ec` (OpenSSL's error, in Asio's SSL category) and
/// returns null instead of throwing.
std::shared_ptr<asio::ssl::context> tls_from_files(const std::string& cert_chain_pem_path,
                                                   const std::string& private_key_pem_path,
                                                   std::error_code& ec);

/// Deadlines of the TLS layer of a websocketpp_tls transport, fixed at construction (the HTTP
/// ones, header_timeout and request_timeout, are WebsocketppOptions').
struct TlsOptions {
  /// Longest a client may take over the TLS handshake, from the accept; a client that takes
  /// longer (or sends nothing) has its socket closed. header_timeout starts after it.
  std::chrono::milliseconds handshake_timeout{5'000};
  /// Longest the server waits for the peer's close_notify, after sending its own, before it
  /// closes the socket anyway; a client that never answers holds its socket this long at most.
  std::chrono::milliseconds shutdown_timeout{2'000};
};

/// The websocketpp transport (HTTP long-polling and WebSocket, see sio::transport::websocketpp)
/// with every connection over TLS: HTTPS and WSS. Everything else is the same, down to the
/// interface, so `sio::Server<sio::transport::websocketpp_tls>` is used as
/// `sio::Server<sio::transport::websocketpp>` is.
///
/// Each accepted connection first completes a TLS handshake (at most
/// TlsOptions::handshake_timeout, 5 s), then serves HTTP as the plain transport does. A client
/// that speaks plain HTTP to the port fails the handshake and is disconnected; other connections
/// are not affected. Closing a connection sends TLS's close_notify and waits at most
/// TlsOptions::shutdown_timeout (2 s) for the peer's.
///
/// \code
/// asio::io_context ioc;
/// auto tls = sio::transport::tls_from_files("cert.pem", "key.pem");  // or a context of your own
/// sio::Server<sio::transport::websocketpp_tls> io(ioc, {}, tls);
/// io.listen(3443);
/// ioc.run();
/// \endcode
class websocketpp_tls : public websocketpp {
 public:
  /// Creates a transport on `ioc` whose connections use the TLS context `tls` (see
  /// tls_server_context(), tls_from_files()), which it shares with the caller: the application
  /// may keep configuring it (on the I/O thread); each new connection sees it as it is then.
  /// Nothing listens until listen().
  /// \throws std::invalid_argument for a null `tls`, an option websocketpp refuses (see its
  ///         constructor), or a TLS deadline that is not positive.
  websocketpp_tls(asio::io_context& ioc, std::shared_ptr<asio::ssl::context> tls,
                  WebsocketppOptions options = {}, TlsOptions tls_options = {});

  /// The TLS context of the connections.
  asio::ssl::context& tls_context() const noexcept { return *tls_; }

 private:
  std::shared_ptr<asio::ssl::context> tls_;
};

}  // namespace sio::transport
