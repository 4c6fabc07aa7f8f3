#pragma once
// Serving the browser client bundle at `<path>socket.io.js` (and its source map).

#include <memory>
#include <string>

#include "sio/transport/transport.hpp"

namespace sio::detail {

class ClientFile {
 public:
  // Reads `file` (and `file.map`, if present) when `enabled` and `file` is set.
  // \throws std::invalid_argument when `file` cannot be read.
  ClientFile(bool enabled, const std::string& file);
  // Answers a request for the bundle under `path` (e.g. "/socket.io/"); false when it is not one.
  bool serve(const std::string& path, transport::HttpExchange& exchange) const;

 private:
  bool enabled_;
  std::string js_, map_;
};

}  // namespace sio::detail
