#pragma once
/// \file
/// sio::SendStatus: what happened to a packet handed to emit().

namespace sio {

/// What happened to a packet handed to emit().
enum class SendStatus {
  sent,          ///< Handed to the transport.
  queued,        ///< Queued until the transport can take it (a long-polling client between
                 ///< requests), or, for a call made off the I/O thread, posted to it.
  dropped,       ///< Not sent: a volatile packet while the client was not ready.
  disconnected,  ///< Not sent: the socket is no longer connected, or its server is gone.
  queue_full,    ///< Not sent: it would take what waits for the client past
                 ///< ServerOptions::max_buffered_bytes (OverflowPolicy::drop), or the client
                 ///< was disconnected for it (OverflowPolicy::disconnect).
};

}  // namespace sio
