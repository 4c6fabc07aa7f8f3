#pragma once
/// \file
/// An outgoing Engine.IO packet, encoded once and shared by every receiver.

#include <memory>
#include <string>
#include <utility>

namespace sio::engineio {

/// The bytes of one outgoing Engine.IO packet, as a WebSocket frame carries them.
///
/// A text packet holds its type digit and data (`"4hello"`); a binary packet holds the raw bytes
/// (no prefix). Polling encodes the same frame into a payload (`b<base64>` for binary).
/// A broadcast builds one FrameData and hands the same pointer to every receiver; a transport may
/// attach its own prepared form of the frame (`prepared`) on first send and reuse it for the others.
struct FrameData {
  std::string bytes;                 ///< Packet as sent on a WebSocket.
  bool binary = false;               ///< True for a binary message packet.
  mutable std::shared_ptr<void> prepared;  ///< Transport-owned cache of the encoded frame; touched on the I/O thread only.

  /// An empty text frame.
  FrameData() = default;
  /// A frame of bytes `b`; binary when `bin` is true (see make_text_frame() and make_binary_frame()).
  FrameData(std::string b, bool bin) : bytes(std::move(b)), binary(bin) {}
};

/// Shared, immutable handle to a FrameData.
using Frame = std::shared_ptr<const FrameData>;

/// Makes a text frame from its full Engine.IO encoding (type digit first).
inline Frame make_text_frame(std::string encoded) {
  return std::make_shared<const FrameData>(std::move(encoded), false);
}

/// Makes a binary message frame from raw bytes.
inline Frame make_binary_frame(std::string bytes) {
  return std::make_shared<const FrameData>(std::move(bytes), true);
}

}  // namespace sio::engineio
