// Serving the browser client bundle (declared in sio/socketio/client_file.hpp).

#include "sio/socketio/client_file.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace sio::detail {

namespace {
bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}
}  // namespace

ClientFile::ClientFile(bool enabled, const std::string& file) : enabled_(enabled) {
  if (!enabled_ || file.empty()) return;
  if (!read_file(file, js_)) throw std::invalid_argument("sio: cannot read ServerOptions::client_file \"" + file + "\"");
  read_file(file + ".map", map_);
}

bool ClientFile::serve(const std::string& prefix, transport::HttpExchange& ex) const {
  const auto& req = ex.request();
  std::string_view path = req.path;
  if (path.size() <= prefix.size() || path.substr(0, prefix.size()) != prefix) return false;
  std::string_view file = path.substr(prefix.size());
  if (file != "socket.io.js" && file != "socket.io.js.map") return false;
  if (!enabled_ || js_.empty()) {
    ex.respond(404, "Not Found", {{"Content-Type", "text/plain"}});
    return true;
  }
  if (req.method != "GET" && req.method != "HEAD") {
    ex.respond(405, "", {{"Allow", "GET, HEAD"}});
    return true;
  }
  if (file == "socket.io.js") {
    ex.respond(200, req.method == "HEAD" ? std::string() : js_,
               {{"Content-Type", "application/javascript; charset=utf-8"}, {"Cache-Control", "public, max-age=0"}});
  } else if (!map_.empty()) {
    ex.respond(200, req.method == "HEAD" ? std::string() : map_, {{"Content-Type", "application/json; charset=utf-8"}});
  } else {
    ex.respond(404, "Not Found", {{"Content-Type", "text/plain"}});
  }
  return true;
}

}  // namespace sio::detail
