// libFuzzer target: the MessagePack reader (protocol::msgpack::read) and writer, as the Redis
// adapter uses them on what other servers of a cluster publish.
//
// Input: MessagePack bytes, read with binary attachments enabled and a small depth limit. A value
// that reads is checked: its strings are valid UTF-8 (its JSON text, as sio writes it for
// clients, is too); writing it back and reading that again gives the same JSON text and the same
// attachments, and writing that gives the same bytes (read -> write -> read is stable). A value
// that does not read leaves no attachment behind. Any mismatch aborts.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sio/detail/utf8.hpp"
#include "sio/protocol/msgpack.hpp"
#include "sio/protocol/packet.hpp"

namespace {

namespace msgpack = sio::protocol::msgpack;

[[noreturn]] void fail(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "msgpack: %s: %.*s\n", what, static_cast<int>(detail.size()), detail.data());
  std::abort();
}

std::string json(const rapidjson::Value& v) {
  std::string out;
  sio::protocol::append_json(out, v);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  msgpack::ReadLimits limits;
  limits.max_depth = 16;

  rapidjson::MemoryPoolAllocator<> alloc;
  rapidjson::Value value;
  std::vector<std::string> attachments;
  std::size_t consumed = 0;
  if (msgpack::read(in, value, alloc, &attachments, consumed, limits)) {
    if (!attachments.empty()) fail("a refused value left attachments");
    if (!value.IsNull()) fail("a refused value left a value");
    return 0;
  }
  if (consumed == 0 || consumed > size) fail("consumed out of range");
  const std::string text = json(value);
  if (!sio::detail::is_valid_utf8(text)) fail("JSON text not UTF-8", text);

  std::string written;
  msgpack::Writer(written).value(value, &attachments);
  rapidjson::MemoryPoolAllocator<> alloc2;
  rapidjson::Value again;
  std::vector<std::string> attachments2;
  if (msgpack::read_all(written, again, alloc2, &attachments2, limits)) fail("written value does not read", text);
  if (json(again) != text) fail("read -> write -> read changed the value", text);
  if (attachments2 != attachments) fail("read -> write -> read changed the attachments", text);
  std::string rewritten;
  msgpack::Writer(rewritten).value(again, &attachments2);
  if (rewritten != written) fail("write is not stable", text);
  return 0;
}
