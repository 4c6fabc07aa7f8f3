// The official client against a cluster of sio and Node servers joined by Redis:
//   node cluster.test.js [--after-restart] <url> <url> <url>...
// or against the N threads of one sio process, on one port (examples/cluster --threads N):
//   node cluster.test.js --threads N <url>
// where 3 × N clients connect one after another (the group deals them round-robin) and are told
// apart by the server that answers their whoami.
// Three clients on each server; every broadcast is sent from a client of each server in turn,
// and each client must receive exactly what it should, from whichever server. Exactness without
// sleeps: after each broadcast the sender broadcasts a marker (socket.broadcast, which every other
// client gets after everything the sender's server published before it), and asks its own server
// for an ack (which comes after what its server sent it); by then each client has had all it
// will get of that broadcast. Exits 0 when all is as it should be, 1 with a message otherwise.
//
// With --after-restart (Redis was stopped and started again, the servers were not): once every
// server counts all of them again and a probe broadcast crosses (both bounded), room broadcasts
// from each server reach exactly their receivers again.
"use strict";

const { io } = require("socket.io-client");

const WAIT_MS = 10000;
const after_restart = process.argv[2] === "--after-restart";
const threads = process.argv[2] === "--threads" ? Number(process.argv[3]) : 0;
const urls = process.argv.slice(after_restart ? 3 : threads ? 4 : 2);

function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function expect(ok, what) {
  if (!ok) throw new Error(`expectation failed: ${what}`);
}

async function client(url, index) {
  const socket = io(url, { transports: ["websocket"], forceNew: true, reconnection: false });
  await within(new Promise((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
  }), WAIT_MS, `connecting to ${url}`);
  const me = await within(socket.emitWithAck("whoami"), WAIT_MS, "whoami");
  const c = { socket, server: me.server, id: me.id, label: `${me.server}#${index}`, got: [], markers: new Map() };
  socket.on("room-msg", (data) => c.got.push(["room-msg", data]));
  socket.on("sse-got", (data) => c.got.push(["sse-got", data]));
  socket.on("question", (question, ack) => ack(c.id));
  c.disconnected = new Promise((resolve) => socket.on("disconnect", resolve));
  socket.on("bcast", (data) => {
    if (typeof data === "string" && data.startsWith("marker:")) {
      const waiter = c.markers.get(data);
      if (waiter) waiter();
      else c.markers.set(data, null);
      return;
    }
    c.got.push(["bcast", data]);
  });
  return c;
}

// Resolves once `c` has had `marker`.
function marker_reached(c, marker) {
  if (c.markers.has(marker) && c.markers.get(marker) === null) return Promise.resolve();
  return within(new Promise((resolve) => c.markers.set(marker, resolve)), WAIT_MS, `${marker} at ${c.label}`);
}

let markers = 0;
// Runs `act` (which makes `sender` emit something), then waits until every client has had all of
// it, and returns what each client got, by label.
async function round(all, sender, act) {
  for (const c of all) c.got = [];
  act();
  const marker = `marker:${++markers}`;
  const waits = all.filter((c) => c !== sender).map((c) => marker_reached(c, marker));
  sender.socket.emit("broadcast-from", marker);
  await Promise.all(waits);
  await within(sender.socket.emitWithAck("whoami"), WAIT_MS, "whoami after a round");
  return new Map(all.map((c) => [c.label, c.got]));
}

function check(got, expected_labels, message, what) {
  for (const [label, messages] of got) {
    const expected = expected_labels.includes(label) ? [message] : [];
    const same = JSON.stringify(messages, (k, v) => (v && v.type === "Buffer" ? `<${v.data.join(",")}>` : v)) ===
      JSON.stringify(expected, (k, v) => (v && v.type === "Buffer" ? `<${v.data.join(",")}>` : v));
    expect(same, `${what}: ${label} got ${JSON.stringify(messages)}, expected ${JSON.stringify(expected)}`);
  }
}

// After Redis came back: waits until every server counts all the servers again and a probe from
// the first server reaches every other client (the servers subscribe again in their own time),
// then checks that room broadcasts from each server reach exactly the room's members.
async function main_after_restart() {
  const servers = [];
  for (const url of urls) servers.push([await client(url, 0), await client(url, 1)]);
  const all = servers.flat();
  const deadline = Date.now() + 20000;
  for (const [c] of servers) {
    for (;;) {
      const count = await within(c.socket.emitWithAck("server-count"), WAIT_MS, `server-count from ${c.label}`);
      if (count === servers.length) break;
      expect(Date.now() < deadline, `${c.server} counts ${count} servers after the restart`);
    }
  }
  const sender = servers[0][0];
  for (let probe = 0; ; ++probe) {
    const marker = `marker:probe-${probe}`;
    const waits = all.filter((c) => c !== sender).map((c) => marker_reached(c, marker));
    sender.socket.emit("broadcast-from", marker);
    try {
      await within(Promise.all(waits), 1000, "a probe");
      break;
    } catch (e) {
      expect(Date.now() < deadline, `no probe crossed every server after the restart (${e.message})`);
    }
  }
  const red = servers.map((s) => s[0]);
  for (const c of red) expect(await c.socket.emitWithAck("join", "red"), `${c.label} joins red`);
  for (const [i, clients] of servers.entries()) {
    const from = clients[1];
    const got = await round(all, from, () => from.socket.emit("to-room", { room: "red", data: `again from ${urls[i]}` }));
    check(got, red.map((c) => c.label), ["room-msg", `again from ${urls[i]}`], `to-room after the restart from ${from.label}`);
  }
  for (const c of all) c.socket.disconnect();
  console.log(`cluster: after the restart, ${servers.length} servers count each other and broadcasts cross again`);
}

async function main() {
  if (after_restart) return main_after_restart();
  const servers = [];
  if (threads) {
    expect(threads >= 2 && urls.length === 1, "usage: node cluster.test.js --threads N <url>");
    const by_server = new Map();
    for (let i = 0; i < 3 * threads; ++i) {
      const c = await client(urls[0], i);
      if (!by_server.has(c.server)) by_server.set(c.server, []);
      const clients = by_server.get(c.server);
      c.label = `${c.server}#${clients.length}`;
      clients.push(c);
    }
    for (const [server, clients] of by_server) {
      expect(clients.length === 3, `3 clients on ${server}, not ${clients.length}`);
      servers.push(clients);
    }
    expect(servers.length === threads, `clients on ${threads} threads, not ${servers.length}`);
  } else {
    expect(urls.length >= 2, "usage: node cluster.test.js <url> <url>...");
    for (const url of urls) {
      const clients = [];
      for (let i = 0; i < 3; ++i) clients.push(await client(url, i));
      servers.push(clients);
    }
  }
  const all = servers.flat();
  const names = servers.map((s) => s[0].server);
  expect(new Set(names).size === names.length, `distinct server names (${names})`);

  // red: the first client of every server; blue: the second client of every server but the
  // second, whose first client (in red too) is in blue instead.
  const red = servers.map((s) => s[0]);
  const blue = servers.map((s, i) => (i === 1 ? s[0] : s[1]));
  for (const c of red) expect(await c.socket.emitWithAck("join", "red"), `${c.label} joins red`);
  for (const c of blue) expect(await c.socket.emitWithAck("join", "blue"), `${c.label} joins blue`);
  const labels = (list) => list.map((c) => c.label);

  for (const [i, clients] of servers.entries()) {
    const sender = clients[2];  // in no room
    const from = names[i];

    let got = await round(all, sender, () => sender.socket.emit("to-room", { room: "red", data: `red from ${from}` }));
    check(got, labels(red), ["room-msg", `red from ${from}`], `to-room red from ${from}`);

    got = await round(all, sender, () => sender.socket.emit("to-room", { room: "blue", data: { from, n: [1, 2] } }));
    check(got, labels(blue), ["room-msg", { from, n: [1, 2] }], `to-room blue from ${from}`);

    // Except a socket of another server, then except a room.
    const other = red[(i + 1) % red.length];
    got = await round(all, sender, () =>
      sender.socket.emit("to-room-except", { room: "red", except: other.id, data: `red but ${other.label}` }));
    check(got, labels(red.filter((c) => c !== other)), ["room-msg", `red but ${other.label}`], `to-room-except id from ${from}`);

    got = await round(all, sender, () =>
      sender.socket.emit("to-room-except", { room: "red", except: "blue", data: "red not blue" }));
    check(got, labels(red.filter((c) => !blue.includes(c))), ["room-msg", "red not blue"], `to-room-except room from ${from}`);

    // Binary data.
    got = await round(all, sender, () =>
      sender.socket.emit("to-room", { room: "red", data: Buffer.from([1, 2, 255]) }));
    check(got, labels(red), ["room-msg", Buffer.from([1, 2, 255])], `binary to-room from ${from}`);

    // socket.broadcast: everyone but the sender.
    got = await round(all, sender, () => sender.socket.emit("broadcast-from", `all but ${sender.label}`));
    check(got, labels(all.filter((c) => c !== sender)), ["bcast", `all but ${sender.label}`], `broadcast-from ${from}`);
  }

  // The requests every server answers, asked from a client of each server.
  const ids = (list) => list.map((c) => c.id).sort();
  const ask = (c, event, ...args) => within(c.socket.emitWithAck(event, ...args), WAIT_MS, `${event} from ${c.label}`);
  for (const [i, clients] of servers.entries()) {
    const asker = clients[2];
    const from = names[i];
    const count = await ask(asker, "server-count");
    expect(count === servers.length, `server-count from ${from}: ${count}`);

    let found = await ask(asker, "fetch", null);
    expect(JSON.stringify(found) === JSON.stringify(ids(all)), `fetch all from ${from}: ${JSON.stringify(found)}`);
    found = await ask(asker, "fetch", "red");
    expect(JSON.stringify(found) === JSON.stringify(ids(red)), `fetch red from ${from}: ${JSON.stringify(found)}`);

    const far = servers[(i + 1) % servers.length][1];
    const rooms = await ask(asker, "fetch-rooms", far.id);
    const expected_rooms = [far.id, ...(blue.includes(far) ? ["blue"] : []), ...(red.includes(far) ? ["red"] : [])].sort();
    expect(JSON.stringify(rooms) === JSON.stringify(expected_rooms), `fetch-rooms of ${far.label} from ${from}: ${JSON.stringify(rooms)}`);
    expect((await ask(asker, "fetch-rooms", "nobody")) === null, `fetch-rooms of nobody from ${from}`);

    // A room joined and left at another server's bidding.
    expect(await ask(asker, "remote-join", { target: far.id, room: "green" }), "remote-join");
    found = await ask(asker, "fetch", "green");
    expect(JSON.stringify(found) === JSON.stringify([far.id]), `green after remote-join from ${from}: ${JSON.stringify(found)}`);
    expect(await ask(asker, "remote-leave", { target: far.id, room: "green" }), "remote-leave");
    found = await ask(asker, "fetch", "green");
    expect(JSON.stringify(found) === JSON.stringify([]), `green after remote-leave from ${from}: ${JSON.stringify(found)}`);

    // A server-side event: every other server tells its own clients.
    const got = await round(all, asker, () => asker.socket.emit("sse", { from }));
    for (const [j, others] of servers.entries()) {
      const expected = j === i ? [] : [["sse-got", { server: names[j], data: { from } }]];
      for (const c of others) {
        const messages = got.get(c.label);
        expect(JSON.stringify(messages) === JSON.stringify(expected), `sse from ${from}: ${c.label} got ${JSON.stringify(messages)}`);
      }
    }

    const pinged = await ask(asker, "sse-ack");
    const others = names.filter((_, j) => j !== i).sort();
    expect(!pinged.err && JSON.stringify(pinged.replies) === JSON.stringify(others), `sse-ack from ${from}: ${JSON.stringify(pinged)}`);

    const answered = await ask(asker, "bcast-ack");
    expect(!answered.err && answered.count === all.length, `bcast-ack from ${from}: ${JSON.stringify(answered)}`);
  }

  // After leaving, a room's broadcasts pass a client by.
  const leaver = red[1];
  expect(await leaver.socket.emitWithAck("leave", "red"), `${leaver.label} leaves red`);
  const sender = servers[0][2];
  const got = await round(all, sender, () => sender.socket.emit("to-room", { room: "red", data: "after leave" }));
  check(got, labels(red.filter((c) => c !== leaver)), ["room-msg", "after leave"], "to-room after a leave");

  // A client of each server kicked from another one.
  for (const [i, clients] of servers.entries()) {
    const target = servers[(i + 1) % servers.length][2];
    expect(await clients[0].socket.emitWithAck("kick", target.id), `kick ${target.label} from ${names[i]}`);
    const reason = await within(target.disconnected, WAIT_MS, `${target.label} kicked`);
    expect(reason === "io server disconnect", `${target.label} kicked: ${reason}`);
  }

  for (const c of all) c.socket.disconnect();
  console.log(`cluster: ${all.length} clients on ${names.join(", ")}: every broadcast reached exactly its receivers`);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`cluster: FAIL: ${e.message}`);
    process.exit(1);
  },
);
