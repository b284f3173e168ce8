"""The Telegram webhook route on the gateway.

Order of checks: the secret header (constant-time) before the body is read, then the whole
body (size-limited), then JSON, then the update's shape. Telegram redelivers every update that
does not get a 2xx, so what comes from Telegram (right secret) but cannot be used is answered
200 and logged as skipped; only an update that could not be recorded (the database is down)
gets 503, so that Telegram delivers it again.
"""

from __future__ import annotations

import hmac
import logging
from typing import TYPE_CHECKING

from aiohttp import web

from bot.channels.http_body import BodyError, parse_json, read_body

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

logger = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name
MAX_UPDATE_BYTES = 256 * 1024


def _answer(status: int, **body: object) -> web.Response:
    return web.json_response({"ok": status == 200, **body}, status=status)


def mount(app: web.Application, channel: TelegramChannel) -> None:
    """Add POST /telegram/webhook for this channel."""
    secret = channel.settings.webhook_secret
    if not secret:
        logger.warning(
            "TELEGRAM_WEBHOOK_SECRET is not set: %s refuses every request. Set it, or use "
            "TELEGRAM_MODE=polling",
            WEBHOOK_PATH,
        )

    async def receive(request: web.Request) -> web.Response:
        supplied = request.headers.get(SECRET_HEADER, "")
        given = supplied.encode("utf-8", "surrogateescape")  # any bytes a client may send
        if not secret or not hmac.compare_digest(given, secret.encode()):
            return _answer(401, error="unauthorised")
        try:
            data = parse_json(await read_body(request, MAX_UPDATE_BYTES), charset=request.charset)
        except BodyError as exc:
            if exc.status in (408, 413):  # too slow or too large: not an update we can skip
                return _answer(exc.status, error=exc.reason)
            logger.warning("telegram webhook: unreadable body skipped (%s)", exc.reason)
            return _answer(200, skipped=exc.reason)
        if not channel.ready.is_set():
            return web.json_response(
                {"ok": False, "error": "starting"}, status=503, headers={"Retry-After": "5"}
            )
        if not await channel.handle_update(data):
            return web.json_response(
                {"ok": False, "error": "not recorded; deliver again"},
                status=503,
                headers={"Retry-After": "5"},
            )
        return _answer(200)

    app.router.add_post(WEBHOOK_PATH, receive)
