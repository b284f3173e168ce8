"""A fake Telegram Bot API server that the real python-telegram-bot talks to via its base URL.

It records every call, answers like Telegram, and fails on demand (429 with retry_after, 5xx,
403) so tests can drive the channel's error handling without touching api.telegram.org.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = {
    "id": 7000001,
    "is_bot": True,
    "first_name": "Asisten Paspor",
    "username": "paspor_test_bot",
}
JSON_FIELDS = frozenset({"reply_markup", "allowed_updates", "entities", "link_preview_options"})


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class FakeTelegram:
    """Records calls; `fail_next` queues failures; `updates` feed getUpdates."""

    token: str
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    webhook: dict[str, Any] = field(default_factory=dict)
    url: str = ""

    def __post_init__(self) -> None:
        self._ids = itertools.count(500)
        self._changed = asyncio.Event()

    @property
    def base_url(self) -> str:
        """The TELEGRAM_API_URL that points PTB here."""
        return f"{self.url}/bot"

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._dispatch)
        return app

    def fail_next(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        after: int = 0,
    ) -> None:
        """Make a call of `method` fail with this HTTP status (after `after` successful ones)."""
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        failure = {"status": status, "description": description, "parameters": parameters}
        self.failures.setdefault(method, []).append({**failure, "after": after})

    def push_update(self, update: dict[str, Any]) -> None:
        self.updates.append(update)
        self._changed.set()

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [call.params for call in self.calls if call.method == method]

    def sent_texts(self) -> list[str]:
        return [params["text"] for params in self.calls_of("sendMessage")]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until `method` was called `count` times (successful or not)."""

        async def _wait() -> None:
            while len(self.calls_of(method)) < count:
                self._changed.clear()
                await self._changed.wait()

        await asyncio.wait_for(_wait(), timeout)

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            params[key] = json.loads(str(value)) if key in JSON_FIELDS else str(value)
        return params

    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(Call(method, params))
        self._changed.set()
        queued = self.failures.get(method)
        if queued:
            if queued[0]["after"] > 0:
                queued[0]["after"] -= 1
            else:
                failure = queued.pop(0)
                status = failure["status"]
                description = failure["description"] or f"fake error {status}"
                return _error(status, description, failure["parameters"])
        handler = getattr(self, f"_{method}", None)
        if handler is None:
            return _error(404, "Not Found: method not found")
        return web.json_response({"ok": True, "result": await handler(params)})

    async def _getMe(self, _params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return BOT_USER

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:  # noqa: N802
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), 0.5)
        pending = [u for u in self.updates if u["update_id"] >= offset]
        if not pending and wait:
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), wait)
            except asyncio.TimeoutError:
                pass
            pending = [u for u in self.updates if u["update_id"] >= offset]
        return pending

    async def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        chat_id = int(params["chat_id"])
        message = {
            "message_id": next(self._ids),
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER,
            "text": params["text"],
        }
        if "reply_markup" in params:
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _answerCallbackQuery(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        return True

    async def _editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {
            "message_id": int(params.get("message_id") or 1),
            "date": 1_700_000_000,
            "chat": {"id": int(params.get("chat_id") or 1), "type": "private"},
            "text": "…",
        }

    async def _setWebhook(self, params: dict[str, Any]) -> bool:  # noqa: N802
        self.webhook = params
        return True

    async def _deleteWebhook(self, _params: dict[str, Any]) -> bool:  # noqa: N802
        self.webhook = {}
        return True

    async def _getWebhookInfo(self, _params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
            "max_connections": int(self.webhook.get("max_connections") or 40),
            "allowed_updates": self.webhook.get("allowed_updates") or [],
        }


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)
