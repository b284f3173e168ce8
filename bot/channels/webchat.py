"""Web chat channel and the JSON API that tests, benchmarks and web pages use."""

from __future__ import annotations

import re
import uuid
from typing import Any

from aiohttp import web

from bot.db.engine import run_db
from bot.gateway.keys import INBOX, SESSION_FACTORY
from bot.inbox import store
from bot.inbox.messages import IncomingMessage

CHANNEL = "webchat"
MAX_TEXT_CHARS = 4096
MAX_PAYLOAD_CHARS = 512
ID_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")


class BadRequest(ValueError):
    """The request cannot be accepted; the message says why."""


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


async def _json_object(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise BadRequest("Content-Type must be application/json")
    try:
        body = await request.json()
    except ValueError as exc:
        raise BadRequest("body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    return body


def parse_message(body: dict[str, Any]) -> IncomingMessage:
    """Validate a web chat message and normalise it."""
    sender = body.get("sender")
    if not isinstance(sender, str) or not ID_PATTERN.match(sender):
        raise BadRequest("sender must be 1-128 letters, digits or _.:-")
    text, payload = body.get("text"), body.get("payload")
    if (text is None) == (payload is None):
        raise BadRequest("give exactly one of text or payload")
    if text is not None:
        if not isinstance(text, str) or not text.strip():
            raise BadRequest("text must be a non-empty string")
        if len(text) > MAX_TEXT_CHARS:
            raise BadRequest(f"text is longer than {MAX_TEXT_CHARS} characters")
        text = text.strip()
    if payload is not None and (
        not isinstance(payload, str)
        or not payload.startswith("/")
        or len(payload) > MAX_PAYLOAD_CHARS
    ):
        raise BadRequest(f"payload must be a string starting with / (<= {MAX_PAYLOAD_CHARS})")
    message_id = body.get("message_id")
    if message_id is None:
        message_id = uuid.uuid4().hex
    elif not isinstance(message_id, str) or not ID_PATTERN.match(message_id):
        raise BadRequest("message_id must be 1-128 letters, digits or _.:-")
    language = body.get("language")
    if language is not None and language not in ("id", "en"):
        raise BadRequest("language must be id or en")
    return IncomingMessage(
        channel=CHANNEL,
        user_id=sender,
        message_id=message_id,
        text=text,
        payload=payload,
        language=language,
    )


async def post_message(request: web.Request) -> web.Response:
    """POST /api/messages: send a citizen's message, get the bot's replies."""
    try:
        message = parse_message(await _json_object(request))
    except BadRequest as exc:
        return _error(400, str(exc))
    result = await request.app[INBOX].handle(message, deliver_now=True)
    body: dict[str, Any] = {
        "message_id": message.message_id,
        "status": result.status,
        "replies": [reply.to_json() for reply in result.replies],
    }
    if result.status == "failed":
        body["error"] = "the assistant is unavailable; the message is kept and retried"
        body["retry_after"] = result.retry_after_seconds
        headers = {"Retry-After": str(result.retry_after_seconds or 30)}
        return web.json_response(body, status=503, headers=headers)
    if result.status == "processing":
        return web.json_response(body, status=202)
    return web.json_response(body)


async def get_messages(request: web.Request) -> web.Response:
    """GET /api/messages?sender=…&after=N: replies after id N (later or retried answers)."""
    sender = request.query.get("sender", "")
    if not ID_PATTERN.match(sender):
        return _error(400, "sender must be 1-128 letters, digits or _.:-")
    try:
        after = int(request.query.get("after", "0"))
    except ValueError:
        return _error(400, "after must be an integer")
    replies = await run_db(
        store.outbox_after,
        factory=request.app[SESSION_FACTORY],
        channel=CHANNEL,
        user_id=sender,
        after_id=after,
    )
    return web.json_response({"replies": [reply.to_json() for reply in replies]})


def add_routes(app: web.Application, static_dir: str) -> None:
    """Mount the web chat page and its JSON API."""

    async def index(_request: web.Request) -> web.FileResponse:
        return web.FileResponse(f"{static_dir}/index.html")

    app.router.add_get("/", index)
    app.router.add_static("/static/", static_dir)
    app.router.add_post("/api/messages", post_message)
    app.router.add_get("/api/messages", get_messages)
