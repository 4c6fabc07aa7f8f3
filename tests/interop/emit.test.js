"use strict";
// Every JSON type and nested binary, client to server (the emit) and server to client (the echo-back
// and the ack), on WebSocket and on HTTP long-polling.

const { WAIT_MS, run, step, once, within, connect, call, expect_equal } = require("./lib");

const bin = (...bytes) => Buffer.from(bytes);

/// Payloads, each emitted as the arguments of one event.
const CASES = [
  ["no arguments", []],
  ["strings", ["", "plain", "héllo wörld", "日本語", "emoji 😀🎉 and a flag 🇫🇷", "quote \" backslash \\ slash /"]],
  ["control characters", ["tab\tnewline\ncr\r nul\u0000 bell\u0007 sep\u2028\u2029 rs\u001e"]],
  ["integers", [0, 1, -1, 42, 2147483647, -2147483648, 4294967296, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]],
  // Parsing with less than full precision changes some of these by an ulp or more.
  [
    "floats",
    [0.5, -1.25, 0.1, 0.3, 3.141592653589793, 1e-7, 6.02e23, 123456.789e3, 2.2250738585072014e-308, 1.7976931348623157e308, 5e-324],
  ],
  ["booleans and null", [true, false, null]],
  ["objects", [{}, { a: 1, b: "two", c: [3], d: { e: null, f: false } }, { "key with spaces": "ü", "": 0 }]],
  ["arrays", [[], [1, "2", [3, [4, [5, []]]]], [{ x: [{ y: [{ z: true }] }] }]]],
  ["deep nesting", [JSON.parse("[".repeat(32) + "1" + "]".repeat(32))]],
  ["one top-level buffer", [bin(1, 2, 3)]],
  ["empty buffer", [bin()]],
  ["all byte values", [Buffer.from([...Array(256).keys()])]],
  [
    "binary nested in objects and arrays",
    [
      "text first",
      { file: bin(1, 2, 3), meta: { name: "a.bin", parts: [bin(4), bin(5, 6), "not binary", 7] } },
      [bin(0xff, 0xfe), [bin(8, 9, 10)], { deep: { deeper: [bin(11)] } }],
      bin(0x00),
      42,
    ],
  ],
  ["the same buffer twice", [{ a: bin(1, 2), b: bin(1, 2) }, [bin(1, 2), bin(1, 2)]]],
  ["mixed", [1, "two", 3.5, true, null, { six: [6] }, bin(7)]],
];

async function check_all(socket, label) {
  for (const [name, args] of CASES) {
    step(`${label}: ${name}: emit, echo-back`);
    const back = once(socket, "echo-back");
    socket.emit("echo", ...args);
    expect_equal(await back, args, `${label}: ${name}: echo-back`);

    step(`${label}: ${name}: emit with ack`);
    expect_equal(await call(socket, "echo", ...args), args, `${label}: ${name}: ack`);
  }

  // Many emits in a row arrive complete and in order, binary and text interleaved.
  step(`${label}: burst`);
  const received = [];
  const all = new Promise((resolve) => {
    const listener = (...args) => {
      received.push(args);
      if (received.length === 50) {
        socket.off("echo-back", listener);
        resolve();
      }
    };
    socket.on("echo-back", listener);
  });
  const sent = [];
  for (let i = 0; i < 50; ++i) {
    const args = i % 3 === 0 ? [i, { b: bin(i, i + 1) }] : [i, `message ${i} ✓`];
    sent.push(args);
    socket.emit("echo", ...args);
  }
  await within(all, WAIT_MS, `${label}: 50 echo-backs`);
  expect_equal(received, sent, `${label}: 50 echo-backs in order`);
}

run("emit", async (url) => {
  for (const transport of ["websocket", "polling"]) {
    step(`${transport}: connect`);
    const socket = await connect(url, { transports: [transport] });
    await check_all(socket, transport);
    socket.disconnect();
  }
});
