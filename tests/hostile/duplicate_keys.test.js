"use strict";
// Objects that name a key twice. In a binary packet, a placeholder that does
// ({"_placeholder":false,"_placeholder":true,"num":0}) reads differently in different decoders
// (RapidJSON's lookup finds the first, JSON.parse keeps the last): the server refuses the packet
// and closes the connection, as for any malformed packet. Anywhere else the server reads repeats as
// JSON.parse does: the last value, at the place of the first key (and array-index keys first, as
// in any JavaScript object).

const { run, step, bystander, raw_client, within, expect, reason_of } = require("./lib.js");

run("duplicate_keys", async (url) => {
  step("bystanders connect");
  const others = await bystander(url);

  step("repeated keys in plain data are read as JSON.parse reads them");
  const { client: plain } = await raw_client(url);
  const args = '["echo",{"a":1,"b":2,"a":3},{"_placeholder":false,"_placeholder":true,"num":9},{"b":1,"1":2,"0":3,"b":4}]';
  plain.send(`421${args}`);
  const expected = `431${JSON.stringify(JSON.parse(args).slice(1))}`;
  const answer = await plain.next();
  expect(answer === expected, `the ack is ${expected} (got ${answer})`);
  plain.close();

  for (const placeholder of [
    '{"_placeholder":false,"_placeholder":true,"num":0}',
    '{"_placeholder":true,"num":1,"num":0}',
  ]) {
    step(`a binary event holding ${placeholder} is refused`);
    const { client, id } = await raw_client(url);
    client.send(`452-["echo",${placeholder}]`);
    client.send(Buffer.from([1]));
    client.send(Buffer.from([2]));
    await within(client.closed, 3000, "the connection closing");
    const reason = await reason_of(others.sockets[0], id);
    expect(reason === "parse error", `closed as a protocol error (reason: ${reason})`);
  }

  step("the bystanders still exchange messages");
  await others.check();
  others.close();
});
