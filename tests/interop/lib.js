"use strict";
// Shared helpers for the interop scenarios. Each scenario is a script run as
//   node <scenario>.test.js http://127.0.0.1:<port>
// that exits 0 on success and 1 with a message naming the failed step otherwise. Nothing here sleeps:
// every wait is on an event, bounded by a timeout.

const assert = require("assert");
const { io, Manager } = require("socket.io-client");

/// Bound for any single wait on the server (an ack, an event, a connection).
const WAIT_MS = 3000;

let current_step = "start";

/// Names what the scenario is doing, so a failure or a hang says where it happened.
function step(label) {
  current_step = label;
}

/// Runs `body(url)` with a hard deadline; exits the process with 0 on success, 1 on failure.
function run(name, body, { timeout_ms = 10000 } = {}) {
  const url = process.argv[2];
  if (!url) {
    console.error(`usage: node ${name}.test.js <server url>`);
    process.exit(2);
  }
  const started = Date.now();
  const deadline = setTimeout(() => {
    console.error(`${name}: FAIL: no result after ${timeout_ms} ms, during step: ${current_step}`);
    process.exit(1);
  }, timeout_ms);
  Promise.resolve()
    .then(() => body(url))
    .then(
      () => {
        clearTimeout(deadline);
        console.log(`${name}: ok (${Date.now() - started} ms)`);
        process.exit(0);
      },
      (err) => {
        clearTimeout(deadline);
        console.error(`${name}: FAIL during step: ${current_step}`);
        console.error(err && err.stack ? err.stack : String(err));
        process.exit(1);
      },
    );
}

/// Resolves with the arguments of the next `event` on `emitter`; rejects after `ms`.
function once(emitter, event, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no "${event}" event within ${ms} ms (${current_step})`));
    }, ms);
    const listener = (...args) => {
      clearTimeout(timer);
      resolve(args);
    };
    emitter.once(event, listener);
  });
}

/// Resolves or rejects as `promise` does, or rejects naming `what` if it has not settled after `ms`.
function within(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms (${current_step})`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/// Resolves once `socket` is connected to its namespace; rejects on connect_error or after `ms`.
function connected(socket, ms = WAIT_MS) {
  if (socket.connected) return Promise.resolve(socket);
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      socket.off("connect", on_connect);
      socket.off("connect_error", on_error);
    };
    const on_connect = () => {
      done();
      resolve(socket);
    };
    const on_error = (err) => {
      done();
      reject(new Error(`connect_error on "${socket.nsp}": ${err && err.message} (${current_step})`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`"${socket.nsp}" not connected within ${ms} ms (${current_step})`));
    }, ms);
    socket.on("connect", on_connect);
    socket.on("connect_error", on_error);
  });
}

/// Resolves with the error of the next connect_error of `socket`; rejects if it connects instead.
function connect_error(socket, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      socket.off("connect", on_connect);
      socket.off("connect_error", on_error);
    };
    const on_connect = () => {
      done();
      reject(new Error(`"${socket.nsp}" connected but a connect_error was expected (${current_step})`));
    };
    const on_error = (err) => {
      done();
      resolve(err);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no connect_error on "${socket.nsp}" within ${ms} ms (${current_step})`));
    }, ms);
    socket.on("connect", on_connect);
    socket.on("connect_error", on_error);
  });
}

/// Opens a socket on `url` (namespace in the path) with its own Manager, and waits until it is connected.
function connect(url, opts = {}) {
  return connected(io(url, { forceNew: true, reconnection: false, ...opts }));
}

/// Emits `event` with `args` and an ack; resolves with the array of the ack's arguments.
function call(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(WAIT_MS).emit(event, ...args, (err, ...reply) => {
      if (err) reject(new Error(`no ack for "${event}" within ${WAIT_MS} ms (${current_step})`));
      else resolve(reply);
    });
  });
}

/// A comparable form of a value: binary becomes {$bin: hex} whatever its JS type (Buffer, ArrayBuffer,
/// typed array), so payloads can be compared with deepStrictEqual across transports.
function normalize(value) {
  if (Buffer.isBuffer(value)) return { $bin: value.toString("hex") };
  if (value instanceof ArrayBuffer) return { $bin: Buffer.from(value).toString("hex") };
  if (ArrayBuffer.isView(value)) {
    return { $bin: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex") };
  }
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value)) out[key] = normalize(value[key]);
    return out;
  }
  return value;
}

/// Asserts that `actual` equals `expected` after normalize(), naming `what` on failure.
function expect_equal(actual, expected, what) {
  try {
    assert.deepStrictEqual(normalize(actual), normalize(expected));
  } catch (err) {
    throw new Error(
      `${what}: mismatch\n  expected: ${JSON.stringify(normalize(expected))}\n  actual:   ${JSON.stringify(
        normalize(actual),
      )}`,
    );
  }
}

/// Asserts a condition, naming `what` on failure.
function expect(condition, what) {
  if (!condition) throw new Error(`expectation failed: ${what}`);
}

/// Asks the server (through `socket`) for the disconnect reason it recorded for socket `id`. The
/// disconnect may still be travelling on another connection, so a null answer is asked again, each time
/// after a full round trip, until `ms` have passed.
async function reason_of(socket, id, ms = WAIT_MS) {
  const until = Date.now() + ms;
  for (;;) {
    const [reason] = await call(socket, "reason", id);
    if (reason !== null && reason !== undefined) return reason;
    if (Date.now() > until) throw new Error(`no disconnect reason recorded for ${id} within ${ms} ms`);
  }
}

module.exports = {
  WAIT_MS,
  Manager,
  io,
  step,
  run,
  once,
  within,
  connected,
  connect_error,
  connect,
  call,
  normalize,
  expect_equal,
  expect,
  reason_of,
};
