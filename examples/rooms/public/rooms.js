"use strict";
// Every button emits one event; the server delivers it with the call the button names.
(() => {
  const socket = io();
  const $ = (id) => document.getElementById(id);
  const room = () => $("room").value.trim();
  const text = () => $("text").value;

  function show_rooms(rooms) {
    $("my-rooms").textContent = rooms.length ? rooms.join(", ") : "none";
  }

  socket.on("hello", ({ id }) => { $("me").textContent = id; });
  socket.on("peers", (ids) => {
    const select = $("peer");
    const chosen = select.value;
    select.replaceChildren(...ids.filter((id) => id !== socket.id).map((id) => {
      const option = document.createElement("option");
      option.value = option.textContent = id;
      return option;
    }));
    if (ids.includes(chosen)) select.value = chosen;
  });
  socket.on("message", (m) => {
    const li = document.createElement("li");
    const parts = [
      ["from", m.from === socket.id ? "me" : m.from],
      ["how", m.how],
      ["where", m.room ? `room ${m.room}` : m.to ? `to ${m.to}` : ""],
      ["text", m.text],
    ];
    for (const [cls, value] of parts) {
      const span = document.createElement("span");
      span.className = cls;
      span.textContent = value;
      li.append(span);
    }
    $("log").prepend(li);
  });

  $("join").addEventListener("click", () => socket.emit("join", room(), show_rooms));
  $("leave").addEventListener("click", () => socket.emit("leave", room(), show_rooms));
  for (const event of ["in-room", "to-room", "broadcast-to"]) {
    $(event).addEventListener("click", () => socket.emit(event, room(), text()));
  }
  $("private").addEventListener("click", () => { if ($("peer").value) socket.emit("private", $("peer").value, text()); });
  $("everyone").addEventListener("click", () => socket.emit("everyone", text()));
  $("others").addEventListener("click", () => socket.emit("others", text()));
})();
