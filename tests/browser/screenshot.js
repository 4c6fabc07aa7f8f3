"use strict";
// Takes the README's picture of the chat demo: two users talking, side by side, in headless
// Chromium. Usage, from the repository's root after a build:
//   node tests/browser/screenshot.js [docs/chat.png]
// The chat program is SIO_DEMO_CHAT, or build/examples/chat/chat; its history goes to a
// temporary database, so the picture shows this conversation only.

const path = require("path");

const root = path.resolve(__dirname, "..", "..");
process.env.SIO_DEMO_CHAT = process.env.SIO_DEMO_CHAT || path.join(root, "build", "examples", "chat", "chat");
const { step, run, start_demo, temp_dir, launch, wait_text } = require("./lib");

const out = path.resolve(process.argv[2] || path.join(root, "docs", "chat.png"));

/// Types `text` in a frame's input and sends it; resolves once the frame shows it back.
async function say(frame, text, shown = text.replace(/^@\S+\s+/, "")) {
  await frame.fill("#input", text);
  await frame.press("#input", "Enter");
  await frame.waitForFunction(
    (t) => [...document.querySelectorAll("#messages .content")].some((c) => c.textContent === t),
    shown,
  );
}

run("screenshot", async () => {
  step("start the chat and the browser");
  const db = path.join(temp_dir("shot"), "chat.db");
  const [server, browser] = await Promise.all([start_demo("chat", ["--db", db]), launch()]);
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 640 }, deviceScaleFactor: 1 })).newPage();
  page.setDefaultTimeout(5000);
  await page.setContent(`<!doctype html>
    <style>
      body { margin: 0; padding: 12px; display: flex; gap: 12px; background: #57606a; font: 13px system-ui, sans-serif; }
      figure { margin: 0; flex: 1; }
      figcaption { color: #fff; padding: 0 0 6px 4px; height: 16px; }
      iframe { width: 100%; height: 590px; border: 0; border-radius: 6px; background: #fff; }
    </style>
    <figure><figcaption>alice's browser</figcaption><iframe name="alice" src="${server.url}/"></iframe></figure>
    <figure><figcaption>bob's browser</figcaption><iframe name="bob" src="${server.url}/"></iframe></figure>`);

  const frames = {};
  for (const name of ["alice", "bob"]) {
    frames[name] = page.frame({ name });
    await wait_text(frames[name], "#status", "connected");
  }

  step("alice and bob talk");
  await say(frames.alice, "alice", "welcome, alice!");
  await say(frames.bob, "bob", "welcome, bob!");
  await say(frames.alice, "hi bob! this chat runs on sio, a C++ server");
  await say(frames.bob, "with the official socket.io client in the page?");
  await say(frames.alice, "yes, served by the C++ program itself, no CDN and no Node");
  await say(frames.bob, "@alice and private messages work too <b>as text</b>");
  await frames.alice.click("#room-red");
  await frames.bob.click("#room-red");
  await wait_text(frames.bob, "#room-red", "leave red room");
  await say(frames.alice, "now only the red room reads this");
  await say(frames.bob, "and the history survives a restart, in SQLite");

  step("take the picture");
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
});
