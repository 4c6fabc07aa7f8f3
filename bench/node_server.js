// Node's socket.io server under the benchmark's contract (the same as bench/sio_server.cpp):
//   "echo"      acknowledged with its argument
//   "broadcast" emitted to every client as "bcast"
// ws uses the native bufferutil and utf-8-validate from bench/node_modules; the server refuses
// to start without them, so the comparison is always with Node at its best.
//
// With --tls-cert and --tls-key it serves HTTPS and WSS (https.createServer with Node's TLS
// defaults) instead of HTTP and WS, as bench/sio_server.cpp does with the same flags.
//
// With --redis URL it joins the servers of a Redis cluster through @socket.io/redis-adapter 8.3
// (createAdapter with its default options, a publisher and a subscriber client of `redis` 4), as
// sio_bench_server_redis does with the same flag: its "broadcast" (io.emit, through the adapter)
// reaches the clients of the others too, and theirs its own.
//
// Usage: node node_server.js [--port P] [--address A] [--ping-interval MS] [--ping-timeout MS]
//                            [--tls-cert FILE --tls-key FILE] [--redis redis://HOST:PORT]
// Prints "listening <port>" once it accepts connections (and, with --redis, once Redis has
// confirmed the adapter's subscriptions); SIGTERM or SIGINT stops it.
'use strict';

const fs = require('fs');
const http = require('http');
const https = require('https');
const { Server } = require('socket.io');

const settings = { port: 0, address: '127.0.0.1', pingInterval: 25000, pingTimeout: 20000, tlsCert: null, tlsKey: null, redis: null };
const usage = 'usage: node node_server.js [--port P] [--address A] [--ping-interval MS] [--ping-timeout MS] ' +
  '[--tls-cert FILE --tls-key FILE] [--redis URL]';
const argv = process.argv.slice(2);
for (let i = 0; i + 1 < argv.length; i += 2) {
  const v = argv[i + 1];
  switch (argv[i]) {
    case '--port': settings.port = Number(v); break;
    case '--address': settings.address = v; break;
    case '--ping-interval': settings.pingInterval = Number(v); break;
    case '--ping-timeout': settings.pingTimeout = Number(v); break;
    case '--tls-cert': settings.tlsCert = v; break;
    case '--tls-key': settings.tlsKey = v; break;
    case '--redis': settings.redis = v; break;
    default:
      console.error(usage);
      process.exit(2);
  }
}
if ((settings.tlsCert === null) !== (settings.tlsKey === null)) {
  console.error('node_server.js: --tls-cert and --tls-key go together');
  process.exit(2);
}

// ws loads these itself when they resolve; checking here makes a missing native module an error
// rather than a silently slower JavaScript fallback.
for (const name of ['bufferutil', 'utf-8-validate']) {
  if (require(name) === require(`${name}/fallback`)) {
    console.error(`${name}: no native build found (the JavaScript fallback would be measured)`);
    process.exit(1);
  }
}

/// Connects a publisher and a subscriber to Redis; resolves with them and their adapter.
async function joinCluster(url) {
  // Required here only: a plain run loads neither package.
  const { createAdapter } = require('@socket.io/redis-adapter');
  const { createClient } = require('redis');
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on('error', (e) => console.error(`redis: ${e.message}`));
  await Promise.all([pub.connect(), sub.connect()]);
  return { pub, sub, adapter: createAdapter(pub, sub) };
}

async function main() {
  const cluster = settings.redis === null ? null : await joinCluster(settings.redis);
  const httpServer = settings.tlsCert === null ? http.createServer() :
    https.createServer({ cert: fs.readFileSync(settings.tlsCert), key: fs.readFileSync(settings.tlsKey) });
  const io = new Server(httpServer, {
    pingInterval: settings.pingInterval,
    pingTimeout: settings.pingTimeout,
    serveClient: false,
    ...(cluster ? { adapter: cluster.adapter } : {}),
  });

  io.on('connection', (socket) => {
    socket.on('echo', (data, ack) => {
      if (typeof ack === 'function') ack(data);
    });
    socket.on('broadcast', (data) => {
      io.emit('bcast', data);
    });
  });

  // The adapter of "/" subscribed as the server was made; a subscription of our own, confirmed
  // after those on the same connection, tells when Redis has taken them.
  if (cluster) await cluster.sub.subscribe(`sio-bench-ready#${process.pid}`, () => {});

  httpServer.listen(settings.port, settings.address, () => {
    console.log(`listening ${httpServer.address().port}`);
  });

  const stop = () => {
    io.close();
    httpServer.close();
    if (!cluster) process.exit(0);
    Promise.allSettled([cluster.pub.quit(), cluster.sub.quit()]).then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
