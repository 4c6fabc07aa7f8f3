"use strict";
// The chat page on two chat servers sharing Redis and one SQLite file (chat --redis URL --db
// FILE), in headless Chromium: alice and carol on server A, bob on server B; public messages,
// a room that alice and bob join and carol does not, a private message from B to A, and the
// history a new page on B shows.
//
//   node chat_cluster.test.js redis://127.0.0.1:PORT     (a redis-server of the caller's)
//
// "A page shows nothing" is checked with a barrier, as in chat.test.js: a server publishes what
// it emits to Redis in order, and each server hands on what comes from Redis in that order, so a
// message the same server emitted later is a barrier for the pages of every server.

const path = require("path");
const { step, run, start_demo, temp_dir, launch, open_page, expect, expect_equal, expect_no_problems, wait_text } =
  require("./lib");
const { shown, wait_message, say, join_chat } = require("./chat_page");

const redis = process.argv[2];
if (!redis || !redis.startsWith("redis://")) {
  console.error("usage: node chat_cluster.test.js redis://HOST:PORT");
  process.exit(2);
}

run("chat page on two servers", async () => {
  step("start Chromium and two chat servers on one Redis and one database");
  const db = path.join(temp_dir("chat-cluster"), "chat.db");
  const [a, b, browser] = await Promise.all([
    start_demo("chat", ["--db", db, "--redis", redis]),
    start_demo("chat", ["--db", db, "--redis", redis]),
    launch(),
  ]);

  step("alice opens the chat on server A, bob on server B, carol on server A");
  const alice = await join_chat(browser, a.url, "alice");
  const bob = await join_chat(browser, b.url, "bob");
  await wait_message(alice, "bob joined");
  const carol = await join_chat(browser, a.url, "carol");
  await wait_message(bob, "carol joined");

  step("alice and bob talk across the servers");
  await say(alice, "hi bob, from server A");
  const at_bob = await wait_message(bob, "hi bob, from server A");
  expect_equal([at_bob.user, at_bob.type], ["alice", "public"], "alice's message on bob's page");
  await say(bob, "hi alice, from server B");
  const at_alice = await wait_message(alice, "hi alice, from server B");
  expect_equal([at_alice.user, at_alice.type], ["bob", "public"], "bob's message on alice's page");
  await wait_message(carol, "hi alice, from server B");

  step("alice and bob join the red room, carol does not");
  await alice.click("#room-red");
  await wait_text(alice, "#room-red", "leave red room");
  await bob.click("#room-red");
  await wait_text(bob, "#room-red", "leave red room");
  await wait_message(alice, "bob joined room red");

  step("bob's room message reaches alice on the other server, not carol");
  await say(bob, "only for the red room");
  const in_room = await wait_message(alice, "only for the red room");
  expect_equal([in_room.user, in_room.type, in_room.tags], ["bob", "room", ["red"]], "the room message at alice");
  await wait_message(bob, "only for the red room");
  await say(bob, "@carol barrier");
  await wait_message(carol, "barrier");
  expect(!(await shown(carol)).some((m) => m.content === "only for the red room"), "carol's page shows no room message");

  step("bob, on server B, writes to carol, on server A, privately");
  await say(bob, "@carol the secret is 42");
  const secret = await wait_message(carol, "the secret is 42");
  expect_equal([secret.user, secret.type, secret.to], ["bob", "private", "to carol"], "the private message at carol");
  await wait_message(bob, "the secret is 42");  // the sender's copy
  await say(bob, "@alice barrier 2");
  await wait_message(alice, "barrier 2");
  expect(!(await shown(alice)).some((m) => m.content === "the secret is 42"), "alice's page shows no private message");

  step("a private message to a user on no server");
  await say(bob, "@dave are you there?");
  await wait_message(bob, 'there is no user "dave" online');

  step("a new page on server B shows the public messages sent through server A");
  const dave = await open_page(browser, b.url);
  await wait_message(dave, "hi alice, from server B", "#history");
  const history = (await shown(dave, "#history")).map((m) => m.content);
  expect_equal(history, ["hi bob, from server A", "hi alice, from server B"], "the history on the new page");
  expect_no_problems(alice, bob, carol, dave);
}, { timeout_ms: 40000 });
