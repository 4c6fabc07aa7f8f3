// server-args: --ping-interval 10000
"use strict";
// One 50 KB attachment named 20,000 times in one event, echoed back by the server: the echo must
// carry the attachment once (not 20,000 copies, about 1 GB), and the server's memory must not grow
// out of proportion to the 650 KB sent. The attachments of one packet are bounded in bytes too.
// (The long ping interval: the server's work on these packets takes far longer under
// ThreadSanitizer than the default 200 ms ping timeout, and a bystander whose pong waits unread
// behind it would be timed out for the server's slowness, not for anything of the hostile's.)

const { run, step, server_rss_kib, expect_memory_growth, bystander, raw_client, within, expect, reason_of } = require("./lib.js");

run("binary_references", async (url) => {
  step("bystanders connect");
  const others = await bystander(url);

  step("a raw client sends one attachment named 20,000 times");
  const { client, id } = await raw_client(url);
  const before = server_rss_kib();
  const names = new Array(20000).fill('{"_placeholder":true,"num":0}').join(",");
  const attachment = Buffer.alloc(50 * 1024, 7);
  client.send(`451-["echo",[${names}]]`);
  client.send(attachment);

  step("the echo announces one attachment and carries it once");
  const text = await client.next();
  expect(typeof text === "string" && text.startsWith('451-["echo-back",['), `a binary echo (got ${String(text).slice(0, 40)})`);
  const echoed = await client.next();
  expect(Buffer.isBuffer(echoed) && echoed.equals(attachment), "the attachment comes back intact");
  expect_memory_growth(before, 64 * 1024);

  step("the attachments of one packet are bounded by maxHttpBufferSize (1,000,000 bytes)");
  client.send('452-["echo",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
  client.send(Buffer.alloc(600 * 1000, 1));
  client.send(Buffer.alloc(600 * 1000, 2));
  await within(client.closed, 3000, "the over-budget connection closing");
  const reason = await reason_of(others.sockets[0], id);
  expect(reason === "parse error", `closed as a protocol error (reason: ${reason})`);

  step("the bystanders still exchange messages");
  await others.check();
  others.close();
});
