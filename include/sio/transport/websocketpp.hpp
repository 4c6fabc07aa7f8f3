#pragma once
/// \file
/// HTTP long-polling and WebSocket on standalone Asio, through websocketpp.
///
/// websocketpp stays inside the compiled library (it does not build as C++20), so this header
/// names nothing of it: applications of any standard include it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "sio/transport/transport.hpp"

namespace asio {
class io_context;
}  // namespace asio

namespace sio::transport {

/// Settings of a websocketpp transport, fixed at construction.
struct WebsocketppOptions {
  /// Bytes of the read buffer each connection owns. Memory per idle client is a product figure,
  /// so the default is small; larger messages simply take several reads. websocketpp sizes this
  /// buffer at compile time, so the value is rounded up to 1 KiB, 4 KiB, 16 KiB or 64 KiB; 0 or
  /// more than 64 KiB throws std::invalid_argument. 1 KiB saves 3 KiB per client over 4 KiB.
  std::size_t read_buffer_size = 1024;
  /// Pending connections the kernel queues before accept; bursts of reconnecting clients need room.
  int listen_backlog = 1024;
  /// SO_REUSEADDR on the listening socket, so a restarted server can bind while old sockets linger.
  bool reuse_address = true;
  /// SO_REUSEPORT on the listening socket: several transports (one per thread, each with its own
  /// io_context and Server) may listen on the same address and port, and the kernel spreads new
  /// connections among them. Clients that connect by WebSocket directly need nothing more; an
  /// HTTP long-polling session sends several requests, which must all reach the server that
  /// opened it, so such a setup either allows only the "websocket" transport
  /// (ServerOptions::transports) or routes requests by their `sid` in front of the servers.
  /// Broadcasts reach only the sockets of the Server they are made on: emit on each of them (an
  /// emit is safe from any thread).
  bool reuse_port = false;
  /// Longest a client may take to send the headers of its request (an HTTP request or a
  /// WebSocket upgrade), from the moment the server starts reading it (after the TLS handshake,
  /// over TLS); a client that takes longer has its connection closed without an answer. A client
  /// that opens connections and trickles headers (slowloris) holds each for this long at most.
  std::chrono::milliseconds header_timeout{10'000};
  /// Longest a client may take to send its whole request, headers and body, counted from the
  /// same moment. A polling POST of max_http_buffer_size (1 MB) needs about 140 kbit/s to make it
  /// in the default 60 s; raise it for slower links or larger bodies. Must be at least
  /// header_timeout.
  std::chrono::milliseconds request_timeout{60'000};
};

/// The transport that serves Engine.IO over HTTP long-polling and WebSocket on an
/// `asio::io_context`, using websocketpp 0.8.2.
///
/// Everything, handlers included, runs on the io_context given to the constructor, which must be
/// run by one thread; the object must be used from that thread. Handlers are reached through
/// mount(): requests whose path starts with a mounted path go to its Handler, others to the HTTP
/// callback (or get 404).
///
/// \code
/// asio::io_context ioc;
/// sio::transport::websocketpp transport(ioc);
/// transport.mount("/socket.io/", engine, {});
/// if (auto ec = transport.listen(3000)) { /* port taken, ... */ }
/// ioc.run();
/// \endcode
///
/// What websocketpp 0.8.2 imposes on users:
/// - An HTTP connection serves one request: responses carry `Connection: close`.
/// - Request headers come sorted by name, with repeated headers joined by ", ", and the first
///   spelling of each name kept. A response holds one header of each name: repeated names in
///   `respond()` are joined by ", ".
/// - Chunked request bodies are refused with 411 (websocketpp does not read them).
/// - The body limit of a request is checked against `Content-Length` before the body is read,
///   with the largest limit of all mounts (websocketpp knows the limit before it knows the path);
///   the mount's own limit is applied once the path is known (413 either way).
/// - `Expect: 100-continue` is not answered: such clients send their body after their own delay.
///
/// A client that closes (or half-closes) its connection, or resets it, while its response is
/// deferred is reported through Handler::on_http_aborted as soon as it happens. A client that
/// vanishes without a word (cable pulled) is not seen: the Engine.IO heartbeat ends its session.
class websocketpp {
 public:
  /// Creates a transport on `ioc`; nothing listens until listen().
  /// Throws std::invalid_argument for an unsupported read_buffer_size, or timeouts that do not
  /// fit (header_timeout not positive, request_timeout shorter than header_timeout).
  explicit websocketpp(asio::io_context& ioc, WebsocketppOptions options = {});
  /// Stops listening and closes every connection without calling any handler again.
  /// Connections finish their closing handshake on the io_context afterwards, if it still runs.
  /// Virtual: a websocketpp_tls (sio::tls) is a websocketpp too, so an application that picks
  /// TLS or not at run time may own either through a pointer to this class, and run a
  /// `Server<websocketpp>` on it.
  virtual ~websocketpp();
  websocketpp(const websocketpp&) = delete;
  websocketpp& operator=(const websocketpp&) = delete;

  /// The io_context everything runs on.
  asio::io_context& context() noexcept;
  /// The current time on sio's clock (std::chrono::steady_clock).
  TimePoint now() const;
  /// Makes a disarmed timer on the io_context; `on_expiry` runs on it when an arming expires.
  /// The timer may be destroyed at any time, including from `on_expiry`.
  std::unique_ptr<Timer> make_timer(std::function<void()> on_expiry);
  /// Runs `fn` later on the io_context. Safe to call from any thread.
  void post(std::function<void()> fn);
  /// Whether the calling thread is running the io_context (the I/O thread).
  bool running_in_this_thread() const noexcept;

  /// Sends HTTP requests and WebSocket upgrades whose path starts with `path` (e.g.
  /// "/socket.io/") to `handler`, which must outlive the mount. The longest matching path wins;
  /// mounting a path again replaces its handler (as unmount() then mount()).
  void mount(std::string path, Handler& handler, MountOptions options);
  /// Removes a mount: its WebSockets are closed (going away) and its pending HTTP requests
  /// answered 503, without calling its handler again. Unknown paths are ignored.
  void unmount(const std::string& path);
  /// Receives HTTP requests on paths that are not mounted (bodies up to 1 MB). Without a
  /// callback they get 404. Upgrades on paths that are not mounted always get 404.
  void set_http_callback(HttpCallback cb);

  /// Chooses the transport that serves a new connection, from the first line of its request
  /// (`GET /socket.io/?EIO=4&transport=polling&sid=... HTTP/1.1`, without the line end).
  using Router = std::function<websocketpp*(std::string_view request_line)>;
  /// Has `router` choose, for each connection this transport accepts, the transport that serves
  /// it: null or this one serves it here, another one (on another io_context, typically) gets it
  /// through adopt(). This is how several transports listening on one port with reuse_port send
  /// every request of an Engine.IO session to the one that holds it (sio::ServerGroup). The
  /// line is read first, within header_timeout (a client that sends none in time is let go);
  /// a line longer than 8 KiB is served here. The router runs on this transport's I/O thread.
  /// Call it before listen(), on the I/O thread. Plain TCP only: over TLS the request is hidden
  /// until the TLS handshake, so a websocketpp_tls throws std::logic_error.
  void set_router(Router router);
  /// Serves a TCP connection accepted elsewhere: `native_socket`, connected, becomes this
  /// transport's, and `already_read` is what was read of it already (the start of its request),
  /// which is served as if read now. Safe to call from any thread: it runs on this transport's
  /// io_context. A closed transport closes the socket; so does a websocketpp_tls given bytes
  /// already read (TLS records cannot be replayed into its stream).
  void adopt(int native_socket, std::string already_read = {});

  /// Binds `address`:`port` and starts accepting; port 0 picks a free port (see local_port()).
  /// Returns the bind or listen error, if any. Fails after close().
  std::error_code listen(std::uint16_t port, const std::string& address = "0.0.0.0");
  /// The port bound by the last successful listen(), or 0.
  std::uint16_t local_port() const noexcept;
  /// Stops accepting connections; established ones are kept.
  void stop_listening();
  /// Stops listening and closes every connection: WebSockets get a closing handshake (going away)
  /// and then Handler::on_ws_close; pending HTTP requests get Handler::on_http_aborted and a 503.
  /// Safe to call more than once; the transport cannot listen again afterwards.
  void close();

  /// Internal state, defined in the compiled library.
  class impl;

 protected:
  /// A transport on `ioc` with the state a variant made (websocketpp_tls: connections over TLS).
  /// The state comes first, so that `websocketpp(ioc, {...})` still means the options.
  websocketpp(std::shared_ptr<impl> state, asio::io_context& ioc);

 private:
  asio::io_context& ioc_;
  std::shared_ptr<impl> impl_;
};

}  // namespace sio::transport
