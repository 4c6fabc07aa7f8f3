#pragma once
/// \file
/// Forward declarations of sio's public handles and of the Socket.IO layer's state behind them,
/// so that headers can name each other's types without including each other.

namespace sio {

class Ack;
class Args;
class BroadcastOperator;
class ConnectError;
class Handshake;
class Namespace;
class Next;
class RemoteSocket;
class Socket;
class SocketEmitter;
class Value;
struct Event;
struct ServerOptions;

class Adapter;
class AdapterHost;
class InMemoryAdapter;
struct BroadcastOptions;
struct SocketDetails;

template <class Transport>
class Server;

namespace protocol {
class OutgoingPacket;
class Parser;
struct Packet;
}  // namespace protocol

/// The Socket.IO layer's state (include/sio/socketio/), which the public handles refer to.
namespace detail {
class NamespaceState;
class ServerCore;
class ServerLink;
struct AckState;
struct Client;
struct SocketState;
}  // namespace detail

}  // namespace sio
