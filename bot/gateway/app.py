"""Gateway application factory: the channels, health, and the runtime behind them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler
from sqlalchemy.orm import sessionmaker

from bot.channels.base import Channel
from bot.channels.delivery import SenderPolicy
from bot.channels.http_body import MAX_BODY_BYTES
from bot.channels.runtime import ChannelRuntime
from bot.db.engine import make_engine, make_session_factory, ping
from bot.inbox.inbox import Inbox, InboxPolicy
from bot.inbox.rasa_client import RasaClient
from bot.settings import Settings

logger = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
RUNTIME = web.AppKey("runtime", ChannelRuntime)
RASA = web.AppKey("rasa", RasaClient)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'",
}


async def _action_server_up(url: str) -> bool:
    try:
        timeout = aiohttp.ClientTimeout(total=3)
        async with aiohttp.ClientSession(timeout=timeout) as client:
            async with client.get(f"{url}/health") as response:
                return response.status == 200
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


async def healthz(request: web.Request) -> web.Response:
    """GET /healthz: whether the database, Rasa (with a model) and the action server are up."""
    settings = request.app[SETTINGS]
    factory = request.app[RUNTIME].factory
    database_up, rasa_up, actions_up = await asyncio.gather(
        asyncio.to_thread(ping, factory.kw["bind"]),
        request.app[RASA].ready(),
        _action_server_up(settings.action_server_url),
    )
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
    """Short JSON bodies for HTTP errors on API paths, security headers, never a traceback."""
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or not request.path.startswith(("/api/", "/telegram/")):
            raise
        response = web.json_response({"error": exc.reason}, status=exc.status)
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        response = web.json_response({"error": "internal error"}, status=500)
    if not response.prepared:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.body_exists and not request.content.at_eof():
            # refused before its body was read: the rest of it would be read as the next
            # request on this connection, so close it instead
            response.force_close()
    return response


def create_app(
    settings: Settings,
    channels: Sequence[Channel],
    *,
    session_factory: sessionmaker | None = None,
    inbox_policy: InboxPolicy | None = None,
    sender_policy: SenderPolicy | None = None,
) -> web.Application:
    """Build the gateway with these channels; the runtime starts and stops with the app."""
    app = web.Application(client_max_size=MAX_BODY_BYTES, middlewares=[json_errors])
    app[SETTINGS] = settings
    factory = session_factory or make_session_factory(make_engine(settings.database_url))
    rasa = RasaClient(
        settings.rasa_url, settings.rasa_token, timeout_seconds=settings.rasa_timeout_seconds
    )
    app[RASA] = rasa
    policy = inbox_policy or InboxPolicy(lease_seconds=settings.inbox_lease_seconds)
    runtime = ChannelRuntime(
        factory, Inbox(factory, rasa, policy=policy), sender_policy=sender_policy
    )
    app[RUNTIME] = runtime
    for channel in channels:
        runtime.add(channel)
        channel.setup(app, runtime)

    async def resources(_app: web.Application) -> AsyncIterator[None]:
        await rasa.start()
        await runtime.start()
        yield
        await runtime.stop()  # a no-op when on_shutdown already stopped it
        await rasa.close()

    async def stop_runtime(_app: web.Application) -> None:
        # Before aiohttp waits for open requests and tasks: claims and leases are given back
        # and nothing of ours keeps the process alive (SIGTERM stops within seconds).
        await runtime.stop()

    app.cleanup_ctx.append(resources)
    app.on_shutdown.append(stop_runtime)  # type: ignore[arg-type]  # aiohttp 3.9 Signal typing
    app.router.add_get("/healthz", healthz)
    return app
