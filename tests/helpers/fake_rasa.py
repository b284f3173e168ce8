"""A fake Rasa server at the network seam: the gateway's channel endpoint and /status."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.inbox.rasa_client import GATEWAY_WEBHOOK_PATH


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
    """Records what it receives; `mode` switches between answering, failing and silence."""

    token: str
    mode: str = "answer"  # answer | error | silent
    answer: Callable[[str, str], list[dict[str, Any]]] = echo_answer
    received: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(GATEWAY_WEBHOOK_PATH, self._webhook)
        app.router.add_get("/status", self._status)
        return app

    async def _webhook(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"error": "unauthorised"}, status=401)
        body = await request.json()
        self.received.append(body)
        if self.mode == "error":
            return web.json_response({"error": "boom"}, status=500)
        if self.mode == "silent":
            return web.json_response([])
        return web.json_response(self.answer(body["sender"], body["message"]))

    async def _status(self, request: web.Request) -> web.Response:
        if request.query.get("token") != self.token:
            return web.json_response({"error": "unauthorised"}, status=401)
        return web.json_response({"model_file": "model-test.tar.gz"})
