"use strict";
// A client that sends pongs of its own accord, without waiting for (or reading) the pings, must not
// keep its session alive: the server closes a session on a pong with no ping outstanding.

const { run, step, bystander, raw_client, within, expect, reason_of } = require("./lib.js");

run("unsolicited_pong", async (url) => {
  step("bystanders connect");
  const others = await bystander(url);

  step("a raw client connects and sends pongs of its own accord");
  const { client, id } = await raw_client(url, {}, { answer_pings: false });
  // Two at once: should a ping be outstanding already (a slow start), the second is unasked for.
  client.send("3");
  client.send("3");
  step("the server closes that connection");
  await within(client.closed, 3000, "the unsolicited pong's connection closing");
  const reason = await reason_of(others.sockets[0], id);
  expect(reason === "transport error", `closed as a transport error, not by the ping timeout (reason: ${reason})`);

  step("a client that answers each ping once stays connected across several pings");
  const { client: polite } = await raw_client(url);
  await polite.answered_pings(3);
  expect(polite.ws.readyState === 1, "the polite raw client is still open");
  polite.close();

  step("the bystanders still exchange messages");
  await others.check();
  others.close();
});
