"use strict";
// Helpers of the browser tests: Debian's Chromium, headless, driven by playwright-core (never a
// browser of playwright's own). Each test launches its browser with a fresh profile, opens the
// demo's page in contexts of their own (one per user: separate cookies and storage), and lets no
// request leave 127.0.0.1: a page that needed the internet (a CDN) fails its test.

const { chromium } = require("playwright-core");
const lib = require("../demos/lib");

const CHROMIUM = process.env.SIO_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/// Launches Chromium; it is closed when the test ends. playwright's launch() gives it a new,
/// empty user-data-dir of its own each time.
async function launch() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 20000 });
  lib.on_cleanup(() => browser.close());
  return browser;
}

/// Opens `url` in a new browser context. Requests to other hosts than 127.0.0.1 are refused and
/// fail the test; so do uncaught errors of the page's scripts.
async function open_page(browser, url, { viewport = { width: 900, height: 640 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(lib.WAIT_MS);
  const problems = [];
  page.problems = problems;
  await context.route("**/*", (route) => {
    const target = new URL(route.request().url());
    if (target.hostname === "127.0.0.1" || target.protocol === "data:") return route.continue();
    problems.push(`request to another host: ${route.request().url()}`);
    return route.abort();
  });
  page.on("pageerror", (err) => problems.push(`uncaught error in the page: ${err.message}`));
  await page.goto(url);
  return page;
}

/// Fails when a page made a request to another host or threw an uncaught error.
function expect_no_problems(...pages) {
  for (const page of pages) lib.expect(page.problems.length === 0, page.problems.join("; "));
}

/// Waits until the text content of `selector` in `page` equals `text` (or matches it, for a RegExp).
async function wait_text(page, selector, text, ms = lib.WAIT_MS) {
  const locator = page.locator(selector);
  try {
    await locator.filter({ hasText: text instanceof RegExp ? text : exact(text) }).first().waitFor({ timeout: ms });
  } catch (err) {
    const now = await locator.allTextContents().catch(() => []);
    throw new Error(`${selector} did not show ${text} within ${ms} ms; it shows ${JSON.stringify(now)}`);
  }
}

function exact(text) {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}

module.exports = { ...lib, launch, open_page, expect_no_problems, wait_text, exact };
