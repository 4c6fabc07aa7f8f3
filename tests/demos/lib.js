"use strict";
// Helpers shared by the demos' protocol tests (tests/demos/*.test.js) and browser tests
// (tests/browser/*.test.js). A test is a script that starts the demo servers it needs itself, on
// 127.0.0.1 and a free port, and stops them by their process id. It exits 0 on success and 1 with
// a message naming the failed step otherwise. Nothing sleeps: every wait is on an event or on
// output, bounded by a timeout.
//
// The demo programs are found through the environment: SIO_DEMO_CHAT, SIO_DEMO_NEWS,
// SIO_DEMO_ROOMS and SIO_DEMO_AUTH hold their paths (the CTest drivers set them).

const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

/// Bound for any single wait on a server or a page.
const WAIT_MS = 5000;

let current_step = "start";
const servers = new Set();
const cleanups = [];

/// Names what the test is doing, so that a failure or a hang says where it happened.
function step(label) {
  if (process.env.SIO_TEST_TRACE) console.log(`${Date.now() % 100000} ${label}`);
  current_step = label;
}

/// Registers `fn` to run when the test ends, whatever the outcome (closing a browser, say).
function on_cleanup(fn) {
  cleanups.push(fn);
}

async function clean_up() {
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup: ${err && err.message}`);
    }
  }
  for (const server of [...servers]) await server.stop({ check: false });
}

/// Runs `body()` with a hard deadline; exits with 0 on success, 1 on failure, after cleaning up.
function run(name, body, { timeout_ms = 25000 } = {}) {
  const started = Date.now();
  let finished = false;
  const finish = async (code, message) => {
    if (finished) return;
    finished = true;
    clearTimeout(deadline);
    await clean_up();
    if (code === 0) console.log(`${name}: ok (${Date.now() - started} ms)`);
    else console.error(message);
    process.exit(code);
  };
  const deadline = setTimeout(() => {
    finish(1, `${name}: FAIL: no result after ${timeout_ms} ms, during step: ${current_step}${server_outputs()}`);
  }, timeout_ms);
  Promise.resolve()
    .then(body)
    .then(async () => {
      step("stop the servers");
      for (const server of [...servers]) await server.stop({ check: true });
    })
    .then(
      () => finish(0),
      (err) =>
        finish(1, `${name}: FAIL during step: ${current_step}\n${err && err.stack ? err.stack : String(err)}${server_outputs()}`),
    );
}

function server_outputs() {
  let out = "";
  for (const server of servers) out += `\n--- ${server.name} output ---\n${server.output()}`;
  return out;
}

/// A demo server process: its URL once it listens, its output, and stop().
class DemoServer {
  constructor(name, child) {
    this.name = name;
    this.child = child;
    this.url = null;
    this.port = null;
    this.exited = false;
    this.lines = "";
    this.waiters = new Set();
    this.exit_promise = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.exited = true;
        this.exit_status = signal ? `signal ${signal}` : `exit code ${code}`;
        this.notify();
        resolve();
      });
    });
    const take = (chunk) => {
      this.lines += chunk.toString("utf8");
      this.notify();
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
  }

  output() {
    return this.lines;
  }

  notify() {
    for (const check of [...this.waiters]) check();
  }

  /// Resolves with the match of `regex` in the server's output (stdout and stderr), waiting for it.
  wait_for_output(regex, ms = WAIT_MS) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.lines.match(regex);
        if (m) {
          done();
          resolve(m);
        } else if (this.exited) {
          done();
          reject(new Error(`${this.name} exited (${this.exit_status}) before printing ${regex}`));
        }
      };
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} printed no ${regex} within ${ms} ms (${current_step})`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  /// Stops the server as Ctrl-C would (SIGTERM; SIGKILL if it has not exited after a bounded wait)
  /// and waits for its exit. With `check`, throws unless it exited cleanly (exit code 0), which
  /// also catches what a sanitizer reports at exit.
  async stop({ check = true } = {}) {
    servers.delete(this);
    if (!this.exited) {
      this.child.kill("SIGTERM");
      const exited = await Promise.race([this.exit_promise.then(() => true), timeout_flag(WAIT_MS)]);
      if (!exited) {
        this.child.kill("SIGKILL");
        await this.exit_promise;
        if (check) throw new Error(`${this.name} did not stop within ${WAIT_MS} ms of SIGTERM\n${this.output()}`);
      }
    }
    if (check && this.exit_status !== "exit code 0") {
      throw new Error(`${this.name} stopped with ${this.exit_status}\n--- ${this.name} output ---\n${this.output()}`);
    }
  }
}

function timeout_flag(ms) {
  return new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
}

/// Starts the demo `name` ("chat", "news", "rooms", "auth") on 127.0.0.1 and `port` (0: a free
/// one), with `args` after the port, and waits until it says where it listens.
async function start_demo(name, args = [], port = 0) {
  const program = process.env[`SIO_DEMO_${name.toUpperCase()}`];
  if (!program) throw new Error(`SIO_DEMO_${name.toUpperCase()} is not set: run this test through ctest`);
  const child = spawn(program, [String(port), "--host", "127.0.0.1", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const server = new DemoServer(name, child);
  servers.add(server);
  await new Promise((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  const m = await server.wait_for_output(/listening on (http:\/\/127\.0\.0\.1:(\d+))\//, 15000);
  server.url = m[1];
  server.port = Number(m[2]);
  return server;
}

/// A fresh temporary folder, removed when the test ends.
function temp_dir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sio-${prefix}-`));
  on_cleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---- socket.io-client helpers ----

/// Resolves with the arguments of the next `event` on `emitter`; rejects after `ms`.
function once(emitter, event, ms = WAIT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`no "${event}" event within ${ms} ms (${current_step})`));
    }, ms);
    const listener = (...args) => {
      clearTimeout(timer);
      resolve(args);
    };
    emitter.once(event, listener);
  });
}

/// Opens a socket.io-client socket on `url` with a Manager of its own and waits until it is
/// connected; rejects with the connect_error's message, or after `ms`. `before(socket)` runs
/// before anything is received, so that it can set listeners for what comes with the connection.
function connect(url, opts = {}, before = () => {}, ms = WAIT_MS) {
  const { io } = require("socket.io-client");
  const socket = io(url, { forceNew: true, reconnection: false, ...opts });
  on_cleanup(() => socket.close());
  before(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not connected to ${url} within ${ms} ms (${current_step})`)), ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`connect_error: ${err.message}`), { cause: err, socket }));
    });
  });
}

/// Collects every `event` a socket receives, and waits for one that matches.
class Inbox {
  constructor(socket, event) {
    this.items = [];
    this.waiters = new Set();
    socket.on(event, (...args) => {
      this.items.push(args.length === 1 ? args[0] : args);
      for (const check of [...this.waiters]) check();
    });
    this.event = event;
  }

  /// Resolves with the first item (received before or after the call) for which `pred` is true.
  wait_for(pred, what, ms = WAIT_MS) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.items.find(pred);
        if (found !== undefined) {
          done();
          resolve(found);
        }
      };
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no "${this.event}" ${what} within ${ms} ms (${current_step}); got ${JSON.stringify(this.items)}`));
      }, ms);
      this.waiters.add(check);
      check();
    });
  }

  /// Forgets what was received so far.
  clear() {
    this.items = [];
  }
}

/// Asserts a condition, naming `what` on failure.
function expect(condition, what) {
  if (!condition) throw new Error(`expectation failed: ${what}`);
}

/// Asserts deep equality of two JSON-like values, naming `what` on failure.
function expect_equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: mismatch\n  expected: ${e}\n  actual:   ${a}`);
}

module.exports = {
  WAIT_MS,
  step,
  run,
  on_cleanup,
  start_demo,
  temp_dir,
  once,
  connect,
  Inbox,
  expect,
  expect_equal,
};

/// GETs `url` and resolves with {status, type, body}.
async function http_get(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(WAIT_MS) });
  return { status: response.status, type: response.headers.get("content-type") || "", body: await response.text() };
}

/// Checks what every demo serves over plain HTTP: its page at "/", the official client bundle
/// from sio itself at `client_path`, and nothing else of the disk.
async function check_static_files(url, own_files, client_path = "/socket.io/socket.io.js") {
  step("the page and its files are served");
  const page = await http_get(`${url}/`);
  expect(page.status === 200 && page.type.startsWith("text/html"), `GET / answers an HTML page (${page.status} ${page.type})`);
  expect(page.body.includes(`<script src="${client_path}"></script>`), `the page loads the client from ${client_path}`);
  expect(!/https?:\/\//.test(page.body.replace(/<p>[\s\S]*?<\/p>/g, "")), "the page loads nothing from another host");
  for (const file of own_files) {
    const got = await http_get(`${url}/${file}`);
    expect(got.status === 200 && got.body.length > 0, `GET /${file} answers it (${got.status})`);
  }
  step("the client bundle comes from sio");
  const client = await http_get(`${url}${client_path}`);
  expect(client.status === 200 && client.type.includes("javascript"), `GET ${client_path} (${client.status} ${client.type})`);
  expect(client.body.includes("Socket.IO"), "the bundle is socket.io-client's");
  step("nothing else is served");
  for (const other of ["/main.cpp", "/CMakeLists.txt", "/%2e%2e/main.cpp", "/..%2fmain.cpp", "/public/index.html", "/index.html/"]) {
    const got = await http_get(`${url}${other}`);
    expect(got.status === 404, `GET ${other} is refused (${got.status})`);
  }
}

module.exports.http_get = http_get;
module.exports.check_static_files = check_static_files;
