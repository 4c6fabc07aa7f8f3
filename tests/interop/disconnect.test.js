"use strict";
// Disconnections and the reasons each side sees: the server disconnects a socket, the client leaves a
// namespace, the client closes the whole connection. The server's view is asked through an observer
// client.

const { Manager, run, step, once, connect, connected, call, expect, expect_equal, reason_of } = require("./lib");

async function check(url, transport, observer) {
  const label = transport;
  const manager = new Manager(url, { transports: [transport], reconnection: false, autoConnect: false });
  const root = manager.socket("/").connect();
  const news = manager.socket("/news").connect();
  await Promise.all([connected(root), connected(news)]);

  step(`${label}: server disconnects the socket on /`);
  const root_id = root.id;
  const gone = once(root, "disconnect");
  root.emit("disconnect-me");
  expect_equal((await gone)[0], "io server disconnect", `${label}: the reason the client sees`);
  expect(!root.connected && !root.active, `${label}: a server disconnect is final (no reconnection)`);
  expect_equal(await reason_of(observer, root_id), "server namespace disconnect", `${label}: the server's reason`);

  step(`${label}: the other namespace on the connection stays`);
  expect(news.connected, `${label}: /news still connected`);
  expect_equal(await call(news, "echo", "news alive"), ["news alive"], `${label}: /news works`);

  step(`${label}: client leaves / again after reconnecting it`);
  root.connect();
  await connected(root);
  const root_id2 = root.id;
  expect(root_id2 !== root_id, `${label}: a new socket id after reconnecting`);
  const left = once(root, "disconnect");
  root.disconnect();
  expect_equal((await left)[0], "io client disconnect", `${label}: the reason the client sees`);
  expect_equal(await reason_of(observer, root_id2), "client namespace disconnect", `${label}: the server's reason`);
  expect_equal(await call(news, "echo", "news still alive"), ["news still alive"], `${label}: /news still works`);

  step(`${label}: client closes the connection`);
  const news_id = news.id;
  manager.engine.close();
  expect_equal(await reason_of(observer, news_id), "transport close", `${label}: the server's reason`);
}

run("disconnect", async (url) => {
  step("observer");
  const observer = await connect(url, { transports: ["websocket"] });
  for (const transport of ["websocket", "polling"]) await check(url, transport, observer);

  step("unknown socket id");
  expect_equal(await call(observer, "reason", "no-such-socket"), [null], "no reason for an unknown id");

  // The simplest case, as an application would write it.
  step("default transports: io server disconnect");
  const plain = await connect(url);
  const gone = once(plain, "disconnect");
  plain.emit("disconnect-me");
  expect_equal((await gone)[0], "io server disconnect", "default transports: client's reason");
  observer.disconnect();
});
