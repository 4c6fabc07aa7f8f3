"use strict";
// The rooms demo's event protocol, with socket.io-client: A and B in room "red", C in "blue"; each
// way of addressing a message reaches exactly the sockets it should.
//
// After each message its sender emits "everyone" with a barrier token: the server handles one
// connection's events in order and each client receives in order, so once every client has the
// barrier, whatever the message sent has arrived, and "C got nothing" needs no waiting.

const { step, run, start_demo, connect, Inbox, expect, expect_equal, check_static_files } = require("./lib");

function call(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(5000).emit(event, ...args, (err, reply) => (err ? reject(new Error(`no ack for ${event}`)) : resolve(reply)));
  });
}

run("rooms protocol", async () => {
  step("start the rooms demo");
  const server = await start_demo("rooms");
  await check_static_files(server.url, ["rooms.js", "rooms.css"]);

  step("connect A, B and C");
  const names = ["A", "B", "C"];
  const clients = {};
  const inbox = {};
  const peers = {};
  const hello = {};
  for (const [name, opts] of [["A", {}], ["B", { transports: ["websocket"] }], ["C", { transports: ["polling"] }]]) {
    clients[name] = await connect(server.url, opts, (socket) => {
      inbox[name] = new Inbox(socket, "message");
      peers[name] = new Inbox(socket, "peers");
      hello[name] = new Inbox(socket, "hello");
    });
  }
  const ids = names.map((n) => clients[n].id);
  for (const name of names) {
    expect_equal(await hello[name].wait_for(() => true, "hello"), { id: clients[name].id }, `hello at ${name}`);
  }
  await peers.A.wait_for((list) => ids.every((id) => list.includes(id)) && list.length === 3, "list of the three sockets");

  step("join and leave answer the socket's rooms");
  expect_equal(await call(clients.A, "join", "red"), ["red"], "A joins red");
  expect_equal(await call(clients.B, "join", "red"), ["red"], "B joins red");
  expect_equal(await call(clients.C, "join", "blue"), ["blue"], "C joins blue");
  expect_equal(await call(clients.C, "join", "green"), ["blue", "green"], "C joins green");
  expect_equal((await call(clients.C, "leave", "green")), ["blue"], "C leaves green");

  let barrier = 0;
  async function expect_receivers(label, actor, event, args, receivers, how) {
    step(label);
    const token = `barrier ${++barrier}`;
    clients[actor].emit(event, ...args);
    clients[actor].emit("everyone", token);
    for (const name of names) await inbox[name].wait_for((m) => m.text === token, `${token} at ${name}`);
    for (const name of names) {
      const got = inbox[name].items.filter((m) => m.text === label);
      expect_equal(got.length, receivers.includes(name) ? 1 : 0, `${label}: how many times ${name} received it`);
      if (got.length) expect_equal([got[0].from, got[0].how], [clients[actor].id, how], `${label}: sender and call at ${name}`);
    }
  }

  await expect_receivers("in red, sender included", "A", "in-room", ["red", "in red, sender included"], ["A", "B"], "io.in(room).emit");
  await expect_receivers("to red, sender excluded", "A", "to-room", ["red", "to red, sender excluded"], ["B"], "socket.to(room).emit");
  await expect_receivers("broadcast to red", "A", "broadcast-to", ["red", "broadcast to red"], ["B"], "socket.broadcast.to(room).emit");
  await expect_receivers("to blue from outside", "A", "to-room", ["blue", "to blue from outside"], ["C"], "socket.to(room).emit");
  await expect_receivers("private to C", "A", "private", [clients.C.id, "private to C"], ["C"], "socket.to(id).emit");
  await expect_receivers("everyone", "B", "everyone", ["everyone"], ["A", "B", "C"], "io.emit");
  await expect_receivers("others", "B", "others", ["others"], ["A", "C"], "socket.broadcast.emit");

  step("leave");
  expect_equal(await call(clients.A, "leave", "red"), [], "A leaves red");
  await expect_receivers("in red after A left", "B", "in-room", ["red", "in red after A left"], ["B"], "io.in(room).emit");

  step("peers after a disconnection");
  clients.C.close();
  await peers.A.wait_for((list) => list.length === 2 && !list.includes(ids[2]), "list without C");
});
