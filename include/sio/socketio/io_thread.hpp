#pragma once
// Debug-build checks that a call documented "on the I/O thread only" is made there.

#include <cassert>

#include "sio/socketio/server_link.hpp"

namespace sio::detail {

// Asserts (in debug builds) that the caller may touch the server behind `link` now: on its I/O
// thread, or before it serves anyone (setting a server up before running its io_context).
inline void assert_io_thread([[maybe_unused]] const ServerLink* link) noexcept {
  assert((!link || link->may_touch_state()) && "sio: this call is for the server's I/O thread only (see its documentation)");
}

}  // namespace sio::detail
