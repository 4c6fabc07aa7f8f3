"use strict";
// cors.origins {"*"} with credentials: a page from any origin asks with the user's cookies. The
// answer stays `Access-Control-Allow-Origin: *`, as Node's cors package gives it, so browsers
// refuse to hand the response to the page; echoing the origin would let every page read it.
// server-args: --cors-origin * --cors-credentials

const { run, step, bystander, raw_client, expect, expect_equal, endpoint, request } = require("./lib.js");

const EVIL = "http://evil.example";

run("cors_star_credentials", async (url) => {
  step("bystanders connect");
  const others = await bystander(url);

  step("a credentialed handshake from another origin");
  const handshake = await request(url, {
    path: endpoint(url, { transport: "polling" }).href,
    headers: { Origin: EVIL, Cookie: "session=secret" },
  });
  expect_equal(handshake.status, 200, "the handshake is answered (CORS is the browser's to enforce)");
  expect_equal(handshake.headers["access-control-allow-origin"], "*", "a star, not the origin echoed");
  expect_equal(handshake.headers["access-control-allow-credentials"], "true", "credentials announced");

  step("a preflight from another origin");
  const preflight = await request(url, {
    method: "OPTIONS",
    path: endpoint(url, { transport: "polling" }).href,
    headers: { Origin: EVIL, "Access-Control-Request-Method": "POST" },
  });
  expect_equal(preflight.status, 204, "the preflight is answered");
  expect_equal(preflight.headers["access-control-allow-origin"], "*", "a star, not the origin echoed");

  step("with any origin allowed, WebSockets from any origin pass");
  const { client } = await raw_client(url, {}, { answer_pings: true, origin: EVIL });
  client.send('42["echo","hi"]');
  expect_equal(await client.next(), '42["echo-back","hi"]', "an echo");
  client.close();

  step("the bystanders still exchange messages");
  await others.check();
  others.close();
});
