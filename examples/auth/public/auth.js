"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  let socket = null;

  function log(text, cls) {
    const li = document.createElement("li");
    li.textContent = text;
    if (cls) li.className = cls;
    $("log").prepend(li);
  }
  function result(text, cls) {
    $("result").textContent = text;
    $("result").className = cls;
  }
  function show_cookie() {
    $("cookie").textContent = document.cookie ? `document.cookie: ${document.cookie}` : "no cookie";
  }

  function connect(sid) {
    if (socket) socket.disconnect();
    result(`connecting with sid ${sid}…`, "");
    // A new connection each time, so that each attempt runs the server's middleware afresh.
    socket = io({ path: "/my", auth: { sid }, forceNew: true, reconnection: false });
    socket.on("welcome", ({ id, nickname }) => {
      const who = nickname === null ? "no nickname cookie" : `nickname from the cookie: ${nickname}`;
      result(`connected as ${id} (${who})`, "ok");
      log(`sid ${sid}: connected`, "ok");
    });
    socket.on("connect_error", (err) => {
      result(`connect_error: ${err.message}`, "refused");
      log(`sid ${sid}: connect_error "${err.message}"`, "refused");
    });
  }

  $("set-cookie").addEventListener("click", () => {
    document.cookie = `nickname=${encodeURIComponent($("nickname").value)}; path=/; SameSite=Strict`;
    show_cookie();
  });
  $("connect").addEventListener("click", () => connect($("sid").value));
  $("connect-good").addEventListener("click", () => connect("123456"));
  $("connect-bad").addEventListener("click", () => connect("654321"));
  show_cookie();
})();
