#pragma once
/// \file
/// sio: a Socket.IO v4 server for C++. Include this one header.
///
/// \code
/// #include <sio.hpp>
/// int main() {
///   asio::io_context ioc(1);
///   sio::Server<sio::transport::websocketpp> io(ioc);
///   io.on("connection", [](sio::Socket s) { s.emit("hello", "world"); });
///   io.listen(3000);
///   ioc.run();
/// }
/// \endcode

#include "sio/adapter/adapter.hpp"
#include "sio/adapter/in_memory_adapter.hpp"
#include "sio/adapter/thread_cluster.hpp"
#include "sio/error.hpp"
#include "sio/log.hpp"
#include "sio/options.hpp"
#include "sio/protocol/parser.hpp"
#include "sio/remote_socket.hpp"
#include "sio/server.hpp"
#include "sio/server_group.hpp"
#include "sio/transport/memory.hpp"
#include "sio/transport/websocketpp.hpp"
