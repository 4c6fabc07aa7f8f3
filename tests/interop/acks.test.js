"use strict";
// Acknowledgements both ways: the client asks and the server answers; the server asks and the client
// answers; the server gives up after a timeout, and says so, when the client does not answer.

const { run, step, connect, call, expect, expect_equal } = require("./lib");

async function check_all(socket, label) {
  step(`${label}: client asks, several arguments with binary`);
  const args = ["one", 2, 3.5, false, null, { four: Buffer.from([4, 4]) }, [Buffer.from([5]), "six"], Buffer.from("seven")];
  expect_equal(await call(socket, "echo", ...args), args, `${label}: ack arguments`);

  step(`${label}: ack with no arguments`);
  expect_equal(await call(socket, "join", "some-room"), [], `${label}: join ack`);

  step(`${label}: concurrent acks`);
  const replies = await Promise.all([...Array(20).keys()].map((i) => call(socket, "echo", i, `r${i}`)));
  expect_equal(replies, [...Array(20).keys()].map((i) => [i, `r${i}`]), `${label}: each ack matched to its emit`);

  step(`${label}: server asks, client answers`);
  let question = null;
  socket.on("question", (text, answer) => {
    question = text;
    answer("yes", 42, { blob: Buffer.from([0xca, 0xfe]) });
  });
  expect_equal(await call(socket, "ask"), ["yes", 42, { blob: Buffer.from([0xca, 0xfe]) }], `${label}: the reply`);
  expect(question === "ok?", `${label}: the question was "ok?", got ${JSON.stringify(question)}`);

  step(`${label}: server asks with a timeout, client answers in time`);
  expect_equal(await call(socket, "ask-timeout", 1000), ["answered"], `${label}: answered`);
  socket.off("question");

  step(`${label}: server asks with a timeout, client does not answer`);
  let late_answer = null;
  socket.on("question", (_text, answer) => {
    late_answer = answer;
  });
  expect_equal(await call(socket, "ask-timeout", 150), ["timeout"], `${label}: the server saw the timeout`);
  expect(typeof late_answer === "function", `${label}: the question came with an ack`);
  socket.off("question");

  // An answer after the timeout is dropped by the server, and the connection goes on.
  step(`${label}: late answer is ignored`);
  late_answer("too late");
  expect_equal(await call(socket, "echo", "still here"), ["still here"], `${label}: connection alive after a late answer`);
  expect(socket.connected, `${label}: still connected`);
}

run("acks", async (url) => {
  for (const transport of ["websocket", "polling"]) {
    step(`${transport}: connect`);
    const socket = await connect(url, { transports: [transport] });
    socket.on("disconnect", (reason) => console.error(`${transport}: disconnected: ${reason}`));
    await check_all(socket, transport);
    socket.off("disconnect");
    socket.disconnect();
  }
});
