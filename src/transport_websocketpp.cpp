// The websocketpp transport over plain TCP, compiled here so that no public header includes
// websocketpp. Its state is src/wspp_state.hpp (shared with the TLS transport), its stream
// src/wspp_plain_stream.hpp.

#include "sio/transport/websocketpp.hpp"

#include <asio/io_context.hpp>
#include <asio/post.hpp>
#include <utility>

#include <unistd.h>

#include "wspp_plain_stream.hpp"
#include "wspp_state.hpp"

namespace sio::transport {

websocketpp::websocketpp(asio::io_context& ioc, WebsocketppOptions options)
    : ioc_(ioc),
      impl_(wspp_detail::make_state<wspp_detail::PlainStream>(ioc, options, {},
                                                              "sio::transport::websocketpp")) {}

websocketpp::websocketpp(std::shared_ptr<impl> state, asio::io_context& ioc)
    : ioc_(ioc), impl_(std::move(state)) {}

websocketpp::~websocketpp() {
  if (impl_) impl_->detach();
}

asio::io_context& websocketpp::context() noexcept { return ioc_; }

TimePoint websocketpp::now() const { return Clock::now(); }

std::unique_ptr<Timer> websocketpp::make_timer(std::function<void()> on_expiry) {
  return std::make_unique<wspp_detail::SteadyTimer>(ioc_, std::move(on_expiry));
}

void websocketpp::post(std::function<void()> fn) { asio::post(ioc_, std::move(fn)); }

bool websocketpp::running_in_this_thread() const noexcept { return ioc_.get_executor().running_in_this_thread(); }

void websocketpp::mount(std::string path, Handler& handler, MountOptions options) {
  impl_->mount(std::move(path), handler, options);
}

void websocketpp::unmount(const std::string& path) { impl_->unmount(path); }

void websocketpp::set_http_callback(HttpCallback cb) { impl_->set_http_callback(std::move(cb)); }

std::error_code websocketpp::listen(std::uint16_t port, const std::string& address) {
  return impl_->listen(port, address);
}

std::uint16_t websocketpp::local_port() const noexcept { return impl_->local_port(); }

void websocketpp::stop_listening() { impl_->stop_listening(); }

void websocketpp::close() { impl_->close(); }

void websocketpp::set_router(Router router) { impl_->set_router(this, std::move(router)); }

namespace {

// A socket on its way to another transport: closed if the way ends first (its io_context
// destroyed with the handler still queued).
struct SocketInTransit {
  explicit SocketInTransit(int s) noexcept : fd(s) {}
  SocketInTransit(SocketInTransit&& o) noexcept : fd(std::exchange(o.fd, -1)) {}
  SocketInTransit(const SocketInTransit&) = delete;
  SocketInTransit& operator=(const SocketInTransit&) = delete;
  SocketInTransit& operator=(SocketInTransit&&) = delete;
  ~SocketInTransit() {
    if (fd >= 0) ::close(fd);
  }
  int release() noexcept { return std::exchange(fd, -1); }
  int fd;
};

}  // namespace

void websocketpp::adopt(int native_socket, std::string already_read) {
  asio::post(ioc_, [state = impl_, socket = SocketInTransit(native_socket), bytes = std::move(already_read)]() mutable {
    state->adopt(socket.release(), std::move(bytes));
  });
}

}  // namespace sio::transport
