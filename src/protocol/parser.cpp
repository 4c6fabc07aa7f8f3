// The default parser (declared in sio/protocol/parser.hpp).

#include "sio/protocol/parser.hpp"

namespace sio::protocol {

EncodedPacket JsonParser::encode(const OutgoingPacket& packet) const {
  std::string text;
  text.reserve(packet.payload().size() + packet.nsp().size() + 24);
  text.push_back('4');
  protocol::encode(text, packet.type(), packet.nsp(), packet.id(), nullptr, packet.attachments().size());
  text.append(packet.payload());
  return EncodedPacket{engineio::make_text_frame(std::move(text)), packet.attachments()};
}

std::unique_ptr<PacketDecoder> JsonParser::make_decoder(const DecoderOptions& options) const {
  return std::make_unique<Decoder>(options);
}

}  // namespace sio::protocol
