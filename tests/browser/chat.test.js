"use strict";
// The chat demo's page in headless Chromium, one scenario per run:
//   node chat.test.js talk|private|rooms|escape|restart
//
// "A page shows nothing" is checked without waiting for time to pass: the sender then sends a
// message the page does get (a barrier). The server handles one connection's events in order
// and each page receives in order, so once the barrier is shown, anything sent before it to that
// page is shown too.

const path = require("path");
const { step, run, start_demo, temp_dir, launch, open_page, expect, expect_equal, expect_no_problems, wait_text } =
  require("./lib");
const { shown, wait_message, say, join_chat } = require("./chat_page");

const scenarios = {
  async talk(url, browser) {
    step("alice and bob open the chat");
    const alice = await join_chat(browser, url, "alice");
    const bob = await join_chat(browser, url, "bob");
    await wait_message(alice, "bob joined");

    step("they talk");
    await say(alice, "hi bob, how are you?");
    const at_bob = await wait_message(bob, "hi bob, how are you?");
    expect_equal([at_bob.user, at_bob.type], ["alice", "public"], "alice's message on bob's page");
    await say(bob, "fine, thanks alice");
    const at_alice = await wait_message(alice, "fine, thanks alice");
    expect_equal([at_alice.user, at_alice.type], ["bob", "public"], "bob's message on alice's page");
    await wait_message(bob, "fine, thanks alice");  // the sender sees its own message too

    step("bob leaves");
    await bob.context().close();
    await wait_message(alice, "bob left");
    expect_no_problems(alice);
  },

  async private(url, browser) {
    step("alice, bob and carol open the chat");
    const alice = await join_chat(browser, url, "alice");
    const bob = await join_chat(browser, url, "bob");
    const carol = await join_chat(browser, url, "carol");

    step("alice writes to bob privately");
    await say(alice, "@bob the secret is 42");
    const at_bob = await wait_message(bob, "the secret is 42");
    expect_equal([at_bob.user, at_bob.type, at_bob.to], ["alice", "private", "to bob"], "the private message at bob");
    await wait_message(alice, "the secret is 42");  // the sender's copy

    step("carol does not see it");
    await say(alice, "a public message after the private one");
    await wait_message(carol, "a public message after the private one");
    expect(!(await shown(carol)).some((m) => m.content === "the secret is 42"), "carol's page shows no private message");

    step("a private message to someone offline");
    await say(alice, "@dave are you there?");
    await wait_message(alice, 'there is no user "dave" online');
    expect_no_problems(alice, bob, carol);
  },

  async rooms(url, browser) {
    step("alice, bob and carol open the chat");
    const alice = await join_chat(browser, url, "alice");
    const bob = await join_chat(browser, url, "bob");
    const carol = await join_chat(browser, url, "carol");

    step("bob and carol join the red room, carol the green one too");
    await bob.click("#room-red");
    await wait_text(bob, "#room-red", "leave red room");
    expect_equal(await bob.getAttribute("#room-red", "aria-pressed"), "true", "the red button shows bob in the room");
    await carol.click("#room-red");
    await wait_text(carol, "#room-red", "leave red room");
    await wait_message(bob, "carol joined room red");
    await carol.click("#room-green");
    await wait_text(carol, "#room-green", "leave green room");

    step("bob's message reaches the red room only");
    await say(bob, "only for the red room");
    const at_carol = await wait_message(carol, "only for the red room");
    expect_equal([at_carol.user, at_carol.type, at_carol.tags], ["bob", "room", ["red"]], "the room message at carol");
    await wait_message(bob, "only for the red room");
    // A private message from bob to alice is the barrier: it is not bound to bob's rooms.
    await say(bob, "@alice barrier");
    await wait_message(alice, "barrier");
    expect(!(await shown(alice)).some((m) => m.content === "only for the red room"), "alice's page shows no room message");

    step("carol's message reaches the members of red and green, each once");
    await say(carol, "red and green");
    await wait_message(bob, "red and green");
    await say(carol, "@bob barrier 2");
    await wait_message(bob, "barrier 2");
    expect_equal((await shown(bob)).filter((m) => m.content === "red and green").length, 1, "bob got it once");

    step("bob leaves the red room");
    await bob.click("#room-red");
    await wait_text(bob, "#room-red", "join red room");
    await wait_message(carol, "bob left room red");
    await say(bob, "back to everyone");
    await wait_message(alice, "back to everyone");
    expect_no_problems(alice, bob, carol);
  },

  async escape(url, browser) {
    step("mallory and bob open the chat");
    const mallory = await join_chat(browser, url, "mallory");
    const bob = await join_chat(browser, url, "bob");

    step("mallory sends markup");
    const markup = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script><b id="bold">bold</b> & "quotes"`;
    await say(mallory, markup);
    const at_bob = await wait_message(bob, markup);
    expect_equal(at_bob.content, markup, "bob's page shows the markup as text");
    expect_equal(await bob.evaluate(() => window.pwned), undefined, "no script of mallory's ran on bob's page");
    expect_equal(await bob.locator("#messages img, #messages script, #bold").count(), 0, "no element was made from the text");
    expect_equal(await mallory.evaluate(() => window.pwned), undefined, "nor on mallory's own page");

    step("the same markup in the history");
    const carol = await open_page(browser, url);
    await wait_message(carol, markup, "#history");
    expect_equal(await carol.evaluate(() => window.pwned), undefined, "no script ran from the history");
    expect_no_problems(mallory, bob, carol);
  },

  async restart(url, browser, server, db) {
    step("alice sends 25 messages");
    const alice = await join_chat(browser, url, "alice");
    for (let i = 1; i <= 25; ++i) await say(alice, `message ${i}`);
    await wait_message(alice, "message 25");

    step("the server restarts on the same database and port");
    const port = server.port;
    await server.stop();
    await wait_text(alice, "#status", "disconnected, reconnecting…");
    const again = await start_demo("chat", ["--db", db], port);

    step("a new page shows the last 20 messages, oldest first");
    const bob = await open_page(browser, again.url);
    await wait_message(bob, "message 25", "#history");
    const history = await shown(bob, "#history");
    expect_equal(
      history.map((m) => m.content),
      Array.from({ length: 20 }, (_, i) => `message ${i + 6}`),
      "the history on the new page",
    );
    expect(history.every((m) => m.user === "alice"), "each with its author");

    step("alice's page reconnects by itself and gets her name back");
    await wait_text(alice, "#status", "connected", 10000);
    await wait_text(alice, "#me", "you are alice");
    await say(bob, "bob");
    await wait_message(alice, "bob joined");
    expect_no_problems(alice, bob);
  },
};

const scenario = process.argv[2];
if (!scenarios[scenario]) {
  console.error(`usage: node chat.test.js ${Object.keys(scenarios).join("|")}`);
  process.exit(2);
}

run(`chat page: ${scenario}`, async () => {
  step("start the chat and the browser");
  const db = path.join(temp_dir("chat"), "chat.db");
  const [server, browser] = await Promise.all([start_demo("chat", ["--db", db]), launch()]);
  await scenarios[scenario](server.url, browser, server, db);
});
