"use strict";
// Node's own socket.io server implementing the interop contract that tests/interop/interop_server.cpp
// implements in C++. The interop scripts run against either; running them against this one proves the
// scripts themselves test the official behaviour.
//
//   node reference-server.js [port] [--tls-cert FILE --tls-key FILE]    (port 0 or none: a free port;
//                                                                       with the files: HTTPS and WSS)
//
// Prints "listening <port>" on stdout once bound to 127.0.0.1.

const fs = require("fs");
const http = require("http");
const https = require("https");
const { Server } = require("socket.io");

const port = Number(process.argv[2] || 0);
const flag = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const tls_cert = flag("--tls-cert");
const tls_key = flag("--tls-key");

const httpServer = tls_cert
  ? https.createServer({ cert: fs.readFileSync(tls_cert), key: fs.readFileSync(tls_key) })
  : http.createServer();
const io = new Server(httpServer, {
  pingInterval: 300,
  pingTimeout: 200,
  maxHttpBufferSize: 1e6,
  connectTimeout: 1000,
});

// Disconnect reason by socket id, in every namespace, so a client can ask why another socket left.
const reasons = new Map();

function record_disconnects(socket) {
  socket.on("disconnect", (reason) => {
    reasons.set(socket.id, reason);
  });
}

// The last argument is the ack callback when the client asked for one.
function split_ack(args) {
  if (args.length > 0 && typeof args[args.length - 1] === "function") {
    return [args.slice(0, -1), args[args.length - 1]];
  }
  return [args, null];
}

function on_echo(socket) {
  socket.on("echo", (...raw) => {
    const [args, ack] = split_ack(raw);
    if (ack) ack(...args);
    else socket.emit("echo-back", ...args);
  });
}

io.on("connection", (socket) => {
  record_disconnects(socket);
  on_echo(socket);

  socket.on("ask", (ack) => {
    if (typeof ack !== "function") return;
    socket.emit("question", "ok?", (...reply) => ack(...reply));
  });

  socket.on("ask-timeout", (ms, ack) => {
    if (typeof ack !== "function") return;
    socket.timeout(ms).emit("question", "ok?", (err) => ack(err ? "timeout" : "answered"));
  });

  socket.on("join", (room, ack) => {
    socket.join(room);
    if (typeof ack === "function") ack();
  });

  socket.on("leave", (room, ack) => {
    socket.leave(room);
    if (typeof ack === "function") ack();
  });

  socket.on("to", (rooms, event, payload) => socket.to(rooms).emit(event, payload));
  socket.on("in", (rooms, event, payload) => io.in(rooms).emit(event, payload));
  socket.on("except", (rooms, event, payload) => io.except(rooms).emit(event, payload));
  socket.on("broadcast", (event, payload) => socket.broadcast.emit(event, payload));
  socket.on("all", (event, payload) => io.emit(event, payload));

  socket.on("disconnect-me", () => socket.disconnect());
  socket.on("shutdown", (count, size) => {
    const payload = "x".repeat(size);
    for (let i = 0; i < count; ++i) io.emit("burst", i, payload);
    io.close();
    // The scenario expects the process to outlive the close, as sio's interop server does.
    setInterval(() => {}, 1 << 30);
  });

  socket.on("reason", (id, ack) => {
    if (typeof ack === "function") ack(reasons.has(id) ? reasons.get(id) : null);
  });

  socket.on("whoami", (ack) => {
    if (typeof ack === "function") ack(socket.id);
  });
});

io.of("/news").on("connection", (socket) => {
  record_disconnects(socket);
  on_echo(socket);
  socket.emit("hello", "/news");
});

const admin = io.of("/admin");
admin.use((socket, next) => {
  if (socket.handshake.auth && socket.handshake.auth.token === "secret") return next();
  const err = new Error("not authorized");
  err.data = { code: 42 };
  next(err);
});
admin.on("connection", (socket) => {
  record_disconnects(socket);
  socket.emit("hello", "/admin");
});

httpServer.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening ${httpServer.address().port}\n`);
});

// Exit promptly on SIGTERM even with clients connected.
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
