#pragma once
/// \file
/// Writing one log line through the application's logger, built only when there is one.

#include <string>
#include <string_view>

#include "sio/log.hpp"

namespace sio::engineio::detail {

/// Appends `text` to `line` in a form that a terminal or a log file cannot misread: control
/// characters (C0, DEL and C1; newlines included) and bytes that are not UTF-8 are written as
/// `\xNN`, the rest as it is. A log line carries what clients sent (namespace and event names,
/// ids): it must not let them forge lines or terminal escapes.
void append_printable(std::string& line, std::string_view text);

/// Joins `parts` (strings and string views) into one message for `logger` at `level`, each made
/// printable by append_printable(); does nothing, not even the join, when the logger is empty
/// (the default).
template <class... P>
void log(const Logger& logger, LogLevel level, const P&... parts) {
  if (!logger) return;
  std::string msg;
  (append_printable(msg, parts), ...);
  logger(level, msg);
}

}  // namespace sio::engineio::detail
