#pragma once
// The templates of engineio::Server: its constructor and the adapter to the transport it is
// constructed with; included by sio/engineio/server.hpp. Everything else is in
// src/engineio/server.cpp.

#include <utility>

namespace sio::engineio {

template <class Transport>
struct Server::TransportOpsFor final : Server::TransportOps {
  explicit TransportOpsFor(Transport& t) : transport(t) {}
  void post(std::function<void()> fn) override { transport.post(std::move(fn)); }
  void unmount(const std::string& path) override { transport.unmount(path); }
  Transport& transport;
};

template <class Transport>
Server::Server(Transport& transport, std::string path, ServerOptions options, SessionHandler& handler)
    : transport_(std::make_unique<TransportOpsFor<Transport>>(transport)),
      path_(normalize_path(std::move(path))),
      options_(std::move(options)),
      timers_(transport) {
  start(handler);
  transport::MountOptions mount;
  mount.max_payload = options_.max_payload;
  transport.mount(path_, *this, mount);
}

}  // namespace sio::engineio
