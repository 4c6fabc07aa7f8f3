#pragma once
/// \file
/// sio::protocol::PacketDecoder: what a parser's decoder does with one connection's messages.

#include <memory>
#include <string_view>
#include <system_error>

namespace sio::protocol {

struct Packet;

/// Turns the Engine.IO messages of one connection into Socket.IO packets, for one parser's wire
/// format (a Parser makes one per connection). Binary packets become ready once their
/// attachments have arrived. After an error every feed returns that error again: the server
/// closes the connection.
class PacketDecoder {
 public:
  virtual ~PacketDecoder() = default;
  /// One Engine.IO text message (without the '4' prefix).
  virtual std::error_code feed_text(std::string_view message) = 0;
  /// One Engine.IO binary message.
  virtual std::error_code feed_binary(std::string_view bytes) = 0;
  /// True when a complete packet waits for take_shared().
  virtual bool ready() const noexcept = 0;
  /// True while a binary packet waits for its attachments: the server closes a connection that
  /// leaves one waiting too long (ServerOptions::attachment_timeout).
  virtual bool awaiting_attachments() const noexcept = 0;
  /// Hands over the completed packet; null when none is ready.
  virtual std::shared_ptr<Packet> take_shared() noexcept = 0;
};

}  // namespace sio::protocol
