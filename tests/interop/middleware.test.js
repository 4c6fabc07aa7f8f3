"use strict";
// Namespace middleware: "/admin" refuses a connection without the right auth token, with an error
// message and data the client can read, and accepts it with the token.

const { Manager, io, run, step, once, connected, connect_error, call, expect, expect_equal } = require("./lib");

async function check(make_socket, label) {
  step(`${label}: no auth`);
  const anonymous = make_socket("/admin", {});
  const err = await connect_error(anonymous);
  expect_equal(err.message, "not authorized", `${label}: connect_error message`);
  expect_equal(err.data, { code: 42 }, `${label}: connect_error data`);
  expect(!anonymous.connected, `${label}: not connected without auth`);
  anonymous.disconnect();

  step(`${label}: wrong token`);
  const wrong = make_socket("/admin", { auth: { token: "guess" } });
  const err2 = await connect_error(wrong);
  expect_equal([err2.message, err2.data], ["not authorized", { code: 42 }], `${label}: wrong token refused`);
  wrong.disconnect();

  step(`${label}: right token`);
  const admin = make_socket("/admin", { auth: { token: "secret" } });
  const hello = once(admin, "hello");
  await connected(admin);
  expect_equal(await hello, ["/admin"], `${label}: /admin says hello once connected`);
  expect(typeof admin.id === "string" && admin.id.length > 0, `${label}: a socket id`);
  return admin;
}

run("middleware", async (url) => {
  // Each socket on its own connection.
  const admin = await check((nsp, opts) => io(url + nsp, { forceNew: true, reconnection: false, ...opts }), "own connection");
  admin.disconnect();

  // All on one connection: a refused namespace leaves the others on that connection untouched.
  for (const transport of ["websocket", "polling"]) {
    // Without autoConnect, getting the namespace's socket back from the Manager does not reconnect it.
    const manager = new Manager(url, { transports: [transport], reconnection: false, autoConnect: false });
    const root = manager.socket("/").connect();
    await connected(root);
    // A Manager keeps one socket per namespace: each attempt reuses it with new credentials.
    const reuse = (nsp, opts) => {
      const socket = manager.socket(nsp, opts);
      socket.auth = opts.auth;
      return socket.connect();
    };
    const shared_admin = await check(reuse, `shared ${transport}`);
    step(`shared ${transport}: / after the refusals`);
    expect(root.connected, "/ still connected");
    expect_equal(await call(root, "echo", "fine"), ["fine"], "/ still works");
    expect(shared_admin.io.engine.id === root.io.engine.id, "one Engine.IO session for all");
    manager.engine.close();
  }
});
