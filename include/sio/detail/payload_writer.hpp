#pragma once
// Writes the JSON payload of an outgoing packet straight from C++ values, collecting binary
// attachments as it goes: no DOM is built for an emit.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "sio/args.hpp"
#include "sio/engineio/frame.hpp"
#include "sio/protocol/detail/json.hpp"
#include "sio/protocol/packet.hpp"
#include "sio/value.hpp"

namespace sio::detail {

// Appends JSON as JSON.stringify writes it (the codec's writer), placing commas by looking at
// what was written last: a value follows '[', '{' or ':' directly, and a ',' otherwise.
class PayloadWriter {
 public:
  // Appends to `json`, whose first bytes (up to its size now) are not JSON: room left for a header.
  PayloadWriter(std::string& json, std::vector<engineio::Frame>& attachments)
      : out_(json), attachments_(attachments), start_(json.size()) {}

  void start_array() { separate(); out_.push_back('['); }
  void end_array() { out_.push_back(']'); }
  void string(std::string_view s) {
    separate();
    protocol::detail::append_json_string(out_, s.data(), s.size());
  }

  void write(std::nullptr_t) { separate(); out_.append("null"); }
  void write(bool b) { separate(); out_.append(b ? "true" : "false"); }
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  void write(I i) {
    separate();
    if constexpr (std::is_signed_v<I>) protocol::detail::append_int(out_, static_cast<std::int64_t>(i));
    else protocol::detail::append_uint(out_, static_cast<std::uint64_t>(i));
  }
  void write(double d) { separate(); protocol::detail::append_double(out_, d); }
  void write(float f) { write(static_cast<double>(f)); }
  void write(const char* s) { string(s); }
  void write(const std::string& s) { string(s); }
  void write(std::string_view s) { string(s); }
  void write(const Binary& b) { placeholder(engineio::make_binary_frame(std::string(b.bytes()))); }
  void write(Binary&& b) { placeholder(engineio::make_binary_frame(std::move(b).release())); }
  void write(const array& a) {
    start_array();
    for (const auto& v : a.items) write(v);
    end_array();
  }
  void write(const object& o) {
    separate();
    out_.push_back('{');
    for (const auto& [k, v] : o.members) {
      key(k);
      write(v);
    }
    out_.push_back('}');
  }
  void write(const Value& v) {
    std::visit(
        [this](const auto& x) {
          using X = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<X, std::shared_ptr<const rapidjson::Document>>) json(*x, nullptr);
          else write(x);
        },
        v.storage());
  }
  void write(const rapidjson::Value& v) { json(v, nullptr); }
  // Received arguments as one array; their attachments are carried over.
  void write(const Args& a) {
    start_array();
    splice(a);
    end_array();
  }
  // Received arguments written one after the other into the array being written.
  void splice(const Args& a) {
    for (std::size_t i = 0; i < a.size(); ++i) json(a[i], &a);
  }

  // A top-level argument of an emit: Args are spliced (so `emit("echo", args)` sends the same arguments).
  template <class T>
  void argument(T&& v) {
    if constexpr (std::is_same_v<std::decay_t<T>, Args>) splice(v);
    else write(std::forward<T>(v));
  }

  std::size_t attachment_count() const noexcept { return attachments_.size(); }

 private:
  void separate() {
    if (out_.size() == start_) return;
    char last = out_.back();
    if (last != '[' && last != '{' && last != ':') out_.push_back(',');
  }
  void key(std::string_view k) {
    separate();
    protocol::detail::append_json_string(out_, k.data(), k.size());
    out_.push_back(':');
  }
  void placeholder(engineio::Frame frame) {
    separate();
    out_.append("{\"_placeholder\":true,\"num\":");
    protocol::detail::append_uint(out_, attachments_.size());
    out_.push_back('}');
    attachments_.push_back(std::move(frame));
  }

  // Attachment `n` of a received packet, carried over once however many placeholders refer to
  // it: the later ones get the same number, which socket.io-parser reads as the same attachment.
  // A packet that names one attachment many times costs its bytes once, not once per name.
  void source_attachment(const protocol::Packet& packet, std::size_t n) {
    if (&packet != remap_source_) {
      remap_source_ = &packet;
      remap_.assign(packet.attachments.size(), unmapped);
    }
    if (remap_[n] == unmapped) {
      remap_[n] = attachments_.size();
      attachments_.push_back(engineio::make_binary_frame(std::string(packet.attachments[n])));
    }
    separate();
    out_.append("{\"_placeholder\":true,\"num\":");
    protocol::detail::append_uint(out_, remap_[n]);
    out_.push_back('}');
  }

  // A received value: placeholders of `source` are renumbered and their bytes carried over.
  void json(const rapidjson::Value& v, const Args* source) {
    if (source && v.IsObject()) {
      if (auto n = source->attachment_index(v)) {
        source_attachment(*source->packet(), *n);
        return;
      }
    }
    if (source && (v.IsObject() || v.IsArray())) {
      if (v.IsArray()) {
        start_array();
        for (const auto& e : v.GetArray()) json(e, source);
        end_array();
      } else {
        separate();
        out_.push_back('{');
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
          key(std::string_view(it->name.GetString(), it->name.GetStringLength()));
          json(it->value, source);
        }
        out_.push_back('}');
      }
      return;
    }
    separate();
    protocol::detail::append_json(out_, v);
  }

  std::string& out_;
  std::vector<engineio::Frame>& attachments_;
  std::size_t start_;
  // The attachments of the received packet being carried over: its index -> ours.
  static constexpr std::size_t unmapped = static_cast<std::size_t>(-1);
  const protocol::Packet* remap_source_ = nullptr;
  std::vector<std::size_t> remap_;
};

}  // namespace sio::detail
