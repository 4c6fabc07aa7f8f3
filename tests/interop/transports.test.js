"use strict";
// Emit and receive over HTTP long-polling only, WebSocket only, and polling upgraded to WebSocket.

const { WAIT_MS, io, run, step, once, within, connect, connected, call, expect, expect_equal } = require("./lib");

/// Round trips every shape of exchange once on `socket`.
async function exercise(socket, label) {
  step(`${label}: echo with ack`);
  expect_equal(await call(socket, "echo", "hello", 1), ["hello", 1], `${label}: ack`);

  step(`${label}: echo without ack`);
  const back = once(socket, "echo-back");
  socket.emit("echo", "héllo", { n: 2 });
  expect_equal(await back, ["héllo", { n: 2 }], `${label}: echo-back`);

  step(`${label}: binary`);
  const bin = Buffer.from([0, 1, 2, 253, 254, 255]);
  expect_equal(await call(socket, "echo", bin, { b: bin }), [bin, { b: bin }], `${label}: binary ack`);

  step(`${label}: large message`);
  const big = "x".repeat(200 * 1024);
  const big_bin = Buffer.alloc(150 * 1024, 7);
  const [s, b] = await call(socket, "echo", big, big_bin);
  expect(s === big, `${label}: a 200 KiB string comes back intact`);
  expect_equal(b, big_bin, `${label}: 150 KiB of binary comes back intact`);
}

run("transports", async (url) => {
  step("polling: connect");
  const polling = await connect(url, { transports: ["polling"] });
  expect(polling.io.engine.transport.name === "polling", "polling-only client uses polling");
  await exercise(polling, "polling");
  expect(polling.io.engine.transport.name === "polling", "polling-only client never upgrades");
  polling.disconnect();

  step("websocket: connect");
  const ws = await connect(url, { transports: ["websocket"] });
  expect(ws.io.engine.transport.name === "websocket", "websocket-only client uses websocket");
  await exercise(ws, "websocket");
  ws.disconnect();

  step("upgrade: connect");
  const socket = io(url, { forceNew: true, reconnection: false });
  const engine = socket.io.engine;
  // The probe starts as soon as the handshake is done, so listen before anything else can happen.
  const upgraded = once(engine, "upgrade");
  const received = [];
  socket.on("echo-back", (n) => received.push(n));
  await connected(socket);

  // Messages sent while the upgrade may be in flight must all arrive, in order.
  step("upgrade: emits around the upgrade");
  const first_transport = engine.transport.name;
  for (let i = 0; i < 10; ++i) socket.emit("echo", i);
  await upgraded;
  expect(first_transport === "polling" || first_transport === "websocket", "a known first transport");
  expect(engine.transport.name === "websocket", "the upgrade event leaves the client on websocket");
  const all_back = new Promise((resolve) => {
    socket.on("echo-back", () => {
      if (received.length === 20) resolve();
    });
  });
  for (let i = 10; i < 20; ++i) socket.emit("echo", i);
  step("upgrade: all echo-backs");
  await within(all_back, WAIT_MS, "20 echo-backs");
  expect_equal(received, [...Array(20).keys()], "echo-backs across the upgrade, in order");

  await exercise(socket, "upgraded");
  expect(engine.transport.name === "websocket", "still on websocket");
  socket.disconnect();
});
