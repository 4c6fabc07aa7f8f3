#pragma once
/// \file
/// sio::ConnectError and sio::Next: how a middleware lets a client in or refuses it.

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "sio/value.hpp"

namespace sio {

/// An error a middleware passes to Next: the client receives it as `connect_error` with this
/// message and data (`err.message`, `err.data`).
///
/// \code
/// io.use([](sio::Socket s, sio::Next next) { next(sio::ConnectError("not authorized", sio::object{{"code", 42}})); });
/// \endcode
class ConnectError : public std::runtime_error {
 public:
  /// An error with a message and optional data (null for none).
  explicit ConnectError(std::string message, Value data = nullptr)
      : std::runtime_error(message), data_(std::move(data)) {}
  /// The `data` sent to the client beside the message.
  const Value& data() const noexcept { return data_; }

 private:
  Value data_;
};

/// Continues a middleware chain: `next()` passes, `next(ConnectError(...))` stops it.
/// Copyable; may be called later from any handler on the I/O thread; only the first call counts.
class Next {
 public:
  /// A continuation that runs `fn` once.
  explicit Next(std::shared_ptr<std::function<void(const ConnectError*)>> fn) noexcept : fn_(std::move(fn)) {}
  /// Passes to the next middleware (or finishes the chain).
  void operator()() const { call(nullptr); }
  /// Stops the chain with an error.
  void operator()(const ConnectError& err) const { call(&err); }

 private:
  void call(const ConnectError* err) const {
    if (!fn_ || !*fn_) return;
    auto fn = std::move(*fn_);
    *fn_ = nullptr;
    fn(err);
  }
  std::shared_ptr<std::function<void(const ConnectError*)>> fn_;
};

}  // namespace sio
