#pragma once
// SocketDetails as the JSON of @socket.io/redis-adapter's REMOTE_FETCH responses: what Node's
// fetchSockets() gives for a socket of another server, {id, handshake, rooms, data}, where
// handshake is Node's socket.handshake ({headers, time, address, xdomain, secure, issued, url,
// query, auth}). Internal to sio::redis.

#include <rapidjson/document.h>

#include "sio/adapter/adapter.hpp"

namespace sio::redis::detail {

/// Sets `out` to the JSON object of `socket`, with memory from `alloc`.
void write_socket_details(rapidjson::Value& out, const SocketDetails& socket, rapidjson::MemoryPoolAllocator<>& alloc);

/// Reads a socket another server described (`in`, an object); false when it is not one (no
/// string `id`). Fields missing or of another type are left empty.
bool read_socket_details(const rapidjson::Value& in, SocketDetails& socket);

}  // namespace sio::redis::detail
