"use strict";
// The web chat page. The conversation's secret is an HttpOnly cookie set by
// POST /api/conversations; this script never sees it. Every message keeps its own id, so
// sending it again after a network error or a 429 can never produce two answers.
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const status = document.getElementById("status");
  const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random()).replace(/[^A-Za-z0-9-]/g, "");
  let lastId = 0;
  let pending = 0; // messages accepted but not yet answered (202 or 503)
  let pollTimer = null;
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

  async function startConversation() {
    const res = await fetch("/api/conversations", { method: "POST", credentials: "same-origin" });
    if (!res.ok) throw new Error("conversation " + res.status);
  }

  function schedulePoll(ms) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, ms);
  }

  async function send(body, echo, attempt = 0, messageId = newId()) {
    if (attempt === 0) show("me", echo);
    status.textContent = "";
    const again = (ms) => setTimeout(() => send(body, echo, attempt + 1, messageId), ms);
    try {
      const res = await fetch("/api/messages", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(Object.assign({ message_id: messageId }, body)),
      });
      const data = await res.json().catch(() => ({}));
      if (res.status === 401 && attempt < 2) { await startConversation(); again(0); return; }
      if (res.status === 429) {
        status.textContent = "Pesan terlalu cepat; kami kirim ulang sebentar lagi.";
        again(1000 * Number(res.headers.get("Retry-After") || 5));
        return;
      }
      if (res.status === 202 || (res.status === 503 && data.status === "retrying")) {
        // Recorded and kept: the answer arrives through polling.
        pending += 1;
        if (res.status === 503) status.textContent = "Layanan sedang gangguan. Pesan Anda tersimpan dan akan dijawab begitu layanan pulih.";
        schedulePoll(1000);
        return;
      }
      if (res.status === 503 || res.status === 408) {
        // Not recorded: the same message (same id) goes again, so it is never answered twice.
        status.textContent = "Layanan sedang gangguan. Pesan Anda akan dikirim ulang otomatis.";
        if (attempt < 20) again(1000 * Number(res.headers.get("Retry-After") || 5));
        return;
      }
      if (res.status === 400 && body.payload) { status.textContent = "Tombol itu sudah tidak berlaku. Silakan ketik pertanyaan Anda."; return; }
      if (!res.ok) { status.textContent = data.error || "Pesan tidak dapat dikirim."; return; }
      showReplies(data.replies || []);
    } catch (err) {
      if (attempt < 5) { again(2000 * (attempt + 1)); return; }
      status.textContent = "Tidak dapat terhubung. Periksa koneksi Anda lalu coba lagi.";
    }
  }

  async function poll() {
    let next = 5000;
    try {
      const res = await fetch("/api/messages?after=" + lastId, { credentials: "same-origin" });
      if (res.ok) {
        const data = await res.json();
        if (data.replies && data.replies.length) { showReplies(data.replies); status.textContent = ""; }
        pending = data.pending || 0;
        if (pending > 0) next = 1500;
      }
    } catch (err) { /* try again on the next tick */ }
    schedulePoll(next);
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send({ text: text }, text);
  });

  (async function start() {
    const res = await fetch("/api/messages?after=0", { credentials: "same-origin" }).catch(() => null);
    if (res && res.ok) {
      const data = await res.json();
      showReplies(data.replies || []);
      pending = data.pending || 0;
    } else {
      try { await startConversation(); } catch (err) { status.textContent = "Tidak dapat terhubung. Muat ulang halaman ini."; return; }
    }
    if (!shown.size) send({ text: "halo" }, "halo");
    schedulePoll(pending > 0 ? 1500 : 5000);
  })();
})();
