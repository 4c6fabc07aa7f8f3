// server-args: --ping-interval 20000 --max-buffered-bytes 262144
"use strict";
// One client stops reading (its TCP socket is paused) while another sends 10,000 broadcasts of
// 1 KB. The server must not keep the 10 MB for it: once what waits for it would pass
// max_buffered_bytes (256 KiB here) it is disconnected ("send buffer full"), its memory with it,
// while the well-behaved clients receive every broadcast. (The long ping interval keeps the ping
// timeout from closing the paused client first.)

const { WAIT_MS, run, step, server_rss_kib, expect_memory_growth, bystander, raw_client, connect, within, expect, reason_of } = require("./lib.js");

const BROADCASTS = 10000;
const BATCH = 100;
const PAYLOAD = "x".repeat(1000);

/// Counts the "m" events `socket` receives, each with the payload; reached(n) resolves once n
/// have arrived.
function counter(socket) {
  const c = { got: 0, damaged: false, waiters: [] };
  socket.on("m", (p) => {
    if (p !== PAYLOAD) c.damaged = true;
    ++c.got;
    c.waiters = c.waiters.filter(([n, resolve]) => (c.got >= n ? (resolve(), false) : true));
  });
  c.reached = (n) =>
    c.got >= n
      ? Promise.resolve()
      : within(new Promise((resolve) => c.waiters.push([n, resolve])), WAIT_MS, `${n} broadcasts on ${socket.io.engine.transport.name}`);
  return c;
}

run(
  "slow_reader",
  async (url) => {
    step("bystanders, a sender and a client that will stop reading connect");
    const others = await bystander(url);
    const sender = await connect(url, { transports: ["websocket"] });
    const { client: slow, id: slow_id } = await raw_client(url);
    const before = server_rss_kib();

    step("the slow client stops reading; the sender broadcasts 10,000 messages of 1 KB");
    slow.ws._socket.pause();
    const counters = others.sockets.map(counter);
    // In batches that the well-behaved clients have received before the next one goes: what
    // waits for them stays far below the budget, while the paused client falls behind by all.
    for (let sent = 0; sent < BROADCASTS; sent += BATCH) {
      for (let i = 0; i < BATCH; ++i) sender.emit("broadcast", "m", PAYLOAD);
      await Promise.all(counters.map((c) => c.reached(sent + BATCH)));
    }
    expect(counters.every((c) => c.got === BROADCASTS && !c.damaged), "every bystander got every broadcast intact");

    step("the slow client was disconnected for it, and the server did not keep what it did not read");
    const reason = await reason_of(others.sockets[0], slow_id);
    expect(reason === "send buffer full", `the slow client's reason (got ${reason})`);
    // 10 MB were broadcast; the budget is 256 KiB. Seen here: about 0.7 MiB of growth with the
    // budget, 7.3 MiB without (the kernel's socket buffers took the rest). The bound leaves room
    // for the allocator and the bystanders' own traffic, not for what the slow client missed.
    expect_memory_growth(before, 3 * 1024);

    step("the bystanders still exchange messages");
    await others.check();
    others.close();
    sender.disconnect();
    slow.close();
  },
  { timeout_ms: 25000 },
);
