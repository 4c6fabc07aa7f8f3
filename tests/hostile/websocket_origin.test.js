"use strict";
// Browsers apply no CORS to WebSockets: a page from any origin may open one to the server with the
// user's cookies. With cors.origins naming origins, the server checks Origin itself: a WebSocket
// handshake, or the upgrade of a polling session, from an origin neither listed nor the server's
// own is refused with 403; listed origins, the server's own and clients sending no Origin (Node's,
// as the bystanders) pass.
// server-args: --cors-origin http://allowed.example

const { run, step, bystander, connect, call, expect, expect_equal, raw_websocket, raw_client, refusal } =
  require("./lib.js");

const FORBIDDEN = '{"code":4,"message":"Forbidden"}';
const EVIL = "http://evil.example";

run("websocket_origin", async (url) => {
  step("bystanders connect (no Origin)");
  const others = await bystander(url);

  step("a WebSocket handshake from another origin");
  const handshake = await refusal(raw_websocket(url, {}, { origin: EVIL }));
  expect_equal(handshake.status, 403, "the handshake is refused");
  expect_equal(handshake.body, FORBIDDEN, "as forbidden");

  step("the upgrade of a polling session from another origin");
  const victim = await connect(url, { transports: ["polling"] });
  const sid = victim.io.engine.id;
  const upgrade = await refusal(raw_websocket(url, { sid }, { origin: EVIL }));
  expect_equal(upgrade.status, 403, "the upgrade is refused");
  expect_equal(upgrade.body, FORBIDDEN, "as forbidden");
  const payload = { still: "polling" };
  expect_equal(await call(victim, "echo", payload), [payload], "the polling session goes on");

  step("a listed origin and the server's own pass");
  for (const origin of ["http://allowed.example", new URL(url).origin]) {
    const { client } = await raw_client(url, {}, { answer_pings: true, origin });
    client.send('42["echo","hi"]');
    expect_equal(await client.next(), '42["echo-back","hi"]', `an echo from ${origin}`);
    client.close();
  }

  step("the bystanders still exchange messages");
  await others.check();
  victim.disconnect();
  others.close();
});
