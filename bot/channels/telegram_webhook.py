"""The Telegram webhook route on the gateway, and the channel's start and stop.

Order of checks: the secret header (constant-time) before the body is read, then the size,
then JSON, then the update's shape. Bad input gets a 4xx with a short reason, never a 500;
an update that could not be recorded gets a 503 so Telegram delivers it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web
from telegram import Update

from bot.channels.telegram_channel import TelegramChannel, TelegramOptions
from bot.gateway.keys import INBOX, SESSION_FACTORY, SETTINGS

logger = logging.getLogger(__name__)

TELEGRAM = web.AppKey("telegram", TelegramChannel)
WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_UPDATE_BYTES = 64 * 1024
KNOWN_UPDATE_TYPES = frozenset(Update.ALL_TYPES)
HANDLED_UPDATE_TYPES = frozenset({Update.MESSAGE, Update.CALLBACK_QUERY})


def _error(status: int, reason: str, **headers: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status, headers=headers)


def _authorised(request: web.Request, secret: str) -> bool:
    supplied = request.headers.get(SECRET_HEADER, "")
    return bool(secret) and hmac.compare_digest(supplied.encode(), secret.encode())


def _validate(data: Any) -> str | None:
    """Return why `data` is not a Telegram update we accept, or None."""
    if not isinstance(data, dict):
        return "body must be a JSON object"
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        return "update_id must be a non-negative integer"
    kinds = set(data) - {"update_id"}
    if len(kinds) != 1 or not kinds <= KNOWN_UPDATE_TYPES:
        return "unknown update type"
    (kind,) = kinds
    if not isinstance(data[kind], dict):
        return f"{kind} must be an object"
    return None


async def webhook(request: web.Request) -> web.Response:
    """POST /telegram/webhook: one update from Telegram."""
    channel = request.app[TELEGRAM]
    if not _authorised(request, channel.settings.telegram_webhook_secret):
        return _error(401, "unauthorised")
    if request.content_length is not None and request.content_length > MAX_UPDATE_BYTES:
        return _error(413, "body too large")
    try:
        raw = await request.content.read(MAX_UPDATE_BYTES + 1)
    except (OSError, asyncio.TimeoutError, ValueError):
        return _error(400, "could not read the body")
    if len(raw) > MAX_UPDATE_BYTES:
        return _error(413, "body too large")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "body is not valid JSON")
    reason = _validate(data)
    if reason is not None:
        return _error(422 if reason == "unknown update type" else 400, reason)
    if not (set(data) & HANDLED_UPDATE_TYPES):
        return web.json_response({"ok": True, "ignored": True})  # e.g. an inline query
    if not channel.ready.is_set():
        return _error(503, "starting", **{"Retry-After": "5"})
    try:
        update = Update.de_json(data, channel.application.bot)
    except (KeyError, TypeError, ValueError, AttributeError):
        return _error(400, "not a Telegram update")
    if not await channel.process(update):
        return _error(503, "not recorded; deliver again", **{"Retry-After": "5"})
    return web.json_response({"ok": True})


def setup(app: web.Application, options: TelegramOptions | None = None) -> TelegramChannel:
    """Add the Telegram channel to the gateway: the webhook route (webhook mode) and its tasks."""
    settings = app[SETTINGS]
    channel = TelegramChannel(settings, app[SESSION_FACTORY], app[INBOX], options)
    app[TELEGRAM] = channel
    if settings.telegram_mode == "webhook":
        app.router.add_post(WEBHOOK_PATH, webhook)
        if not settings.telegram_webhook_secret:
            logger.warning(
                "TELEGRAM_WEBHOOK_SECRET is not set: %s refuses every request. Set it, or use "
                "TELEGRAM_MODE=polling",
                WEBHOOK_PATH,
            )

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(channel.run())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await channel.close()

    app.cleanup_ctx.append(lifecycle)
    return channel
