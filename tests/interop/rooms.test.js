"use strict";
// Rooms and broadcasts with three clients: A and B in "r1", C in "r2". Each broadcast is followed by a
// barrier, an io.emit of "sync" sent on the same connection as the broadcast: once every client has the
// barrier, whatever the broadcast sent has arrived, so "C got nothing" and "B got it once" are checked
// without waiting for time to pass.

const { WAIT_MS, run, step, within, connect, call, expect_equal, reason_of } = require("./lib");

const NAMES = ["A", "B", "C"];

run("rooms", async (url) => {
  step("connect");
  // One client per transport setup, so broadcasts cross all of them.
  const clients = {
    A: await connect(url),
    B: await connect(url, { transports: ["websocket"] }),
    C: await connect(url, { transports: ["polling"] }),
  };
  const logs = { A: [], B: [], C: [] };
  for (const name of NAMES) clients[name].on("msg", (payload) => logs[name].push(payload));

  let barrier = 0;
  function sync_seen(socket, token) {
    return within(
      new Promise((resolve) => {
        const listener = (got) => {
          if (got !== token) return;
          socket.off("sync", listener);
          resolve();
        };
        socket.on("sync", listener);
      }),
      WAIT_MS,
      `barrier ${token}`,
    );
  }

  /// Has `actor` emit `event` with `args` (the payload is the step label), then checks that exactly the
  /// clients in `receivers` got the payload, once each.
  async function expect_receivers(label, actor, event, args, receivers) {
    step(label);
    const token = `sync ${++barrier}`;
    const seen = NAMES.map((name) => sync_seen(clients[name], token));
    clients[actor].emit(event, ...args, "msg", label);
    clients[actor].emit("all", "sync", token);
    await Promise.all(seen);
    for (const name of NAMES) {
      expect_equal(logs[name], receivers.includes(name) ? [label] : [], `${label}: what ${name} received`);
      logs[name] = [];
    }
  }

  step("join");
  await call(clients.A, "join", "r1");
  await call(clients.B, "join", "r1");
  await call(clients.C, "join", "r2");

  await expect_receivers("socket.to(r1) from A", "A", "to", [["r1"]], ["B"]);
  await expect_receivers("io.in(r1)", "A", "in", [["r1"]], ["A", "B"]);
  await expect_receivers("io.except(r1)", "A", "except", [["r1"]], ["C"]);
  await expect_receivers("socket.broadcast from A", "A", "broadcast", [], ["B", "C"]);
  await expect_receivers("io.emit", "A", "all", [], ["A", "B", "C"]);
  await expect_receivers("socket.to(r1).to(r2) from C", "C", "to", [["r1", "r2"]], ["A", "B"]);
  await expect_receivers("io.in(r1, r2)", "B", "in", [["r1", "r2"]], ["A", "B", "C"]);
  await expect_receivers("io.except(r1, r2)", "B", "except", [["r1", "r2"]], []);
  await expect_receivers("socket.to(unknown room)", "A", "to", [["nobody-here"]], []);

  // A socket in two of the target rooms still gets the message once.
  step("B joins r2");
  await call(clients.B, "join", "r2");
  await expect_receivers("io.in(r1, r2) with B in both", "A", "in", [["r1", "r2"]], ["A", "B", "C"]);
  await expect_receivers("socket.to(r1, r2) from C with B in both", "C", "to", [["r1", "r2"]], ["A", "B"]);
  await expect_receivers("io.except(r2) with B in r2", "A", "except", [["r2"]], ["A"]);

  // Every socket is in the room named by its own id.
  step("whoami");
  const [b_id] = await call(clients.B, "whoami");
  await expect_receivers("socket.to(B's id) from A", "A", "to", [[b_id]], ["B"]);

  step("A leaves r1");
  await call(clients.A, "leave", "r1");
  await expect_receivers("io.in(r1) after A left", "A", "in", [["r1"]], ["B"]);
  await expect_receivers("socket.to(r1) from A after A left", "A", "to", [["r1"]], ["B"]);
  await expect_receivers("io.except(r1) after A left", "C", "except", [["r1"]], ["A", "C"]);

  // A socket that disconnects leaves its rooms.
  step("B disconnects");
  clients.B.disconnect();
  expect_equal(await reason_of(clients.A, b_id), "client namespace disconnect", "B's disconnect reason");
  const remaining = NAMES.filter((n) => n !== "B");
  for (const name of remaining) logs[name] = [];
  step("io.in(r1) after B left");
  {
    const token = `sync ${++barrier}`;
    const seen = remaining.map((name) => sync_seen(clients[name], token));
    clients.A.emit("in", ["r1", "r2"], "msg", "after B left");
    clients.A.emit("all", "sync", token);
    await Promise.all(seen);
    expect_equal(logs.A, [], "A is in neither room");
    expect_equal(logs.C, ["after B left"], "C in r2");
  }

  for (const name of remaining) clients[name].disconnect();
});
