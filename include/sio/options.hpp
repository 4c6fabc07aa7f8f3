#pragma once
/// \file
/// sio::ServerOptions: every setting of a Socket.IO server, with Node's defaults.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sio/adapter/adapter.hpp"
#include "sio/fwd.hpp"
#include "sio/log.hpp"
#include "sio/transport/transport.hpp"

namespace sio {

/// Cross-origin settings for browser clients served from another origin.
struct CorsOptions {
  /// Allowed origins, e.g. {"https://example.com"}; {"*"} allows any. Empty: no CORS headers.
  ///
  /// Browsers do not apply CORS to WebSockets, so without "*" the server checks WebSocket
  /// handshakes itself: one whose Origin is neither listed nor the server's own (its host and port
  /// equal the Host header) is refused with 403. A handshake without Origin (clients that are not
  /// browsers, such as Node's) passes.
  std::vector<std::string> origins;
  /// Send `Access-Control-Allow-Credentials: true` (cookies with cross-origin requests). Browsers
  /// send credentials only to origins listed by name: with {"*"} the answer stays
  /// `Access-Control-Allow-Origin: *`, as with Node's `cors: { origin: "*", credentials: true }`.
  bool credentials = false;
};

/// What a server does with a packet that would take the bytes waiting for one client past
/// ServerOptions::max_buffered_bytes: the client reads too slowly, or not at all.
enum class OverflowPolicy {
  /// Close the client's connection (DisconnectReason::send_buffer_full, a log line); the
  /// emit returns SendStatus::queue_full and a reply awaited from it fails with
  /// sio::error::queue_full.
  disconnect,
  /// Keep the connection and drop the packet: the emit returns SendStatus::queue_full, a reply
  /// awaited from it fails with sio::error::queue_full, and the socket's on_drain() handlers
  /// say when the client has caught up.
  drop,
};

/// Settings of a sio::Server. Defaults are Node's, so a client tuned for Node works unchanged.
/// Invalid settings make the Server constructor throw std::invalid_argument.
struct ServerOptions {
  /// Path the server answers on; the client's `path` option must match.
  std::string path = "/socket.io/";
  /// Time between server pings: how soon a silent client is noticed.
  std::chrono::milliseconds ping_interval{25000};
  /// Time a client has to answer a ping before it is considered gone.
  std::chrono::milliseconds ping_timeout{20000};
  /// Time a client has to connect a namespace after opening the connection.
  std::chrono::milliseconds connect_timeout{45000};
  /// Time a transport upgrade may take before it is cancelled.
  std::chrono::milliseconds upgrade_timeout{10000};
  /// Largest message or HTTP body accepted, in bytes (Node's `maxHttpBufferSize`); bigger ones close that connection.
  std::size_t max_http_buffer_size = 1'000'000;
  /// Most bytes that may wait to be sent to one client (its Engine.IO connection, shared by its
  /// namespaces): the polling queue, or what the WebSocket has not handed to the kernel yet.
  /// A packet that would pass it meets `overflow`. 0: no bound (Node's behaviour). A client
  /// that reads nothing while the server broadcasts then costs at most about this much (plus the
  /// write in flight and the kernel's socket buffer). Set it above the largest burst one emit
  /// loop sends to one client without returning to the event loop.
  std::size_t max_buffered_bytes = 1u << 20;
  /// What happens to a packet that would pass max_buffered_bytes.
  OverflowPolicy overflow = OverflowPolicy::disconnect;
  /// Most binary attachments a packet may announce. Together they may hold at most
  /// max_http_buffer_size bytes.
  std::size_t max_attachments = 256;
  /// Most connections open at once; a handshake past it is refused with HTTP 503
  /// (`{"code":3,"message":"Server busy"}`), so that a flood of handshakes cannot take all memory.
  std::size_t max_sessions = 100'000;
  /// Most connections open at once that have not connected a namespace yet (each waits up to
  /// connect_timeout); a handshake past it gets HTTP 503 too. A client that opens connections
  /// and never uses them is bounded by this, the well-behaved ones connect a namespace at once.
  std::size_t max_unconnected_sessions = 10'000;
  /// Most connections one client address may open in handshake_window; 0 (the default) sets no
  /// limit. The official client reconnects with a backoff of its own, so a limit such as 20 per
  /// 10 s holds back scripted floods from one address without touching real clients (many
  /// clients behind one NAT share an address: leave room for them). A handshake past it gets
  /// HTTP 429 `{"code":3,"message":"Too many requests"}` and a log line.
  std::size_t max_handshakes_per_address = 0;
  /// The window of max_handshakes_per_address: a burst of max_handshakes_per_address at once,
  /// then one more per handshake_window / max_handshakes_per_address.
  std::chrono::milliseconds handshake_window{10000};
  /// Deepest nesting of arrays and objects accepted in a packet's payload (its outer array
  /// counts as 1); a deeper packet closes its connection as a parse error, so that hostile
  /// input cannot exhaust the stack. 128 is the limit serde_json (and so socketioxide) applies.
  std::size_t max_json_depth = 128;
  /// Most namespaces one client (one Engine.IO connection) may have connected at once; a
  /// CONNECT past it is refused with a connect_error ("Too many namespaces") and a log line.
  std::size_t max_namespaces_per_client = 100;
  /// Time the attachments of a binary packet have to arrive after the packet; a connection
  /// that leaves them missing longer is closed (what they hold so far is memory the server keeps).
  std::chrono::milliseconds attachment_timeout{30000};
  /// Transports clients may use: "polling", "websocket".
  std::vector<std::string> transports{"polling", "websocket"};
  /// Whether a polling client may upgrade to WebSocket.
  bool allow_upgrades = true;
  /// Cross-origin settings.
  CorsOptions cors;
  /// Number of reverse proxies in front of the server (nginx, a load balancer...), each of which
  /// appends the address it saw to `X-Forwarded-For`; 0 (the default) when clients connect
  /// directly. A connection's requests must all come from the address that opened it, so that
  /// nobody else can take it over with its id: behind a proxy that address is the one the
  /// proxies recorded, the n-th from the right in `X-Forwarded-For`. Leave it 0 without a proxy:
  /// clients would choose their own address.
  std::size_t trusted_proxies = 0;
  /// When not '\0', the last character of every connection id (Engine.IO `sid`) this server
  /// makes; the other characters stay random. It tells which server of several holds a
  /// connection, so that whatever is in front of them (sio::ServerGroup sets it for its own
  /// servers, or a proxy of the application's) can send each of its requests to that server.
  /// One of the URL-safe base64 characters `A-Z a-z 0-9 - _`; anything else throws.
  char sid_mark = '\0';
  /// Decides on each new connection from its first request; false refuses it with 403.
  std::function<bool(const transport::HttpRequest&)> allow_request;
  /// Serve the browser client at `<path>socket.io.js` (and `.map`) from `client_file`.
  bool serve_client = true;
  /// Path of the `socket.io.js` bundle to serve (from the socket.io-client npm package:
  /// `node_modules/socket.io-client/dist/socket.io.js`). Empty: nothing is served.
  std::string client_file;
  /// Where log lines go; silent when empty.
  Logger logger;
  /// Makes each namespace's adapter; sio::InMemoryAdapter when empty.
  AdapterFactory adapter;
  /// The wire format of Socket.IO packets (Node's `parser`); sio::protocol::JsonParser, the
  /// JavaScript client's default, when empty.
  std::shared_ptr<const protocol::Parser> parser;
};

}  // namespace sio
