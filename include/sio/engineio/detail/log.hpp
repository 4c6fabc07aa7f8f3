#pragma once
/// \file
/// Writing one log line through the application's logger, built only when there is one.

#include <string>

#include "sio/log.hpp"

namespace sio::engineio::detail {

/// Joins `parts` (strings and string views) into one message for `logger` at `level`; does
/// nothing, not even the join, when the logger is empty (the default).
template <class... P>
void log(const Logger& logger, LogLevel level, const P&... parts) {
  if (!logger) return;
  std::string msg;
  (msg.append(parts), ...);
  logger(level, msg);
}

}  // namespace sio::engineio::detail
