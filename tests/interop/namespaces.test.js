"use strict";
// Namespaces "/" and "/news" multiplexed on one Engine.IO connection, and the error for a namespace that
// does not exist.

const { Manager, io, run, step, once, connected, connect_error, call, expect, expect_equal, reason_of } = require("./lib");

/// Checks that `root` and `news` (sharing one Manager) each get their own traffic and only theirs.
async function check_pair(root, news, label) {
  step(`${label}: connect both`);
  const hello = once(news, "hello");
  await Promise.all([connected(root), connected(news)]);
  expect(root.io === news.io, `${label}: both sockets share one Manager`);
  expect(root.io.engine.id && root.io.engine.id === news.io.engine.id, `${label}: one Engine.IO session`);
  expect_equal(await hello, ["/news"], `${label}: /news says hello on connection`);
  expect(root.id !== news.id, `${label}: each namespace gives its own socket id`);

  step(`${label}: acks per namespace`);
  expect_equal(await call(root, "echo", "to root"), ["to root"], `${label}: / ack`);
  expect_equal(await call(news, "echo", "to news"), ["to news"], `${label}: /news ack`);

  // Each namespace's echo-back goes to that namespace only. One connection keeps order, so a misrouted
  // echo-back would arrive before the one that is waited for.
  step(`${label}: events per namespace`);
  const root_log = [];
  const news_log = [];
  root.on("echo-back", (v) => root_log.push(v));
  news.on("echo-back", (v) => news_log.push(v));
  let root_back = once(root, "echo-back");
  news.emit("echo", "n1");
  root.emit("echo", "r1");
  await root_back;
  expect_equal(root_log, ["r1"], `${label}: / got only its own echo-back`);
  const news_back = once(news, "echo-back");
  root_back = once(root, "echo-back");
  root.emit("echo", "r2");
  news.emit("echo", "n2");
  await Promise.all([news_back, root_back]);
  expect_equal(news_log, ["n1", "n2"], `${label}: /news got only its own echo-backs`);
  expect_equal(root_log, ["r1", "r2"], `${label}: / got only its own echo-backs`);
  root.off("echo-back");
  news.off("echo-back");

  // Events that exist only on "/" are not handled on "/news".
  step(`${label}: namespace handlers are separate`);
  expect_equal(await call(root, "whoami"), [root.id], `${label}: whoami on /`);

  // Leaving one namespace keeps the connection and the other namespace.
  step(`${label}: leave /news, keep /`);
  const engine_id = root.io.engine.id;
  const news_id = news.id;
  news.disconnect();
  expect_equal(await call(root, "echo", "still"), ["still"], `${label}: / works after /news left`);
  expect(root.io.engine.id === engine_id, `${label}: same Engine.IO session`);
  expect_equal(await reason_of(root, news_id), "client namespace disconnect", `${label}: /news reason`);

  step(`${label}: join /news again`);
  const hello_again = once(news, "hello");
  news.connect();
  await connected(news);
  expect_equal(await hello_again, ["/news"], `${label}: hello again`);
  expect(news.io.engine.id === engine_id, `${label}: rejoined on the same Engine.IO session`);
  expect_equal(await call(news, "echo", "back"), ["back"], `${label}: /news works again`);
}

run("namespaces", async (url) => {
  // io(url) and io(url + "/news") share the cached Manager, as a browser page doing that would.
  const root = io(url, { reconnection: false });
  const news = io(url + "/news", { reconnection: false });
  await check_pair(root, news, "default transports");

  step("unknown namespace");
  const unknown = io(url + "/does-not-exist", { reconnection: false });
  const err = await connect_error(unknown);
  expect_equal(err.message, "Invalid namespace", "connect_error message for an unknown namespace");
  expect(!unknown.connected, "the unknown namespace is not connected");
  expect(root.connected, "/ stays connected after the error on the same connection");
  expect_equal(await call(root, "echo", 1), [1], "/ still works");
  root.disconnect();
  news.disconnect();
  unknown.disconnect();

  for (const transport of ["polling", "websocket"]) {
    const manager = new Manager(url, { transports: [transport], reconnection: false });
    await check_pair(manager.socket("/"), manager.socket("/news"), transport);
    expect(manager.engine.transport.name === transport, `${transport}: stayed on ${transport}`);

    step(`${transport}: unknown namespace`);
    const bad = manager.socket("/nope");
    const e = await connect_error(bad);
    expect_equal(e.message, "Invalid namespace", `${transport}: connect_error message`);
    manager.engine.close();
  }
});
