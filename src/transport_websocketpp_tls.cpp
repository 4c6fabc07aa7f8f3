// The websocketpp transport over TLS (library sio::tls): the state of the plain transport
// (wspp_state.hpp) over the TLS stream (wspp_tls_stream.hpp), and the TLS contexts' defaults.
// Like transport_websocketpp.cpp it is compiled as C++17 for websocketpp's sake.

#include "sio/transport/websocketpp_tls.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "wspp_state.hpp"
#include "wspp_tls_stream.hpp"

namespace sio::transport {

std::shared_ptr<asio::ssl::context> tls_server_context() {
  auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1 | asio::ssl::context::no_compression |
                   asio::ssl::context::single_dh_use);
  SSL_CTX* native = tls->native_handle();
  // The options above leave room for a later protocol; the floor says the same in one call.
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Idle connections are most of a server's: their OpenSSL read and write buffers go back.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  return tls;
}

namespace {

/// tls_server_context() with the files loaded; on failure null, with OpenSSL's error in `ec` and
/// in `what` a sentence for the user saying which file failed.
std::shared_ptr<asio::ssl::context> load_files(const std::string& cert_chain_pem_path,
                                               const std::string& private_key_pem_path,
                                               std::error_code& ec, std::string& what) {
  ec.clear();
  auto tls = tls_server_context();
  tls->use_certificate_chain_file(cert_chain_pem_path, ec);
  if (ec) {
    what = "sio: cannot load the TLS certificate chain from \"" + cert_chain_pem_path + "\"";
    return nullptr;
  }
  tls->use_private_key_file(private_key_pem_path, asio::ssl::context::pem, ec);
  if (ec) {
    what = "sio: cannot load the TLS private key from \"" + private_key_pem_path + "\"";
    return nullptr;
  }
  if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
    ec = std::error_code(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category());
    ERR_clear_error();
    what = "sio: the TLS private key \"" + private_key_pem_path +
           "\" does not match the certificate in \"" + cert_chain_pem_path + "\"";
    return nullptr;
  }
  return tls;
}

}  // namespace

std::shared_ptr<asio::ssl::context> tls_from_files(const std::string& cert_chain_pem_path,
                                                   const std::string& private_key_pem_path,
                                                   std::error_code& ec) {
  std::string what;
  return load_files(cert_chain_pem_path, private_key_pem_path, ec, what);
}

std::shared_ptr<asio::ssl::context> tls_from_files(const std::string& cert_chain_pem_path,
                                                   const std::string& private_key_pem_path) {
  std::error_code ec;
  std::string what;
  auto tls = load_files(cert_chain_pem_path, private_key_pem_path, ec, what);
  if (!tls) throw std::system_error(ec, what);
  return tls;
}

namespace {

std::shared_ptr<websocketpp::impl> make_tls_state(asio::io_context& ioc,
                                                  const std::shared_ptr<asio::ssl::context>& tls,
                                                  const WebsocketppOptions& options,
                                                  const TlsOptions& tls_options) {
  if (!tls) throw std::invalid_argument("sio::transport::websocketpp_tls: the TLS context is null");
  if (tls_options.handshake_timeout.count() <= 0 || tls_options.shutdown_timeout.count() <= 0)
    throw std::invalid_argument(
        "sio::transport::websocketpp_tls: handshake_timeout and shutdown_timeout must be positive");
  return wspp_detail::make_state<wspp_detail::TlsStream>(
      ioc, options,
      wspp_detail::TlsStream::Settings{tls, tls_options.handshake_timeout, tls_options.shutdown_timeout},
      "sio::transport::websocketpp_tls");
}

}  // namespace

websocketpp_tls::websocketpp_tls(asio::io_context& ioc, std::shared_ptr<asio::ssl::context> tls,
                                 WebsocketppOptions options, TlsOptions tls_options)
    : websocketpp(make_tls_state(ioc, tls, options, tls_options), ioc), tls_(std::move(tls)) {}

}  // namespace sio::transport
