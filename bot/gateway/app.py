"""Gateway application factory: web chat, JSON API, health, and the retry loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy.orm import sessionmaker

from bot.channels import telegram_webhook, webchat
from bot.channels.telegram_channel import TelegramOptions
from bot.db.engine import make_engine, make_session_factory, ping
from bot.gateway.keys import INBOX, RASA, SESSION_FACTORY, SETTINGS
from bot.inbox.inbox import Inbox
from bot.inbox.rasa_client import RasaClient
from bot.settings import Settings

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
MAX_BODY_BYTES = 64 * 1024


async def _action_server_up(url: str) -> bool:
    try:
        timeout = aiohttp.ClientTimeout(total=3)
        async with aiohttp.ClientSession(timeout=timeout) as client:
            async with client.get(f"{url}/health") as response:
                return response.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz: whether the database, Rasa (with a model) and the action server are up."""
    settings = request.app[SETTINGS]
    factory = request.app[SESSION_FACTORY]
    database_up, rasa_status, actions_up = await asyncio.gather(
        asyncio.to_thread(ping, factory.kw["bind"]),
        request.app[RASA].status(),
        _action_server_up(settings.action_server_url),
    )
    rasa_up = bool(rasa_status and rasa_status.get("model_file"))
    components = {
        "database": "up" if database_up else "down",
        "rasa": "up" if rasa_up else "down",
        "action_server": "up" if actions_up else "down",
    }
    healthy = all(state == "up" for state in components.values())
    return web.json_response(
        {"status": "ok" if healthy else "degraded", "components": components},
        status=200 if healthy else 503,
    )


@web.middleware
async def json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn HTTP errors on API paths into short JSON bodies; never leak a traceback."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if not request.path.startswith("/api/") or exc.status < 400:
            raise
        return web.json_response({"error": exc.reason}, status=exc.status)
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return web.json_response({"error": "internal error"}, status=500)


def create_app(
    settings: Settings,
    *,
    session_factory: sessionmaker | None = None,
    retry_interval_seconds: float = 5.0,
    telegram: TelegramOptions | None = None,
) -> web.Application:
    """Build the gateway; resources are opened and closed with the application."""
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[json_errors])
    app[SETTINGS] = settings
    factory = session_factory or make_session_factory(make_engine(settings.database_url))
    app[SESSION_FACTORY] = factory
    rasa = RasaClient(
        settings.rasa_url, settings.rasa_token, timeout_seconds=settings.rasa_timeout_seconds
    )
    app[RASA] = rasa
    app[INBOX] = Inbox(factory, rasa)

    async def resources(app: web.Application) -> AsyncIterator[None]:
        await rasa.start()
        retries = asyncio.create_task(app[INBOX].run_retries(retry_interval_seconds))
        yield
        retries.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await retries
        await rasa.close()

    app.cleanup_ctx.append(resources)
    app.router.add_get("/healthz", healthz)
    webchat.add_routes(app, str(STATIC_DIR))
    if settings.telegram_enabled:
        telegram_webhook.setup(app, telegram)
    return app
