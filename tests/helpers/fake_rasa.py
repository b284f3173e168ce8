"""A fake Rasa server at the network seam: our gateway input channel, as Rasa serves it.

It keeps what `bot/channels/rasa_input.py` promises: bearer token, `message_id` recorded on
the turn, `retry` answered from the recorded turn instead of processing again, 503 while the
action server is down (the turn not saved), 500 for a failed turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.inbox.rasa_client import GATEWAY_CHANNEL_PATH, GATEWAY_WEBHOOK_PATH


def echo_answer(sender: str, message: str) -> list[dict[str, Any]]:
    return [
        {"recipient_id": sender, "text": f"jawaban untuk: {message}"},
        {
            "recipient_id": sender,
            "text": "Ada lagi?",
            "buttons": [{"title": "Kuota", "payload": "/ask_quota"}],
        },
    ]


@dataclass
class FakeRasa:
    """Records what it receives; `mode` switches between answering and failing.

    modes: answer | error (500) | unavailable (503: the action server is down) | silent ([])
    | slow (processes the message at once but answers after `delay` seconds).
    """

    token: str
    mode: str = "answer"
    delay: float = 0.0
    answer: Callable[[str, str], list[dict[str, Any]]] = echo_answer
    received: list[dict[str, Any]] = field(default_factory=list)
    turns: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(GATEWAY_WEBHOOK_PATH, self._webhook)
        app.router.add_get(f"{GATEWAY_CHANNEL_PATH}/", self._health)
        return app

    def processed(self, sender: str | None = None) -> list[str]:
        """The messages Rasa processed (turns saved), in order."""
        return [
            item["message"]
            for item in self.received
            if item.get("_processed") and (sender is None or item["sender"] == sender)
        ]

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    async def _webhook(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": "unauthorised"}, status=401)
        body = await request.json()
        self.received.append(body)
        key = (body["sender"], body["message_id"])
        if body.get("retry") and key in self.turns:
            return web.json_response(self.turns[key])
        if self.mode == "error":
            return web.json_response({"error": "processing failed"}, status=500)
        if self.mode == "unavailable":
            return web.json_response({"error": "action server unavailable"}, status=503)
        answer = [] if self.mode == "silent" else self.answer(body["sender"], body["message"])
        self.turns[key] = answer  # the turn is saved before the answer leaves, as in Rasa
        body["_processed"] = True
        if self.mode == "slow":  # processed, but the answer comes late (or never)
            await asyncio.sleep(self.delay)
        return web.json_response(answer)

    async def _health(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": "unauthorised"}, status=401)
        return web.json_response({"status": "ok", "model_ready": True})
