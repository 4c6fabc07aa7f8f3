"use strict";
// Heartbeat: a client that stops answering pings is dropped with the reason "ping timeout", over
// WebSocket and over HTTP long-polling, while clients that answer stay connected. The silent clients
// speak raw Engine.IO (the official client always answers pings).

const http = require("http");
const path = require("path");
// The ws package that engine.io-client itself uses, wherever npm placed it.
const WebSocket = require(require.resolve("ws", { paths: [path.dirname(require.resolve("engine.io-client"))] }));
const { WAIT_MS, run, step, within, connect, call, expect, expect_equal, reason_of } = require("./lib");

const PING_INTERVAL = 300;
const PING_TIMEOUT = 200;

/// Checks an Engine.IO open packet and returns its handshake object.
function parse_open(packet, label) {
  expect(typeof packet === "string" && packet[0] === "0", `${label}: an open packet first, got ${JSON.stringify(packet)}`);
  const handshake = JSON.parse(packet.slice(1));
  expect_equal(
    [handshake.pingInterval, handshake.pingTimeout, handshake.maxPayload],
    [PING_INTERVAL, PING_TIMEOUT, 1000000],
    `${label}: handshake timings`,
  );
  return handshake;
}

/// The Socket.IO socket id from a CONNECT ack `40{"sid":...}` among `packets`.
function socket_id(packets, label) {
  const ack = packets.find((p) => p.startsWith("40"));
  expect(ack !== undefined, `${label}: a CONNECT ack among ${JSON.stringify(packets)}`);
  return JSON.parse(ack.slice(2)).sid;
}

/// Opens a WebSocket session, connects to "/", never answers a ping; returns the socket id and how long
/// after the open packet the server closed the WebSocket.
async function silent_websocket(url) {
  const ws = new WebSocket(url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket");
  const inbox = [];
  let notify = null;
  let closed = false;
  // One waiter at a time is told of each new frame or of the close.
  const wake = () => {
    const waiter = notify;
    notify = null;
    if (waiter) waiter();
  };
  ws.on("message", (data, is_binary) => {
    inbox.push(is_binary ? data : data.toString());
    wake();
  });
  ws.on("close", () => {
    closed = true;
    wake();
  });
  ws.on("error", () => {});
  const next = () =>
    within(
      new Promise((resolve, reject) => {
        const check = () => {
          if (inbox.length > 0) return resolve(inbox.shift());
          if (closed) return reject(new Error("WebSocket closed early"));
          notify = check;
        };
        check();
      }),
      WAIT_MS,
      "next WebSocket frame",
    );

  step("websocket: open packet");
  parse_open(await next(), "websocket");
  const opened = Date.now();
  step("websocket: connect to /");
  ws.send("40");
  const id = socket_id([await next()], "websocket");

  step("websocket: pings go unanswered");
  let pings = 0;
  await within(
    new Promise((resolve) => {
      const check = () => {
        while (inbox.length > 0) if (inbox.shift() === "2") ++pings;
        if (closed) return resolve();
        notify = check;
      };
      check();
    }),
    WAIT_MS,
    "the server closes the silent WebSocket",
  );
  return { id, pings, after_ms: Date.now() - opened };
}

/// One HTTP request on 127.0.0.1; resolves with {status, body}, or {error} if the connection failed.
function request(url, method, body) {
  return within(
    new Promise((resolve) => {
      const req = http.request(url, { method, agent: false }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
        res.on("error", (error) => resolve({ error }));
      });
      req.on("error", (error) => resolve({ error }));
      if (body !== undefined) {
        req.setHeader("Content-Type", "text/plain;charset=UTF-8");
        req.end(body);
      } else {
        req.end();
      }
    }),
    WAIT_MS,
    `${method} ${url}`,
  );
}

/// Opens a polling session, connects to "/", reads the first ping and never answers it; returns the
/// socket id and the status of a GET made once the session should be gone.
async function silent_polling(url) {
  const base = url + "/socket.io/?EIO=4&transport=polling";
  step("polling: handshake");
  const open = await request(base, "GET");
  expect(open.status === 200, `polling: handshake status ${open.status}`);
  const handshake = parse_open(open.body.split("\x1e")[0], "polling");
  const opened = Date.now();
  const session = `${base}&sid=${encodeURIComponent(handshake.sid)}`;

  step("polling: connect to /");
  const post = await request(session, "POST", "40");
  expect(post.status === 200, `polling: POST 40 status ${post.status}`);
  const id = socket_id((await request(session, "GET")).body.split("\x1e"), "polling");

  step("polling: first ping");
  const ping = await request(session, "GET");
  expect_equal(ping.body, "2", "polling: the ping");

  // Not answering: this long poll ends when the server drops the session.
  step("polling: wait for the session to end");
  const last = await request(session, "GET");
  const after_ms = Date.now() - opened;
  step("polling: the session is gone");
  const after = await request(session, "GET");
  expect(after.status === 400, `polling: a GET after the ping timeout gets 400, got ${after.status || after.error}`);
  console.log(`polling: the long poll pending at the timeout ended with ${last.error ? last.error.code : `${last.status} ${JSON.stringify(last.body)}`}`);
  return { id, after_ms };
}

run("heartbeat", async (url) => {
  // Clients that answer pings, on both transports, for the whole test.
  step("observers");
  const observers = [await connect(url, { transports: ["websocket"] }), await connect(url, { transports: ["polling"] })];
  const observer_pings = observers.map(() => 0);
  observers.forEach((o, i) => o.io.engine.on("ping", () => ++observer_pings[i]));
  const dropped = [];
  observers.forEach((o) => o.on("disconnect", (reason) => dropped.push(reason)));

  const [ws, polling] = await Promise.all([silent_websocket(url), silent_polling(url)]);

  step("websocket: checks");
  expect(ws.pings >= 1, `websocket: the server pinged (${ws.pings} pings)`);
  expect(ws.after_ms >= PING_INTERVAL + PING_TIMEOUT - 100, `websocket: dropped only after the ping timeout (${ws.after_ms} ms)`);
  expect_equal(await reason_of(observers[0], ws.id), "ping timeout", "websocket: the server's reason");

  step("polling: checks");
  expect(polling.after_ms >= PING_INTERVAL + PING_TIMEOUT - 100, `polling: dropped only after the ping timeout (${polling.after_ms} ms)`);
  expect_equal(await reason_of(observers[1], polling.id), "ping timeout", "polling: the server's reason");

  step("observers survived");
  expect_equal(dropped, [], "no observer was disconnected");
  expect(observer_pings.every((n) => n >= 1), `observers answered pings (${observer_pings})`);
  for (const o of observers) expect_equal(await call(o, "echo", "alive"), ["alive"], "observer still works");
  observers.forEach((o) => o.disconnect());
});
