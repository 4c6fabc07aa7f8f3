"use strict";
// The news demo's event protocol, with socket.io-client: two namespaces on one connection, their
// greetings, the server's log of what it receives, and the numbers pushed to "/news" only.

const { Manager } = require("socket.io-client");
const { step, run, start_demo, on_cleanup, Inbox, expect, expect_equal, check_static_files } = require("./lib");

/// Resolves once `socket` is connected; rejects on connect_error or after 5 s.
function connected(socket) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${socket.nsp} not connected within 5 s`)), 5000);
    socket.once("connect", () => { clearTimeout(timer); resolve(); });
    socket.once("connect_error", (err) => { clearTimeout(timer); reject(err); });
  });
}

run("news protocol", async () => {
  step("start the news demo");
  const server = await start_demo("news");
  await check_static_files(server.url, ["news.js", "news.css"]);

  step("connect / and /news over one connection");
  const manager = new Manager(server.url, { reconnection: false });
  const main = manager.socket("/");
  const news = manager.socket("/news");
  on_cleanup(() => { main.close(); news.close(); });
  const greetings = { main: new Inbox(main, "message"), news: new Inbox(news, "message") };
  const numbers = { main: new Inbox(main, "getServerMessage"), news: new Inbox(news, "getServerMessage") };
  await Promise.all([connected(main), connected(news)]);
  expect(main.io === news.io && main.io.engine, "both namespaces share one Engine.IO connection");

  step("each namespace greets with send");
  await greetings.main.wait_for((m) => m === "welcome to /", "greeting of /");
  await greetings.news.wait_for((m) => m === "welcome to /news", "greeting of /news");

  step("each namespace logs what it receives");
  main.send("hello from the main namespace");
  news.send({ text: "hello news", n: 1 });
  await server.wait_for_output(new RegExp(`\\[/\\] ${main.id} sent: "hello from the main namespace"`));
  await server.wait_for_output(new RegExp(`\\[/news\\] ${news.id} sent: \\{"text":"hello news","n":1\\}`));

  step("/news gets a random number every second");
  // Volatile: a number due while the connection upgrades to WebSocket may be skipped, so the
  // second number may take two seconds.
  await numbers.news.wait_for((_, i) => i === 1, "two numbers", 4000);
  for (const n of numbers.news.items) expect(Number.isInteger(n) && n >= 0 && n <= 999, `a number in 0..999 (${n})`);
  expect_equal(numbers.main.items, [], "the main namespace gets no numbers");
});
