#pragma once
// A self-signed certificate made in the test with OpenSSL's API (no `openssl` program needed):
// an EC P-256 key and an X.509 certificate for 127.0.0.1 and localhost, valid from now for a
// day, which is its own CA, so a client trusts it by taking it as its CA (Node's `ca:` option,
// asio::ssl::context::add_certificate_authority).

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>

namespace sio::test {

/// A certificate and its private key, both PEM.
struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;

  /// Writes cert_pem and key_pem to `cert_path` and `key_path`; throws when it cannot.
  void write(const std::string& cert_path, const std::string& key_path) const {
    for (const auto& [path, text] : {std::pair{cert_path, &cert_pem}, std::pair{key_path, &key_pem}}) {
      std::ofstream out(path, std::ios::binary | std::ios::trunc);
      out << *text;
      if (!out) throw std::runtime_error("cannot write " + path);
    }
  }
};

namespace detail {

struct BioFree {
  void operator()(BIO* b) const noexcept { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const noexcept { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const noexcept { X509_free(x); }
};

inline std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(n));
}

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test certificate: ") + what + " failed");
}

inline void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  const int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  check(ok == 1, "X509_add_ext");
}

}  // namespace detail

/// Makes a fresh key and a self-signed certificate for `common_name`, with 127.0.0.1 and
/// localhost as its subject alternative names.
inline TestCertificate make_test_certificate(const std::string& common_name = "127.0.0.1") {
  using namespace detail;
  std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "EVP_PKEY_Q_keygen");
  std::unique_ptr<X509, X509Free> cert(X509_new());
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");  // v3, for the extensions
  check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1, "serial number");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                                   0) == 1,
        "subject name");
  check(X509_set_issuer_name(cert.get(), name) == 1, "issuer name");
  check(X509_set_pubkey(cert.get(), key.get()) == 1, "X509_set_pubkey");
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  add_extension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "X509_sign");

  TestCertificate out;
  std::unique_ptr<BIO, BioFree> cert_bio(BIO_new(BIO_s_mem()));
  check(cert_bio && PEM_write_bio_X509(cert_bio.get(), cert.get()) == 1, "PEM_write_bio_X509");
  out.cert_pem = bio_text(cert_bio.get());
  std::unique_ptr<BIO, BioFree> key_bio(BIO_new(BIO_s_mem()));
  check(key_bio && PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr) == 1,
        "PEM_write_bio_PrivateKey");
  out.key_pem = bio_text(key_bio.get());
  return out;
}

}  // namespace sio::test
