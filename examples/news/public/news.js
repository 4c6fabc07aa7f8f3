"use strict";
// One socket per namespace; both share one connection (same Manager) because they share the URL.
(() => {
  const keep = 10;  // numbers kept on screen

  function panel(section) {
    const socket = io(section.dataset.nsp);
    const state = section.querySelector(".state");
    socket.on("connect", () => { state.textContent = "connected"; state.className = "state online"; });
    socket.on("disconnect", () => { state.textContent = "disconnected"; state.className = "state offline"; });
    // The greeting comes as a "message" event (the server's socket.send).
    socket.on("message", (text) => { section.querySelector(".greeting").textContent = text; });
    section.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      const input = section.querySelector("input");
      if (!input.value) return;
      socket.send(input.value);
      const li = document.createElement("li");
      li.textContent = input.value;
      section.querySelector(".sent").prepend(li);
      input.value = "";
    });
    return socket;
  }

  panel(document.getElementById("main"));
  const news = panel(document.getElementById("news"));

  let count = 0;
  const numbers = document.getElementById("numbers");
  news.on("getServerMessage", (n) => {
    count += 1;
    document.getElementById("count").textContent = `(${count} received)`;
    document.getElementById("latest").textContent = String(n);
    const li = document.createElement("li");
    li.textContent = String(n);
    numbers.prepend(li);
    while (numbers.children.length > keep) numbers.lastElementChild.remove();
  });
})();
