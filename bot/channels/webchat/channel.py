"""The web chat channel: a page on the gateway and the JSON API it (and API clients) use.

A pull channel: a message's answer comes back in the response when it is ready at once, and
every reply can be fetched with `GET /api/messages` (answers that took longer, retried
messages, later messages from staff). The API is documented in docs/api.md.
"""

from __future__ import annotations

import logging
import math
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot.channels.base import Channel, ChannelLimits
from bot.channels.http_body import MAX_BODY_BYTES, BodyError, read_json
from bot.channels.runtime import ChannelRuntime
from bot.channels.webchat import identity
from bot.db.engine import run_db
from bot.inbox import contacts, outbox, store
from bot.inbox.messages import MAX_TEXT_CHARS, Inbound, InboxResult, Outcome
from bot.inbox.payloads import PayloadRefused
from bot.inbox.texts import LANGUAGES
from bot.settings import SettingsError, env_int

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"
ID_PATTERN = re.compile(r"[A-Za-z0-9_.:-]{1,128}")
FIELDS = frozenset({"text", "payload", "message_id", "language"})
SESSION_DAYS = 30


@dataclass(frozen=True)
class WebChatSettings:
    """Limits of the web chat (WEBCHAT_* variables)."""

    messages_per_minute: int = 30
    message_burst: int = 10
    conversations_per_minute: int = 60
    conversation_burst: int = 30
    trusted_proxies: int = 0  # reverse proxies in front of the gateway that add X-Forwarded-For

    @classmethod
    def from_env(cls) -> WebChatSettings:
        settings = cls(
            messages_per_minute=env_int("WEBCHAT_MESSAGES_PER_MINUTE", cls.messages_per_minute),
            message_burst=env_int("WEBCHAT_MESSAGE_BURST", cls.message_burst),
            conversations_per_minute=env_int(
                "WEBCHAT_CONVERSATIONS_PER_MINUTE", cls.conversations_per_minute
            ),
            conversation_burst=env_int("WEBCHAT_CONVERSATION_BURST", cls.conversation_burst),
            trusted_proxies=env_int("WEBCHAT_TRUSTED_PROXIES", cls.trusted_proxies),
        )
        limits = [v for k, v in settings.__dict__.items() if k != "trusted_proxies"]
        if min(limits) < 1 or settings.trusted_proxies < 0:
            raise SettingsError("WEBCHAT_* limits must be positive integers")
        return settings


class BadRequest(ValueError):
    """The request cannot be accepted; the message says why."""


def _error(status: int, reason: str, **headers: str) -> web.Response:
    return web.json_response({"error": reason}, status=status, headers=headers or None)


def _unavailable() -> web.Response:
    """503 when the database failed: the client sends the same message again later."""
    return _error(
        503, "temporarily unavailable; send the same message again", **{"Retry-After": "5"}
    )


def _too_many(wait: float) -> web.Response:
    return _error(
        429, "too many requests; try again later", **{"Retry-After": str(math.ceil(wait))}
    )


def parse_message(body: Any, user_id: str) -> Inbound:
    """Validate a web chat message and normalise it."""
    if not isinstance(body, dict):
        raise BadRequest("body must be a JSON object")
    unknown = set(body) - FIELDS
    if "sender" in unknown:
        raise BadRequest("sender is not accepted: the conversation comes from its token")
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(sorted(unknown))[:100]}")
    text, payload = body.get("text"), body.get("payload")
    if (text is None) == (payload is None):
        raise BadRequest("give exactly one of text or payload")
    message_id = body.get("message_id")
    if message_id is None:
        message_id = uuid.uuid4().hex
    elif not isinstance(message_id, str) or not ID_PATTERN.fullmatch(message_id):
        raise BadRequest("message_id must be 1-128 letters, digits or _.:-")
    language = body.get("language")
    if language is not None and language not in LANGUAGES:
        raise BadRequest("language must be id or en")
    limits = WebChatChannel.limits
    if text is not None:
        if not isinstance(text, str):
            raise BadRequest("text must be a string")
        if len(text) > limits.max_text_chars:
            raise BadRequest(f"text is longer than {limits.max_text_chars} characters")
        message = Inbound.typed(WebChatChannel.name, user_id, message_id, text, language=language)
        if not message.text:
            raise BadRequest("text must contain something to read")
        return message
    if not isinstance(payload, str) or not payload:
        raise BadRequest("payload must be a non-empty string")
    return Inbound.button(WebChatChannel.name, user_id, message_id, payload, language=language)


class WebChatChannel(Channel):
    """The web chat page and its API."""

    name: ClassVar[str] = "webchat"
    limits: ClassVar[ChannelLimits] = ChannelLimits(
        max_text_chars=MAX_TEXT_CHARS, max_buttons=20, max_button_title_chars=64, pack_turn=False
    )
    push: ClassVar[bool] = False

    def __init__(self, settings: WebChatSettings | None = None) -> None:
        self.settings = settings or WebChatSettings()
        self.message_limits = identity.RateLimits(
            self.settings.messages_per_minute, self.settings.message_burst
        )
        self.conversation_limits = identity.RateLimits(
            self.settings.conversations_per_minute, self.settings.conversation_burst
        )
        self.runtime: ChannelRuntime | None = None

    def setup(self, app: web.Application, runtime: ChannelRuntime) -> None:
        self.runtime = runtime
        app[CHANNEL] = self
        app.router.add_get("/", _index)
        app.router.add_static("/static/", STATIC_DIR)
        app.router.add_post("/api/conversations", _new_conversation)
        app.router.add_post("/api/messages", _post_message)
        app.router.add_get("/api/messages", _get_messages)

    async def contact_id(self, request: web.Request) -> int | None:
        """Return the contact the request's token belongs to, or None (401)."""
        token = identity.presented_token(request)
        if token is None or self.runtime is None:
            return None
        contact = await run_db(
            _contact_id, factory=self.runtime.factory, external_id=identity.contact_key(token)
        )
        return contact


CHANNEL = web.AppKey("webchat", WebChatChannel)


def _contact_id(*, session: Any, external_id: str) -> int | None:
    contact = contacts.find(session=session, channel=WebChatChannel.name, external_id=external_id)
    return None if contact is None else int(contact.id)


def _create_contact(*, session: Any, external_id: str) -> None:
    contacts.get_or_create(session=session, channel=WebChatChannel.name, external_id=external_id)


async def _index(_request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC_DIR / "index.html")


async def _new_conversation(request: web.Request) -> web.Response:
    """POST /api/conversations: issue a new conversation's secret."""
    channel = request.app[CHANNEL]
    address = identity.client_address(request, channel.settings.trusted_proxies)
    wait = channel.conversation_limits.take(f"addr:{address}")
    if wait:
        return _too_many(wait)
    token = identity.new_token()
    assert channel.runtime is not None
    try:
        await run_db(
            _create_contact, factory=channel.runtime.factory,
            external_id=identity.contact_key(token),
        )  # fmt: skip
    except SQLAlchemyError:
        logger.exception("opening a web chat conversation: the database failed")
        return _unavailable()
    response = web.json_response({"token": token}, status=201)
    response.set_cookie(
        identity.COOKIE_NAME,
        token,
        max_age=SESSION_DAYS * 86400,
        path="/api/",
        httponly=True,
        samesite="Strict",
        secure=identity.is_https(request),
    )
    return response


def _result_response(result: InboxResult) -> web.Response:
    body: dict[str, Any] = {
        "message_id": result.message_id,
        "status": result.outcome.value,
        "replies": [reply.to_json() for reply in result.replies],
    }
    if result.outcome in (Outcome.QUEUED, Outcome.PROCESSING):
        body["poll"] = "/api/messages"
        return web.json_response(body, status=202)
    if result.outcome == Outcome.RETRYING:
        body["error"] = "the assistant is unavailable; the message is kept and answered later"
        wait = str(result.retry_after_seconds or 5)
        return web.json_response(body, status=503, headers={"Retry-After": wait})
    return web.json_response(body)


async def _post_message(request: web.Request) -> web.Response:
    """POST /api/messages: send a citizen's message, get the assistant's replies."""
    channel = request.app[CHANNEL]
    token = identity.presented_token(request)
    if token is None:
        return _error(401, "a conversation token is required (POST /api/conversations)")
    key = identity.contact_key(token)
    try:
        message = parse_message(await read_json(request, MAX_BODY_BYTES), key)
    except BodyError as exc:
        return _error(exc.status, exc.reason)
    except BadRequest as exc:
        return _error(400, str(exc))
    try:
        known = await channel.contact_id(request)
    except SQLAlchemyError:
        logger.exception("web chat: the database failed")
        return _unavailable()
    if known is None:
        return _error(401, "unknown or expired conversation token")
    wait = channel.message_limits.take(key)
    if wait:
        return _too_many(wait)
    assert channel.runtime is not None
    try:
        result = await channel.runtime.receive(message, wait=True)
    except PayloadRefused as exc:
        return _error(400, str(exc))
    except SQLAlchemyError:
        logger.exception("web chat message %s: the database failed", message.message_id)
        return _unavailable()
    return _result_response(result)


async def _get_messages(request: web.Request) -> web.Response:
    """GET /api/messages?after=N: this conversation's replies after id N, and what is pending."""
    channel = request.app[CHANNEL]
    raw = request.query.get("after", "0")
    try:
        contact_id = await channel.contact_id(request)
        if contact_id is None:
            return _error(401, "a valid conversation token is required")
        if not re.fullmatch(r"\d{1,18}", raw):
            return _error(400, "after must be a non-negative integer")
        assert channel.runtime is not None
        replies, pending = await run_db(
            _fetch, factory=channel.runtime.factory, contact_id=contact_id, after_id=int(raw)
        )
    except SQLAlchemyError:
        logger.exception("web chat poll: the database failed")
        return _unavailable()
    return web.json_response(
        {"replies": [reply.to_json() for reply in replies], "pending": pending}
    )


def _fetch(*, session: Any, contact_id: int, after_id: int) -> tuple[Any, int]:
    replies = outbox.fetch_after(session=session, contact_id=contact_id, after_id=after_id)
    return replies, store.unfinished_count(session=session, contact_id=contact_id)
