#pragma once
/// \file
/// Who sent a request: the client address that binds an Engine.IO session to the client that
/// opened it (sio::engineio::ServerOptions::trusted_proxies says how it is found).

#include <cstddef>
#include <string_view>

#include "sio/transport/transport.hpp"

namespace sio::engineio {

/// The address of the client that sent `request`, as a view into it.
///
/// With `trusted_proxies` 0 it is the peer address (HttpRequest::remote_address). With n > 0,
/// n reverse proxies stand in front of the server and each appends the address it saw to
/// `X-Forwarded-For`: the client's is the n-th entry from the right (several X-Forwarded-For
/// headers count as one list, in order). Entries further left were written by the client and
/// may be forged, so they are never read; with fewer than n entries the left-most one is taken,
/// and with none (the request did not come through the proxies) the peer address. A port after
/// the address (`1.2.3.4:5678`, `[::1]:5678`, as some proxies write it) is left out, so that the
/// address of one client is the same on each of its connections.
///
/// \code
/// // Behind one nginx with `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`:
/// // "X-Forwarded-For: 6.6.6.6, 203.0.113.7" from 10.0.0.2 -> "203.0.113.7"
/// std::string_view who = sio::engineio::client_address(request, 1);
/// \endcode
std::string_view client_address(const transport::HttpRequest& request, std::size_t trusted_proxies) noexcept;

}  // namespace sio::engineio
