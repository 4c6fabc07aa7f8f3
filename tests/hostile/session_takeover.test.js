"use strict";
// An intruder that learned a long-polling client's sid (it travels in every URL) presents it from
// another address: a polling GET would read the victim's packets, a POST would send as the victim,
// a WebSocket upgrade would take its session over (Node's server lets all three happen). Each is
// refused as an unknown session, and the victim, still on polling, never notices.

const { run, step, bystander, connect, call, expect, expect_equal, endpoint, request, raw_websocket, refusal } =
  require("./lib.js");

const INTRUDER = "127.0.0.2";  // another loopback address: another client
const UNKNOWN = '{"code":1,"message":"Session ID unknown"}';

run("session_takeover", async (url) => {
  step("bystanders connect");
  const others = await bystander(url);

  step("a victim connects on long-polling");
  const victim = await connect(url, { transports: ["polling"] });
  const sid = victim.io.engine.id;
  expect(typeof sid === "string" && sid.length > 0, "the victim has an Engine.IO sid");
  const victim_disconnects = [];
  victim.on("disconnect", (reason) => victim_disconnects.push(reason));
  const victim_echoes = [];
  victim.on("echo-back", (...args) => victim_echoes.push(args));
  const polling = endpoint(url, { transport: "polling", sid }).href;

  step("the intruder's polling GET with the victim's sid");
  const get = await request(url, { path: polling, local_address: INTRUDER });
  expect_equal(get.status, 400, "the GET is refused");
  expect_equal(get.body.toString(), UNKNOWN, "as an unknown session");

  step("the intruder's polling POST with the victim's sid");
  const post = await request(url, {
    method: "POST",
    path: polling,
    headers: { "Content-Type": "text/plain;charset=UTF-8" },
    body: '42["echo","injected"]',
    local_address: INTRUDER,
  });
  expect_equal(post.status, 400, "the POST is refused");
  expect_equal(post.body.toString(), UNKNOWN, "as an unknown session");

  step("the intruder's WebSocket upgrade with the victim's sid");
  const upgrade = await refusal(raw_websocket(url, { sid }, { localAddress: INTRUDER }));
  expect_equal(upgrade.status, 400, "the upgrade is refused");
  expect_equal(upgrade.body, UNKNOWN, "as an unknown session");

  step("the victim still exchanges messages, on polling, and got nothing it did not ask for");
  const payload = { mine: true };
  expect_equal(await call(victim, "echo", payload), [payload], "the victim's echo");
  expect_equal(victim.io.engine.transport.name, "polling", "the victim's transport");
  expect(victim_disconnects.length === 0, `the victim was not disconnected (${victim_disconnects.join(", ")})`);
  expect(victim_echoes.length === 0, `no injected event reached the victim (${JSON.stringify(victim_echoes)})`);
  expect_equal(victim.io.engine.id, sid, "the victim's session");

  step("the bystanders still exchange messages");
  await others.check();
  victim.disconnect();
  others.close();
});
