"use strict";
// The rooms demo's page in headless Chromium, three pages A, B and C: A and B join "red"; each
// button's message shows on the pages it should reach only.
//
// "C shows nothing" is checked with a barrier: the sender then clicks io.emit; once a page shows
// the barrier, anything sent to it before has been shown too.

const { step, run, start_demo, launch, open_page, expect, expect_equal, expect_no_problems, wait_text } = require("./lib");

/// The messages a page shows: {from, how, where, text}, newest first.
function shown(page) {
  return page.$$eval("#log li", (items) =>
    items.map((li) => Object.fromEntries(["from", "how", "where", "text"].map((k) => [k, li.querySelector(`.${k}`).textContent]))),
  );
}

run("rooms page", async () => {
  step("start the rooms demo and the browser");
  const [server, browser] = await Promise.all([start_demo("rooms"), launch()]);
  const pages = {};
  for (const name of ["A", "B", "C"]) pages[name] = await open_page(browser, server.url);
  const ids = {};
  for (const name of ["A", "B", "C"]) {
    await pages[name].waitForFunction(() => document.getElementById("me").textContent.length === 20);
    ids[name] = await pages[name].textContent("#me");
  }
  // Every page lists the other two for private messages.
  await pages.A.waitForFunction((n) => document.querySelectorAll("#peer option").length === n, 2);

  step("A and B join the red room");
  for (const name of ["A", "B"]) {
    await pages[name].fill("#room", "red");
    await pages[name].click("#join");
    await wait_text(pages[name], "#my-rooms", "red");
  }

  let barrier = 0;
  async function click_and_check(actor, button, text, receivers, how) {
    step(`${actor} clicks ${how}`);
    await pages[actor].fill("#text", text);
    await pages[actor].click(`#${button}`);
    const token = `barrier ${++barrier}`;
    await pages[actor].fill("#text", token);
    await pages[actor].click("#everyone");
    for (const name of ["A", "B", "C"]) {
      await wait_text(pages[name], "#log li .text", token);
      const got = (await shown(pages[name])).filter((m) => m.text === text);
      expect_equal(got.length, receivers.includes(name) ? 1 : 0, `${how}: how many times page ${name} shows "${text}"`);
      if (got.length) {
        expect_equal(got[0].how, how, `${how}: the call page ${name} shows`);
        expect_equal(got[0].from, name === actor ? "me" : ids[actor], `${how}: the sender page ${name} shows`);
      }
    }
  }

  await click_and_check("A", "in-room", "one", ["A", "B"], "io.in(room).emit");
  await click_and_check("A", "to-room", "two", ["B"], "socket.to(room).emit");
  await click_and_check("A", "broadcast-to", "three", ["B"], "socket.broadcast.to(room).emit");
  await click_and_check("B", "others", "four", ["A", "C"], "socket.broadcast.emit");

  step("A picks C for a private message");
  await pages.A.selectOption("#peer", ids.C);
  await click_and_check("A", "private", "five", ["C"], "socket.to(id).emit");

  step("A leaves the red room");
  await pages.A.click("#leave");
  await wait_text(pages.A, "#my-rooms", "none");
  await click_and_check("B", "in-room", "six", ["B"], "io.in(room).emit");
  expect_no_problems(...Object.values(pages));
});
