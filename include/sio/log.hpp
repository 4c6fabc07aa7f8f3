#pragma once
/// \file
/// How sio reports what happens: through a logger the application sets. The default is silent.

#include <functional>
#include <string_view>

namespace sio {

/// Severity of a log line.
enum class LogLevel { debug, info, warn, error };

/// Name of a level ("debug", "info", "warn", "error").
inline std::string_view to_string(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

/// A logger: called on the I/O thread with a level and a message. Leave it empty for silence.
///
/// \code
/// opts.logger = [](sio::LogLevel lvl, std::string_view msg) {
///   std::fprintf(stderr, "[%s] %.*s\n", sio::to_string(lvl).data(), int(msg.size()), msg.data());
/// };
/// \endcode
using Logger = std::function<void(LogLevel level, std::string_view message)>;

}  // namespace sio
