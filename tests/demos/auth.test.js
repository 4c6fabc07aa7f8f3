"use strict";
// The auth demo's protocol, with socket.io-client: the custom path /my, the sid in the auth
// payload, refusals with "Authentication error", and the nickname cookie read by a middleware.

const { step, run, start_demo, connect, Inbox, expect, expect_equal, check_static_files, http_get } = require("./lib");

run("auth protocol", async () => {
  step("start the auth demo");
  const server = await start_demo("auth");
  await check_static_files(server.url, ["auth.js", "auth.css"], "/my/socket.io.js");
  const default_path = await http_get(`${server.url}/socket.io/socket.io.js`);
  expect_equal(default_path.status, 404, "nothing on the default path");

  for (const transports of [["polling", "websocket"], ["websocket"]]) {
    step(`the right sid gets in (${transports})`);
    let welcomes;
    const ok = await connect(server.url, { path: "/my", auth: { sid: "123456" }, transports }, (s) => (welcomes = new Inbox(s, "welcome")));
    const welcome = await welcomes.wait_for(() => true, "welcome");
    expect_equal(welcome, { id: ok.id, nickname: null }, "welcome without a cookie");
    ok.close();

    step(`the nickname cookie is read (${transports})`);
    const with_cookie = await connect(
      server.url,
      { path: "/my", auth: { sid: "123456" }, transports, extraHeaders: { cookie: "theme=dark; nickname=Ada%20L.; other=1" } },
      (s) => (welcomes = new Inbox(s, "welcome")),
    );
    const welcome2 = await welcomes.wait_for(() => true, "welcome");
    expect_equal(welcome2, { id: with_cookie.id, nickname: "Ada L." }, "welcome with the cookie");
    with_cookie.close();
  }

  const refused = async (label, opts) => {
    step(label);
    const err = await connect(server.url, { path: "/my", ...opts }).then(
      () => null,
      (e) => e,
    );
    expect(err && err.cause, `${label}: refused`);
    expect_equal(err.cause.message, "Authentication error", `${label}: the refusal's message`);
  };
  await refused("a wrong sid is refused", { auth: { sid: "654321" } });
  await refused("a numeric sid is refused", { auth: { sid: 123456 } });
  await refused("no auth payload is refused", {});
  await server.wait_for_output(/refused a client from 127\.0\.0\.1: no valid sid/);

  step("a sid in the query string is taken by Engine.IO as its own session id");
  // Which is why the demo reads it from the auth payload: the first request already fails, as a
  // request for an unknown Engine.IO session.
  const query_err = await connect(server.url, { path: "/my", query: { sid: "123456" }, transports: ["polling"] }).then(
    () => null,
    (e) => e,
  );
  expect(query_err && query_err.cause && query_err.cause.message !== "Authentication error", "refused by Engine.IO");

  step("the default path does not answer");
  const err = await connect(server.url, { auth: { sid: "123456" }, transports: ["polling"] }).then(
    () => null,
    (e) => e,
  );
  expect(err && err.cause && err.cause.message !== "Authentication error", "no Socket.IO server on /socket.io/");
});
