"use strict";
// Strings holding lone surrogates ("ok\udc00ok", "\ud800"), which JSON.parse accepts and the
// official client sends as \uXXXX escapes, must come back intact, and must reach other clients
// in text frames that are still UTF-8: a server that decodes the escape into raw surrogate bytes
// sends frames every WebSocket client must fail, so a bystander of a broadcast is disconnected.

const { run, step, bystander, connect, call, once, expect_equal } = require("./lib.js");

const strings = ["ok\udc00ok", "\ud800", "\udbff", "\udc00\ud800", "a\ud83d\ude00\udfffb"];
const payload = { text: strings, "\udc00key": "\ud800value", nested: [{ "\ud800": strings[0] }] };

run("lone_surrogates", async (url) => {
  step("bystanders connect");
  const others = await bystander(url);

  step("a client sends lone surrogates to echo, with an ack");
  const sender = await connect(url, { transports: ["websocket"] });
  expect_equal(await call(sender, "echo", ...strings), strings, "the acked echo");
  expect_equal(await call(sender, "echo", payload), [payload], "the acked echo of keys and values");

  step("and without an ack (echo-back)");
  const back = once(sender, "echo-back");
  sender.emit("echo", payload, strings[1]);
  expect_equal(await back, [payload, strings[1]], "echo-back");

  step("a broadcast of them reaches the bystanders intact");
  const received = others.sockets.map((s) => once(s, "lone"));
  sender.emit("broadcast", "lone", payload);
  for (const r of received) expect_equal(await r, [payload], "the broadcast");

  step("the bystanders were not disconnected and still exchange messages");
  await others.check();
  sender.disconnect();
  others.close();
});
