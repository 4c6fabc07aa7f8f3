// Node's socket.io with @socket.io/redis-adapter 8.3 (default options), serving the same events
// as sio's examples/cluster, so that the two kinds of server run side by side in one cluster.
//
// Usage: node node_server.js <port> <redis-url> [--sharded]   (SERVER_NAME names the server; the
// port by default). Listens on 127.0.0.1:<port> (0: a free one) and prints "listening <port>" once
// both Redis clients are connected and subscribed. With --sharded, the adapter is
// createShardedAdapter's (Redis 7 sharded Pub/Sub, default options) rather than createAdapter's.
"use strict";

const http = require("http");
const { Server } = require("socket.io");
const { createAdapter, createShardedAdapter } = require("@socket.io/redis-adapter");
const { createClient } = require("redis");

async function main() {
  const [port, url, mode] = process.argv.slice(2);
  const sharded = mode === "--sharded";
  if (port === undefined || !url || (mode !== undefined && !sharded)) {
    console.error("usage: node node_server.js <port> <redis-url> [--sharded]");
    process.exit(2);
  }
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on("error", (e) => console.error(`redis: ${e.message}`));
  await Promise.all([pub.connect(), sub.connect()]);

  const httpServer = http.createServer();
  // The standalone client of the redis package speaks sharded Pub/Sub too (sSubscribe, sPublish).
  const adapter = sharded ? createShardedAdapter(pub, sub) : createAdapter(pub, sub);
  const io = new Server(httpServer, { adapter, serveClient: false });
  let name = process.env.SERVER_NAME;

  io.on("connection", (socket) => {
    socket.on("whoami", (ack) => ack({ server: name, id: socket.id }));
    socket.on("join", (room, ack) => {
      socket.join(room);
      if (typeof ack === "function") ack(true);
    });
    socket.on("leave", (room, ack) => {
      socket.leave(room);
      if (typeof ack === "function") ack(true);
    });
    socket.on("to-room", ({ room, data }) => io.to(room).emit("room-msg", data));
    socket.on("to-room-except", ({ room, except, data }) => io.to(room).except(except).emit("room-msg", data));
    socket.on("broadcast-from", (data) => socket.broadcast.emit("bcast", data));
    socket.on("fetch", async (room, ack) => {
      const sockets = await (room ? io.in(room) : io).fetchSockets();
      ack(sockets.map((s) => s.id).sort());
    });
    socket.on("fetch-rooms", async (id, ack) => {
      const found = (await io.fetchSockets()).find((s) => s.id === id);
      ack(found ? [...found.rooms].sort() : null);
    });
    socket.on("remote-join", ({ target, room }, ack) => {
      io.in(target).socketsJoin(room);
      ack(true);
    });
    socket.on("remote-leave", ({ target, room }, ack) => {
      io.in(target).socketsLeave(room);
      ack(true);
    });
    socket.on("kick", (target, ack) => {
      io.in(target).disconnectSockets(true);
      ack(true);
    });
    socket.on("sse", (data) => io.serverSideEmit("sse", data));
    socket.on("sse-ack", (ack) => {
      io.serverSideEmit("ping-servers", "who is there?", (err, replies) => ack({ err: !!err, replies: (replies || []).sort() }));
    });
    socket.on("bcast-ack", (ack) => {
      io.timeout(3000).emit("question", "who are you?", (err, replies) => ack({ err: !!err, count: replies.length }));
    });
    socket.on("server-count", async (ack) => ack(await io.of("/").adapter.serverCount()));
  });
  // Events of the other servers.
  io.on("sse", (data) => io.local.emit("sse-got", { server: name, data }));
  io.on("ping-servers", (question, callback) => callback(name));

  // The adapter of "/" subscribed as the server was made; a subscription of our own, confirmed
  // after those on the same connection, tells when Redis has taken them.
  await sub.subscribe(`sio-cluster-test-ready#${process.pid}`, () => {});
  httpServer.listen(Number(port), "127.0.0.1", () => {
    const bound = httpServer.address().port;
    if (!name) name = String(bound);
    console.log(`listening ${bound}`);
  });

  const stop = () => {
    io.close();
    Promise.allSettled([pub.quit(), sub.quit()]).then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
