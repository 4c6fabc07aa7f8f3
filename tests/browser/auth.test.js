"use strict";
// The auth demo's page in headless Chromium: the client bundle from the custom path /my, a refused
// and an accepted connection, and the nickname cookie read by the server's middleware.

const { step, run, start_demo, launch, open_page, expect, expect_no_problems, wait_text } = require("./lib");

run("auth page", async () => {
  step("start the auth demo and the browser");
  const [server, browser] = await Promise.all([start_demo("auth"), launch()]);
  const page = await open_page(browser, server.url);
  await wait_text(page, "#cookie", "no cookie");

  step("a wrong sid is refused");
  await page.click("#connect-bad");
  await wait_text(page, "#result", "connect_error: Authentication error");
  expect((await page.getAttribute("#result", "class")) === "refused", "the refusal is shown as such");

  step("the right sid gets in, without a cookie");
  await page.click("#connect-good");
  await wait_text(page, "#result", /^connected as \S{20} \(no nickname cookie\)$/);

  step("with the nickname cookie");
  await page.fill("#nickname", "Grace Hopper");
  await page.click("#set-cookie");
  await wait_text(page, "#cookie", "document.cookie: nickname=Grace%20Hopper");
  await page.click("#connect-good");
  await wait_text(page, "#result", /^connected as \S{20} \(nickname from the cookie: Grace Hopper\)$/);

  step("a sid typed on the page");
  await page.fill("#sid", "000000");
  await page.click("#connect");
  await wait_text(page, "#result", "connect_error: Authentication error");
  expect_no_problems(page);
});
