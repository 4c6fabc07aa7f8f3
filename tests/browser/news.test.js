"use strict";
// The news demo's page in headless Chromium: the greetings of "/" and "/news", the numbers pushed
// to "/news", and a message typed on the page reaching the server's log.

const { step, run, start_demo, launch, open_page, expect, expect_no_problems, wait_text } = require("./lib");

run("news page", async () => {
  step("start the news demo and the browser");
  const [server, browser] = await Promise.all([start_demo("news"), launch()]);
  const page = await open_page(browser, server.url);

  step("both namespaces connect and greet");
  await wait_text(page, "#main .state", "connected");
  await wait_text(page, "#news .state", "connected");
  await wait_text(page, "#main .greeting", "welcome to /");
  await wait_text(page, "#news .greeting", "welcome to /news");

  step("the numbers of /news arrive, one a second");
  // Volatile: a number due while the connection upgrades to WebSocket may be skipped.
  await wait_text(page, "#count", "(2 received)", 6000);
  const latest = await page.textContent("#latest");
  expect(/^\d{1,3}$/.test(latest), `the latest number is shown (${latest})`);
  expect((await page.locator("#numbers li").count()) >= 2, "the list of numbers grows");

  step("what the page sends is logged by the server");
  await page.fill("#news input", "hello from the page");
  await page.press("#news input", "Enter");
  await wait_text(page, "#news .sent li", "hello from the page");
  await server.wait_for_output(/\[\/news\] \S+ sent: "hello from the page"/);
  await page.fill("#main input", "hello to the main namespace");
  await page.click("#main button");
  await server.wait_for_output(/\[\/\] \S+ sent: "hello to the main namespace"/);
  expect_no_problems(page);
});
