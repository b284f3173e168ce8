"use strict";
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const status = document.getElementById("status");
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9-]/g, "");
  let sender = localStorage.getItem("passport-chat-sender");
  if (!sender) { sender = "web-" + newId(); localStorage.setItem("passport-chat-sender", sender); }
  let lastId = 0;
  const shown = new Set();

  // Render the chat formatting that Telegram and WhatsApp share (*bold*, _italic_) and links,
  // building DOM nodes only: no HTML from a message is ever interpreted.
  function appendFormatted(parent, text) {
    const pattern = /(\*[^*\n]+\*|_[^_\n]+_|https?:\/\/[^\s)]+)/g;
    let last = 0;
    let match;
    while ((match = pattern.exec(text)) !== null) {
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      const token = match[0];
      let node;
      if (token.startsWith("http")) {
        node = document.createElement("a");
        node.href = token;
        node.rel = "noopener noreferrer";
        node.target = "_blank";
        node.textContent = token;
      } else {
        node = document.createElement(token[0] === "*" ? "strong" : "em");
        node.textContent = token.slice(1, -1);
      }
      parent.appendChild(node);
      last = match.index + token.length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function show(who, text, buttons) {
    const item = document.createElement("div");
    item.className = "msg " + who;
    const label = document.createElement("span");
    label.className = "visually-hidden";
    label.textContent = who === "me" ? "Anda: " : "Asisten: ";
    item.appendChild(label);
    if (who === "bot") appendFormatted(item, text || ""); else item.appendChild(document.createTextNode(text || ""));
    if (buttons && buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      buttons.forEach((b) => {
        const btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = b.title;
        btn.addEventListener("click", () => send({ payload: b.payload }, b.title));
        row.appendChild(btn);
      });
      item.appendChild(row);
    }
    log.appendChild(item);
    item.scrollIntoView({ block: "end" });
  }

  function showReplies(replies) {
    replies.forEach((r) => {
      if (shown.has(r.id)) return;
      shown.add(r.id);
      lastId = Math.max(lastId, r.id);
      show("bot", r.text, r.buttons);
    });
  }

  async function send(body, echo, attempt = 0, messageId = newId()) {
    if (attempt === 0) show("me", echo);
    status.textContent = "";
    try {
      const res = await fetch("/api/messages", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(Object.assign({ sender: sender, message_id: messageId }, body)),
      });
      const data = await res.json();
      if (res.status === 503) {
        status.textContent = "Layanan sedang gangguan. Pesan Anda tersimpan dan akan dijawab begitu layanan pulih.";
        return;
      }
      if (!res.ok) { status.textContent = data.error || "Pesan tidak dapat dikirim."; return; }
      showReplies(data.replies || []);
    } catch (err) {
      if (attempt < 3) { setTimeout(() => send(body, echo, attempt + 1, messageId), 2000 * (attempt + 1)); return; }
      status.textContent = "Tidak dapat terhubung. Periksa koneksi Anda lalu coba lagi.";
    }
  }

  async function poll() {
    try {
      const res = await fetch("/api/messages?sender=" + encodeURIComponent(sender) + "&after=" + lastId);
      if (res.ok) { const data = await res.json(); showReplies(data.replies || []); if (data.replies && data.replies.length) status.textContent = ""; }
    } catch (err) { /* try again on the next tick */ }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text }, text);
  });
  poll().then(() => { if (!shown.size) send({ text: "halo" }, "halo"); });
  setInterval(poll, 5000);
})();
