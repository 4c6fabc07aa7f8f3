"use strict";
// The chat demo's event protocol, with socket.io-client: names, public, private and room messages,
// the system notices, and the history in SQLite across a restart.
//
// "X got nothing" is checked without waiting for time to pass: the sender then sends a public
// message (a barrier); the server handles one connection's events in order and each receiver gets
// its packets in order, so once X has the barrier, anything meant for X before it has arrived.

const path = require("path");
const { step, run, start_demo, temp_dir, connect, Inbox, once, expect, expect_equal } = require("./lib");

/// Emits `event` with `args` and resolves with the ack's first argument.
function call(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(5000).emit(event, ...args, (err, reply) => (err ? reject(new Error(`no ack for ${event}`)) : resolve(reply)));
  });
}

run("chat protocol", async () => {
  const db = path.join(temp_dir("chat"), "chat.db");
  step("start the chat");
  let server = await start_demo("chat", ["--db", db]);

  step("connect three clients");
  const alice = await connect(server.url);
  const bob = await connect(server.url, { transports: ["websocket"] });
  const carol = await connect(server.url, { transports: ["polling"] });
  const inbox = { alice: new Inbox(alice, "message"), bob: new Inbox(bob, "message"), carol: new Inbox(carol, "message") };
  const system = (text) => (m) => m.user === "system" && m.type === "system" && m.content === text;

  step("the first message is the name");
  expect_equal(await call(alice, "message", "alice"), "alice", "alice's name accepted");
  await inbox.alice.wait_for(system("welcome, alice!"), "welcome");
  await inbox.bob.wait_for(system("alice joined"), "notice of alice joining");
  expect_equal(await call(bob, "message", "  bob  "), "bob", "bob's name accepted, trimmed");
  await inbox.alice.wait_for(system("bob joined"), "notice of bob joining");
  expect_equal(await call(carol, "message", "carol"), "carol", "carol's name accepted");

  step("a taken, reserved or malformed name is refused politely");
  const dave = await connect(server.url);
  const dave_inbox = new Inbox(dave, "message");
  expect_equal(await call(dave, "message", "alice"), null, "a taken name");
  await dave_inbox.wait_for(system('the name "alice" is taken: choose another'), "notice of a taken name");
  expect_equal(await call(dave, "message", "System"), null, "the reserved name");
  expect_equal(await call(dave, "message", "two words"), null, "a name with a space");
  expect_equal(await call(dave, "message", "@bob"), null, "a name starting with @");
  dave.close();

  step("a public message reaches everyone, sender included");
  const before = Date.now();
  alice.emit("message", "hello everyone");
  for (const name of ["alice", "bob", "carol"]) {
    const m = await inbox[name].wait_for((m) => m.content === "hello everyone", `public message at ${name}`);
    expect_equal([m.user, m.type], ["alice", "public"], `the public message as ${name} got it`);
    expect(typeof m.createAt === "number" && m.createAt >= before - 1000 && m.createAt <= Date.now() + 1000, "createAt is now, in ms");
  }

  step("a non-text message gets a notice");
  alice.emit("message", 42);
  await inbox.alice.wait_for(system("a message is text"), "notice for a number");

  step("a private message reaches its target only (and the sender's copy)");
  expect_equal(await call(alice, "message", "@bob  psst, bob"), true, "ack of the private message");
  const pm = await inbox.bob.wait_for((m) => m.type === "private", "private message at bob");
  expect_equal([pm.user, pm.to, pm.content], ["alice", "bob", "psst, bob"], "the private message");
  await inbox.alice.wait_for((m) => m.type === "private" && m.content === "psst, bob", "the sender's copy");
  alice.emit("message", "barrier 1");
  await inbox.carol.wait_for((m) => m.content === "barrier 1", "barrier 1 at carol");
  expect(!inbox.carol.items.some((m) => m.type === "private"), "carol got no private message");

  step("a private message to an unknown user gets a notice");
  expect_equal(await call(alice, "message", "@nobody hi"), false, "ack of a message to nobody");
  await inbox.alice.wait_for(system('there is no user "nobody" online'), "notice of an unknown user");

  step("join and leave answer joined and leaved, with notices");
  bob.emit("join", "red");
  expect_equal(await once(bob, "joined"), ["red"], "joined");
  await inbox.bob.wait_for(system("bob joined room red"), "notice of bob joining red");
  bob.emit("join", "red");
  await inbox.bob.wait_for(system("you are already in room red"), "notice of joining twice");
  bob.emit("leave", "green");
  await inbox.bob.wait_for(system("you are not in room green"), "notice of leaving a room one is not in");
  carol.emit("join", "red");
  expect_equal(await once(carol, "joined"), ["red"], "carol joined red");
  await inbox.bob.wait_for(system("carol joined room red"), "notice of carol joining, at bob");
  carol.emit("join", "green");
  expect_equal(await once(carol, "joined"), ["green"], "carol joined green");

  step("a member's message reaches the members of its rooms, each once");
  inbox.alice.clear();
  inbox.bob.clear();
  inbox.carol.clear();
  expect_equal(await call(carol, "message", "red and green"), true, "ack of the room message");
  const rm = await inbox.bob.wait_for((m) => m.content === "red and green", "room message at bob");
  expect_equal([rm.user, rm.type, rm.rooms], ["carol", "room", ["green", "red"]], "the room message");
  await inbox.carol.wait_for((m) => m.content === "red and green", "room message at carol");
  alice.emit("message", "barrier 2");
  for (const name of ["alice", "bob", "carol"]) await inbox[name].wait_for((m) => m.content === "barrier 2", `barrier 2 at ${name}`);
  expect(!inbox.alice.items.some((m) => m.content === "red and green"), "alice, in no room, got no room message");
  for (const name of ["bob", "carol"]) {
    expect_equal(inbox[name].items.filter((m) => m.content === "red and green").length, 1, `${name} got the room message once`);
  }

  step("leaving");
  bob.emit("leave", "red");
  expect_equal(await once(bob, "leaved"), ["red"], "leaved");
  await inbox.carol.wait_for(system("bob left room red"), "notice of bob leaving red, at carol");

  step("the history holds the last 20 public messages, oldest first");
  for (let i = 1; i <= 25; ++i) alice.emit("message", `history ${i}`);
  await inbox.alice.wait_for((m) => m.content === "history 25", "the 25th message back");
  alice.emit("getAllMessages");
  const [all] = await once(alice, "allMessages");
  const expected = Array.from({ length: 20 }, (_, i) => `history ${i + 6}`);
  expect_equal(all.map((m) => m.content), expected, "allMessages");
  expect(all.every((m) => m.user === "alice" && typeof m.createAt === "number"), "history messages have user and createAt");

  step("leaving the chat");
  bob.close();
  await inbox.alice.wait_for(system("bob left"), "notice of bob leaving");

  step("the history survives a restart");
  alice.close();
  carol.close();
  await server.stop();
  server = await start_demo("chat", ["--db", db]);
  const eve = await connect(server.url);
  eve.emit("getAllMessages");
  const [again] = await once(eve, "allMessages");
  expect_equal(again, all, "allMessages after the restart");
});
