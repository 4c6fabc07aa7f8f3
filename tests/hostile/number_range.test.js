"use strict";
// Numbers JSON.parse reads but a double cannot hold (1e400 is Infinity, 1.0e-2147483639 is 0):
// the server must read them as JavaScript does and answer what JSON.stringify writes for them,
// with no undefined behaviour on exponents near INT_MIN (RapidJSON 1.1.0 overflows an int there,
// CVE-2024-38517) and no refusal of numbers beyond a double's range.

const { run, step, bystander, raw_client, expect } = require("./lib.js");

const numbers = [
  "1e400", "-1e400", "1.0e-2147483639", "-1.0e-2147483648", "1e-2147483649", "1e2147483648",
  "1e99999999999999999999", "1e-400", "12345678901234567890", "9007199254740993", "-0", "0.1e1",
  "2.4703282292062328e-324", "1.7976931348623158080e308",
];

run("number_range", async (url) => {
  step("bystanders connect");
  const others = await bystander(url);

  step("a raw client sends numbers beyond a double's range to echo");
  const { client } = await raw_client(url);
  const args = `["echo",${numbers.join(",")}]`;
  client.send(`421${args}`);
  // What Node's server answers: the ack carries JSON.stringify(JSON.parse(...)) of the arguments.
  const expected = `431${JSON.stringify(JSON.parse(args).slice(1))}`;
  const answer = await client.next();
  expect(answer === expected, `the ack is ${expected} (got ${answer})`);

  step("one number at a time, each in an event of its own");
  for (const n of numbers) {
    client.send(`42["echo",${n}]`);
    const echoed = await client.next();
    const want = `42["echo-back",${JSON.stringify(JSON.parse(n))}]`;
    expect(echoed === want, `${n} comes back as ${want} (got ${echoed})`);
  }
  expect(client.ws.readyState === 1, "the raw client is still connected");
  client.close();

  step("the bystanders still exchange messages");
  await others.check();
  others.close();
});
