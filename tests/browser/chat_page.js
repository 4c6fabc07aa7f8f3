"use strict";
// What the chat page's browser tests (chat.test.js, chat_cluster.test.js) do with a page: read the
// messages it shows, wait for one, type one, choose a name.

const { open_page, wait_text } = require("./lib");

const WAIT_MS = 5000;

/// The messages a page shows in `list` ("#messages" or "#history"): {user, content, type, tags, to}.
function shown(page, list = "#messages") {
  return page.$$eval(`${list} li`, (items) =>
    items.map((li) => ({
      user: li.querySelector(".user")?.textContent,
      content: li.querySelector(".content")?.textContent,
      type: ["public", "system", "private", "room"].find((t) => li.classList.contains(t)),
      tags: [...li.querySelectorAll(".tag")].map((t) => t.textContent),
      to: li.querySelector(".to")?.textContent,
    })),
  );
}

/// Waits until `page` shows a message whose text is `content` in `list`, and returns it.
async function wait_message(page, content, list = "#messages", ms = WAIT_MS) {
  try {
    await page.waitForFunction(
      ([list, content]) => [...document.querySelectorAll(`${list} li .content`)].some((c) => c.textContent === content),
      [list, content],
      { timeout: ms },
    );
  } catch (err) {
    throw new Error(`the page never showed ${JSON.stringify(content)} in ${list}; it shows ${JSON.stringify(await shown(page, list))}`);
  }
  return (await shown(page, list)).find((m) => m.content === content);
}

/// Types `text` in the page's input and sends it, as a user would.
async function say(page, text) {
  await page.fill("#input", text);
  await page.press("#input", "Enter");
}

/// Opens the chat for a new user and chooses the name `name`.
async function join_chat(browser, url, name) {
  const page = await open_page(browser, url);
  await wait_text(page, "#status", "connected");
  await say(page, name);
  await wait_text(page, "#me", `you are ${name}`);
  await wait_message(page, `welcome, ${name}!`);
  return page;
}

module.exports = { WAIT_MS, shown, wait_message, say, join_chat };
