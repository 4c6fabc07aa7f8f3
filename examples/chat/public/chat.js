"use strict";
// The chat page. Everything another user wrote is shown through textContent, never as HTML.
(() => {
  const socket = io();
  const $ = (id) => document.getElementById(id);
  const log = $("log");
  const earlier = $("history");
  const messages = $("messages");
  const input = $("input");
  const status = $("status");

  let name = null;  // the name the server accepted; null until then
  const rooms = new Set();

  /// One chat message as a list item: time, author (and room or recipient), text.
  function render(msg) {
    const li = document.createElement("li");
    li.className = `message ${msg.type || "public"}`;
    for (const room of msg.rooms || []) li.classList.add(`in-${room}`);
    const time = document.createElement("time");
    const when = new Date(msg.createAt);
    time.dateTime = when.toISOString();
    time.textContent = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
    const user = document.createElement("span");
    user.className = "user";
    user.textContent = msg.user;
    li.append(time, user);
    if (msg.type === "private") {
      const to = document.createElement("span");
      to.className = "to";
      to.textContent = `to ${msg.to}`;
      li.append(to);
    }
    for (const room of msg.rooms || []) {
      const tag = document.createElement("span");
      tag.className = `tag ${room}`;
      tag.textContent = room;
      li.append(tag);
    }
    const content = document.createElement("span");
    content.className = "content";
    content.textContent = msg.content;
    li.append(content);
    return li;
  }

  function scroll_down() {
    log.scrollTop = log.scrollHeight;
  }

  function set_name(accepted) {
    name = accepted;
    $("me").textContent = name ? `you are ${name}` : "";
    input.placeholder = name ? "Message (@name text for a private one)" : "Choose a name";
  }

  function show_rooms() {
    for (const button of document.querySelectorAll("button.room")) {
      const room = button.dataset.room;
      const member = rooms.has(room);
      button.setAttribute("aria-pressed", String(member));
      button.textContent = `${member ? "leave" : "join"} ${room} room`;
    }
  }

  socket.on("connect", () => {
    status.textContent = "connected";
    status.className = "online";
    socket.emit("getAllMessages");
    // After a reconnection (a server restart, say) the server no longer knows us: say our name again.
    if (name) {
      const again = name;
      set_name(null);
      rooms.clear();
      show_rooms();
      socket.emit("message", again, (accepted) => set_name(accepted || null));
    }
  });
  socket.on("disconnect", () => {
    status.textContent = "disconnected, reconnecting…";
    status.className = "offline";
  });

  socket.on("allMessages", (all) => {
    earlier.replaceChildren(...all.map(render));
    scroll_down();
  });
  socket.on("message", (msg) => {
    messages.append(render(msg));
    scroll_down();
  });
  socket.on("joined", (room) => {
    rooms.add(room);
    show_rooms();
  });
  socket.on("leaved", (room) => {
    rooms.delete(room);
    show_rooms();
  });

  $("form").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (name) {
      socket.emit("message", text);
    } else {
      // The first message is the name; the server's reply says whether it was accepted.
      socket.emit("message", text, (accepted) => set_name(accepted || null));
    }
    input.value = "";
    input.focus();
  });

  for (const button of document.querySelectorAll("button.room")) {
    button.addEventListener("click", () => {
      const room = button.dataset.room;
      socket.emit(rooms.has(room) ? "leave" : "join", room);
    });
  }
})();
