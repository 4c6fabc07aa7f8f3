// The default parser (declared in sio/protocol/parser.hpp).

#include "sio/protocol/parser.hpp"

#include <string>

namespace sio::protocol {

EncodedPacket JsonParser::encode(const OutgoingPacket& packet) const {
  // The header is written here, then into the room the packet keeps before its payload: one
  // buffer from the payload writer to the socket. The scratch string keeps its capacity.
  thread_local std::string header;
  header.assign(1, '4');
  protocol::encode(header, packet.type(), packet.nsp(), packet.id(), nullptr, packet.attachments().size());
  return EncodedPacket{packet.frame_with_prefix(header), packet.attachments()};
}

std::unique_ptr<PacketDecoder> JsonParser::make_decoder(const DecoderOptions& options) const {
  return std::make_unique<Decoder>(options);
}

}  // namespace sio::protocol
