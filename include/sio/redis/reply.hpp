#pragma once
/// \file
/// sio::redis::Reply: one Redis reply (RESP2) as a value.

#include <string>
#include <vector>

namespace sio::redis {

/// A reply of Redis to one command: a tree of strings, integers and arrays, as RESP2 sends it.
struct Reply {
  /// What the reply holds.
  enum class Type {
    string,   ///< A bulk string: `str` (binary-safe).
    array,    ///< An array: `elements`.
    integer,  ///< An integer: `integer`.
    nil,      ///< The null bulk string or array.
    status,   ///< A status line such as "OK": `str`.
    error,    ///< An error line such as "ERR unknown command": `str`.
  };

  Type type = Type::nil;       ///< What it holds.
  std::string str;             ///< For string, status and error.
  long long integer = 0;       ///< For integer.
  std::vector<Reply> elements; ///< For array.

  /// True for an error reply.
  bool is_error() const noexcept { return type == Type::error; }
};

}  // namespace sio::redis
