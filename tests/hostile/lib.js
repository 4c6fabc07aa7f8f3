"use strict";
// Shared helpers for the hostile-client cases. Each case is a script run as
//   node <case>.test.js http://127.0.0.1:<port>
// against sio's interop server (tests/interop/README.md says what it does). A case plays a client
// that misbehaves, with bytes the official client would never send where it must, and keeps a
// well-behaved bystander connected throughout: the bystander must still exchange messages at the
// end and must never have been disconnected. Nothing here sleeps: every wait is bounded.

const fs = require("fs");
const http = require("http");
const WebSocket = require("ws");
const lib = require("../interop/lib.js");

const { WAIT_MS, connect, call, expect, expect_equal, within } = lib;

/// Two well-behaved clients, one on WebSocket and one held on long-polling, connected until the end.
async function bystander(url) {
  const sockets = [
    await connect(url, { transports: ["websocket"] }),
    await connect(url, { transports: ["polling"] }),
  ];
  const disconnects = [];
  for (const s of sockets) s.on("disconnect", (reason) => disconnects.push(`${s.id}: ${reason}`));
  return {
    sockets,
    /// Checks that both still answer an echo and that neither was ever disconnected.
    async check(what = "the bystanders") {
      expect(disconnects.length === 0, `${what} were not disconnected (${disconnects.join(", ")})`);
      for (const s of sockets) {
        const payload = { still: "here", n: [1, 2, 3], text: "h\u00e9llo \ud83d\ude00" };
        expect_equal(await call(s, "echo", payload), [payload], `${what}: echo over ${s.io.engine.transport.name}`);
      }
    },
    close() {
      for (const s of sockets) s.disconnect();
    },
  };
}

/// The Engine.IO endpoint of `url` with `query` (an object) added to EIO=4.
function endpoint(url, query = {}) {
  const u = new URL("/socket.io/", url);
  u.searchParams.set("EIO", "4");
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u;
}

/// One HTTP request; resolves with { status, headers, body } (body as a Buffer). `body` may be a
/// string or a Buffer, sent as it is. `local_address` is the loopback address to send from
/// (another client than the bystanders' 127.0.0.1, e.g. "127.0.0.2").
function request(url, { method = "GET", path = "/", headers = {}, body, local_address } = {}, ms = WAIT_MS) {
  return within(
    new Promise((resolve, reject) => {
      const options = { method, headers, agent: false };
      if (local_address) options.localAddress = local_address;
      const req = http.request(new URL(path, url), options, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    }),
    ms,
    `${method} ${path}`,
  );
}

/// A raw WebSocket on the Engine.IO endpoint. `messages` collects what arrives (text as strings,
/// binary as Buffers); next() resolves with the next one; closed resolves with { code, reason }.
/// With `answer_pings`, each ping is answered with one pong and counted in `pings` instead. Other
/// options go to the `ws` constructor (`origin`, `localAddress`...). A refused handshake rejects
/// `opened` with an error whose `status` and `body` are the server's answer (see refusal()).
function raw_websocket(url, query = {}, { answer_pings = false, ...options } = {}) {
  const u = endpoint(url, { transport: "websocket", ...query });
  u.protocol = "ws:";
  const ws = new WebSocket(u, options);
  const messages = [];
  const waiters = [];
  const self = { pings: 0 };
  const ping_waiters = [];  // [count, resolve]
  ws.on("message", (data, binary) => {
    const m = binary ? Buffer.from(data) : data.toString("utf8");
    if (answer_pings && m === "2") {
      ws.send("3");
      self.pings++;
      for (const w of ping_waiters.splice(0)) {
        if (self.pings >= w[0]) w[1]();
        else ping_waiters.push(w);
      }
      return;
    }
    const w = waiters.shift();
    if (w) w(m);
    else messages.push(m);
  });
  const closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  const opened = within(
    new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
      ws.once("unexpected-response", (req, res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const error = new Error(`upgrade refused: HTTP ${res.statusCode}`);
          error.status = res.statusCode;
          error.body = Buffer.concat(chunks).toString("utf8");
          reject(error);
          req.destroy();
        });
      });
    }),
    WAIT_MS,
    "WebSocket open",
  );
  return Object.assign(self, {
    ws,
    opened,
    closed,
    messages,
    /// The next message, waiting up to `ms`.
    next(ms = WAIT_MS) {
      if (messages.length) return Promise.resolve(messages.shift());
      return within(new Promise((resolve) => waiters.push(resolve)), ms, "a WebSocket message");
    },
    send(data) {
      ws.send(data);
    },
    /// Resolves once `n` pings were answered; rejects if the socket closes first or after `ms`.
    answered_pings(n, ms = WAIT_MS) {
      if (self.pings >= n) return Promise.resolve();
      const closed_first = closed.then(() => {
        throw new Error(`the WebSocket closed after ${self.pings} of ${n} pings`);
      });
      return within(Promise.race([new Promise((resolve) => ping_waiters.push([n, resolve])), closed_first]), ms, `${n} pings`);
    },
    close() {
      ws.terminate();
    },
  });
}

/// Resolves with the { status, body } with which the server refused the handshake of `c` (a
/// raw_websocket()); rejects if the WebSocket opened instead.
async function refusal(c) {
  try {
    await c.opened;
  } catch (error) {
    if (error.status) return { status: error.status, body: error.body };
    throw error;
  }
  c.close();
  throw new Error("the WebSocket handshake was accepted");
}

/// Opens a raw WebSocket that answers pings, reads the Engine.IO open packet and connects namespace
/// "/"; resolves with the raw socket, the Engine.IO sid and the socket id (for reason_of()).
async function raw_client(url, query = {}, options = { answer_pings: true }) {
  const c = raw_websocket(url, query, options);
  await c.opened;
  const open = await c.next();
  expect(open[0] === "0", `an open packet first (got ${JSON.stringify(open)})`);
  const { sid } = JSON.parse(open.slice(1));
  c.send("40");
  const connected = await c.next();
  expect(connected.startsWith("40{"), `a CONNECT answer (got ${JSON.stringify(connected)})`);
  return { client: c, sid, id: JSON.parse(connected.slice(2)).sid };
}

/// The server's resident memory in KiB, from /proc (the runner passes its process id).
function server_rss_kib() {
  expect(process.env.SIO_SERVER_PID, "SIO_SERVER_PID is set by the runner");
  const status = fs.readFileSync(`/proc/${process.env.SIO_SERVER_PID}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]);
}

/// Checks that the server's memory grew by less than `bound_kib` since `before_kib` (from
/// server_rss_kib()). Under a sanitizer (SIO_SERVER_SANITIZER, set by the build) the server's
/// memory is the sanitizer allocator's, held back in quarantine and mirrored in shadow memory:
/// the growth is printed, not checked; the normal build checks it.
function expect_memory_growth(before_kib, bound_kib) {
  const growth = server_rss_kib() - before_kib;
  const sanitizer = process.env.SIO_SERVER_SANITIZER;
  if (sanitizer) {
    console.log(`server memory grew by ${growth} KiB; not checked under the ${sanitizer} sanitizer (bound: ${bound_kib} KiB)`);
    return;
  }
  expect(growth < bound_kib, `server memory grew by ${growth} KiB (bound: ${bound_kib} KiB)`);
}

module.exports = { ...lib, bystander, endpoint, request, raw_websocket, refusal, raw_client, server_rss_kib, expect_memory_growth };
