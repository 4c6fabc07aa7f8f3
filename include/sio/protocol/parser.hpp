#pragma once
/// \file
/// sio::protocol::Parser: the wire format of Socket.IO packets, chosen per server (Node's `parser`
/// option). JsonParser, the JavaScript client's default format, is the default.

#include <memory>

#include "sio/protocol/outgoing_packet.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/protocol/packet_decoder.hpp"

namespace sio::protocol {

/// Encodes the packets a server sends and makes the decoder of each connection. A server holds
/// one parser for all its connections; it is used on the I/O thread only.
///
/// A parser for another format (socket.io-msgpack-parser) derives from this class and encodes
/// OutgoingPacket::decoded(); ServerOptions::parser selects it.
class Parser {
 public:
  virtual ~Parser() = default;
  /// The frames of `packet`.
  virtual EncodedPacket encode(const OutgoingPacket& packet) const = 0;
  /// The decoder of one new connection, enforcing `options`.
  virtual std::unique_ptr<PacketDecoder> make_decoder(const DecoderOptions& options) const = 0;
};

/// The default parser: Socket.IO's text format (`2/chat,12["message","hi"]`) with binary
/// attachments as binary frames of their own.
class JsonParser final : public Parser {
 public:
  /// `4<type>[<n>-][/<nsp>,][<id>]<payload>`, then one binary frame per attachment.
  EncodedPacket encode(const OutgoingPacket& packet) const override;
  /// A protocol::Decoder.
  std::unique_ptr<PacketDecoder> make_decoder(const DecoderOptions& options) const override;
};

}  // namespace sio::protocol
