"use strict";
// A graceful close: the server emits a burst to everyone and closes at once (io.close with a
// deadline). Clients on WebSocket and on polling both receive the whole burst before the close,
// which they see as "transport close"; afterwards the server accepts nobody. (Against Node's
// reference server the polling client loses its burst: see below.)

const { run, step, once, connect, connect_error, expect_equal } = require("./lib");
const { io } = require("socket.io-client");

const COUNT = 200;
const SIZE = 1000;

function collect(socket) {
  const got = [];
  socket.on("burst", (i, payload) => got.push(payload.length === SIZE ? i : -1));
  return got;
}

run("shutdown", async (url) => {
  step("connect on both transports");
  const ws = await connect(url, { transports: ["websocket"] });
  const polling = await connect(url, { transports: ["polling"] });
  const from_ws = collect(ws);
  const from_polling = collect(polling);
  const ws_gone = once(ws, "disconnect", 6000);
  const polling_gone = once(polling, "disconnect", 6000);

  step("burst, then close");
  ws.emit("shutdown", COUNT, SIZE);
  expect_equal((await ws_gone)[0], "transport close", "websocket: the reason the client sees");
  // Node's server stops listening at once, so the GET that would fetch the close packet fails
  // there; sio answers it.
  const reference = process.env.SIO_INTEROP_REFERENCE === "1";
  expect_equal((await polling_gone)[0], reference ? "transport error" : "transport close",
               "polling: the reason the client sees");
  const all = Array.from({ length: COUNT }, (_, i) => i);
  expect_equal(from_ws, all, "websocket: every event of the burst, in order, before the close");
  // Node's server loses the polling client's burst along with the close; sio delivers both.
  if (!reference) expect_equal(from_polling, all, "polling: every event of the burst, in order, before the close");

  step("nobody gets in afterwards");
  const late = io(url, { forceNew: true, reconnection: false, transports: ["polling"] });
  await connect_error(late);
  late.close();
}, { timeout_ms: 15000 });
