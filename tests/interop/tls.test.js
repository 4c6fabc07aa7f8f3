"use strict";
// HTTPS and WSS: the official client over TLS, with polling only, WebSocket only, and polling
// upgraded to WebSocket. The server's certificate is self-signed, made by the test for this run;
// the client trusts it as its CA (SIO_TLS_CA, a PEM file) and checks the server's name, as a
// client of a real deployment would: rejectUnauthorized stays on.

const fs = require("fs");
const { io, run, step, once, connect, connected, call, expect, expect_equal } = require("./lib");

run("tls", async (url) => {
  expect(url.startsWith("https://"), "the scenario gets an https:// URL");
  const ca_file = process.env.SIO_TLS_CA;
  expect(Boolean(ca_file), "SIO_TLS_CA names the CA certificate");
  const tls = { ca: fs.readFileSync(ca_file), rejectUnauthorized: true };

  for (const transport of ["polling", "websocket"]) {
    step(`${transport}: connect over TLS`);
    const socket = await connect(url, { transports: [transport], ...tls });
    expect(socket.io.engine.transport.name === transport, `${transport}-only client uses ${transport}`);
    step(`${transport}: echo with ack`);
    expect_equal(await call(socket, "echo", "héllo", 1), ["héllo", 1], `${transport}: ack`);
    step(`${transport}: binary and a large message`);
    const big = Buffer.alloc(100 * 1024, 7);
    expect_equal(await call(socket, "echo", big, "x".repeat(50 * 1024)), [big, "x".repeat(50 * 1024)],
                 `${transport}: 100 KiB of binary and 50 KiB of text come back intact`);
    socket.disconnect();
  }

  step("upgrade: polling then WebSocket over TLS");
  const socket = io(url, { forceNew: true, reconnection: false, ...tls });
  const upgraded = once(socket.io.engine, "upgrade");
  await connected(socket);
  await upgraded;
  expect(socket.io.engine.transport.name === "websocket", "the client upgraded to WSS");
  expect_equal(await call(socket, "echo", "after upgrade"), ["after upgrade"], "upgraded: ack");
  socket.disconnect();

  step("an untrusted certificate is refused");
  const refused = io(url, { forceNew: true, reconnection: false, transports: ["websocket"] });
  const [err] = await once(refused, "connect_error");
  expect(Boolean(err), "a client without the CA gets connect_error");
  refused.close();
});
