"use strict";
// The chat demo as two servers sharing Redis and one SQLite file (chat --redis URL --db FILE),
// with socket.io-client: names unique across both servers, public, room and private messages
// from one server to the other, the notices, each user's events kept in order while a name is
// looked up on the other server, and one history.
//
//   node chat_cluster.test.js redis://127.0.0.1:PORT     (a redis-server of the caller's)
//
// "X got nothing" is checked with a barrier, as in chat.test.js: a server publishes what it
// emits to Redis in the order it emits it, and each server hands on what comes from Redis in
// that order, so once X has a message sent after another by the same server, X has had the
// other too, wherever X is.

const path = require("path");
const { step, run, start_demo, temp_dir, connect, Inbox, once, expect, expect_equal } = require("./lib");

/// Emits `event` with `args` and resolves with the ack's first argument.
function call(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(5000).emit(event, ...args, (err, reply) => (err ? reject(new Error(`no ack for ${event}`)) : resolve(reply)));
  });
}

const redis = process.argv[2];
if (!redis || !redis.startsWith("redis://")) {
  console.error("usage: node chat_cluster.test.js redis://HOST:PORT");
  process.exit(2);
}

run("chat cluster protocol", async () => {
  const db = path.join(temp_dir("chat-cluster"), "chat.db");
  step("start two chat servers on one Redis and one database");
  const [a, b] = await Promise.all([
    start_demo("chat", ["--db", db, "--redis", redis]),
    start_demo("chat", ["--db", db, "--redis", redis]),
  ]);

  step("alice on server A; bob (WebSocket) and carol (long-polling) on server B");
  const alice = await connect(a.url);
  const bob = await connect(b.url, { transports: ["websocket"] });
  const carol = await connect(b.url, { transports: ["polling"] });
  const inbox = { alice: new Inbox(alice, "message"), bob: new Inbox(bob, "message"), carol: new Inbox(carol, "message") };
  const system = (text) => (m) => m.user === "system" && m.type === "system" && m.content === text;

  step("names are told to the users of both servers");
  expect_equal(await call(alice, "message", "alice"), "alice", "alice's name accepted");
  await inbox.alice.wait_for(system("welcome, alice!"), "welcome");
  await inbox.bob.wait_for(system("alice joined"), "notice of alice joining, on the other server");
  expect_equal(await call(bob, "message", "bob"), "bob", "bob's name accepted");
  await inbox.alice.wait_for(system("bob joined"), "notice of bob joining, on the other server");
  expect_equal(await call(carol, "message", "carol"), "carol", "carol's name accepted");

  step("a name taken on the other server is refused");
  const dave = await connect(a.url);
  const dave_inbox = new Inbox(dave, "message");
  expect_equal(await call(dave, "message", "bob"), null, "bob's name, taken on server B");
  await dave_inbox.wait_for(system('the name "bob" is taken: choose another'), "notice of a taken name");
  expect_equal(await call(dave, "message", "alice"), null, "alice's name, taken on this server");
  dave.close();

  step("a public message reaches everyone on both servers");
  alice.emit("message", "hello everyone");
  for (const name of ["alice", "bob", "carol"]) {
    const m = await inbox[name].wait_for((m) => m.content === "hello everyone", `public message at ${name}`);
    expect_equal([m.user, m.type], ["alice", "public"], `the public message as ${name} got it`);
  }

  step("a private message from server A reaches its target on server B only");
  expect_equal(await call(alice, "message", "@bob psst, bob"), true, "ack of the private message");
  const pm = await inbox.bob.wait_for((m) => m.type === "private", "private message at bob");
  expect_equal([pm.user, pm.to, pm.content], ["alice", "bob", "psst, bob"], "the private message");
  await inbox.alice.wait_for((m) => m.type === "private" && m.content === "psst, bob", "the sender's copy");
  alice.emit("message", "barrier 1");
  await inbox.carol.wait_for((m) => m.content === "barrier 1", "barrier 1 at carol");
  expect(!inbox.carol.items.some((m) => m.type === "private"), "carol got no private message");

  step("and one from server B reaches its target on server A");
  expect_equal(await call(carol, "message", "@alice hi from B"), true, "ack of carol's private message");
  const back = await inbox.alice.wait_for((m) => m.type === "private" && m.content === "hi from B", "private message at alice");
  expect_equal([back.user, back.to], ["carol", "alice"], "carol's private message");

  step("a private message to a user on no server gets a notice");
  expect_equal(await call(bob, "message", "@nobody hi"), false, "ack of a message to nobody");
  await inbox.bob.wait_for(system('there is no user "nobody" online'), "notice of an unknown user");

  step("a user's messages keep their order while the other server is asked");
  // From bob, on WebSocket: both arrive at once, well before server A answers where alice is.
  bob.emit("message", "@alice first, in private");
  bob.emit("message", "second, in public");
  await inbox.alice.wait_for((m) => m.content === "second, in public", "the public message at alice");
  const order = inbox.alice.items.map((m) => m.content);
  expect(order.indexOf("first, in private") >= 0 && order.indexOf("first, in private") < order.indexOf("second, in public"),
    `the private message came first at alice: ${JSON.stringify(order)}`);

  step("rooms span the servers");
  alice.emit("join", "red");
  expect_equal(await once(alice, "joined"), ["red"], "alice joined red");
  bob.emit("join", "red");
  expect_equal(await once(bob, "joined"), ["red"], "bob joined red");
  await inbox.alice.wait_for(system("bob joined room red"), "notice of bob joining red, on the other server");
  inbox.alice.clear();
  inbox.bob.clear();
  inbox.carol.clear();
  expect_equal(await call(alice, "message", "only for red"), true, "ack of the room message");
  const rm = await inbox.bob.wait_for((m) => m.content === "only for red", "room message at bob");
  expect_equal([rm.user, rm.type, rm.rooms], ["alice", "room", ["red"]], "the room message");
  await inbox.alice.wait_for((m) => m.content === "only for red", "room message at alice");
  alice.emit("message", "@carol barrier 2");
  await inbox.carol.wait_for((m) => m.content === "barrier 2", "barrier 2 at carol");
  expect(!inbox.carol.items.some((m) => m.content === "only for red"), "carol, in no room, got no room message");
  bob.emit("leave", "red");
  expect_equal(await once(bob, "leaved"), ["red"], "bob left red");
  await inbox.alice.wait_for(system("bob left room red"), "notice of bob leaving red, on the other server");

  step("a name and a message sent at once: the message waits for the name");
  const eve = await connect(b.url);
  const eve_inbox = new Inbox(eve, "message");
  eve.emit("message", "eve");
  eve.emit("message", "eve says hi");
  const hi = await inbox.alice.wait_for((m) => m.content === "eve says hi", "eve's message at alice");
  expect_equal([hi.user, hi.type], ["eve", "public"], "eve's first message, after her name");
  await eve_inbox.wait_for(system("welcome, eve!"), "eve's welcome");

  step("both servers keep one history");
  for (let i = 1; i <= 25; ++i) bob.emit("message", `history ${i}`);
  await inbox.bob.wait_for((m) => m.content === "history 25", "the 25th message back");
  const frank = await connect(a.url);
  frank.emit("getAllMessages");
  const [all] = await once(frank, "allMessages");
  expect_equal(all.map((m) => m.content), Array.from({ length: 20 }, (_, i) => `history ${i + 6}`), "allMessages on server A");
  expect(all.every((m) => m.user === "bob"), "each with its author");

  step("leaving the chat is told on the other server, and frees the name on both");
  bob.close();
  await inbox.alice.wait_for(system("bob left"), "notice of bob leaving, on the other server");
  expect_equal(await call(alice, "message", "@bob still there?"), false, "a private message to bob, gone");
  expect_equal(await call(frank, "message", "bob"), "bob", "bob's name, free again, taken on server A");
});
