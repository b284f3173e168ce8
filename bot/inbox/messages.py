"""Channel-neutral message shapes: what every channel produces and consumes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.inbox.models import InboundKind

MAX_TEXT_CHARS = 4096  # what the inbox keeps of one typed message
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_LEADING = re.compile(r"^[\s/]+")  # "/ /restart" must not become "/restart"


def clean_text(text: str) -> str:
    """Return typed text as language understanding should see it.

    Control characters (NUL included: PostgreSQL refuses it) are dropped, lone surrogates
    become U+FFFD, and leading slashes and spaces go, however interleaved ("/ /restart"):
    typed text is never read as a `/intent{…}` command.
    """
    text = _LONE_SURROGATE.sub("\ufffd", text)
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    return _LEADING.sub("", text).rstrip()[:MAX_TEXT_CHARS]


@dataclass(frozen=True)
class Inbound:
    """A citizen's message after a channel has verified and normalised it.

    kind TEXT: `text` is what was typed. BUTTON: `payload` is a button's payload; the inbox
    accepts it only when the assistant offered that button to this contact. EVENT: `payload`
    names a channel event (bot/inbox/events.py), e.g. a shared location.
    """

    channel: str
    user_id: str
    message_id: str
    kind: InboundKind
    text: str | None = None
    payload: str | None = None
    language: str | None = None

    @classmethod
    def typed(cls, channel: str, user_id: str, message_id: str, text: str, **kw: Any) -> Inbound:
        return cls(channel, user_id, message_id, InboundKind.TEXT, text=clean_text(text), **kw)

    @classmethod
    def button(
        cls, channel: str, user_id: str, message_id: str, payload: str, **kw: Any
    ) -> Inbound:
        return cls(channel, user_id, message_id, InboundKind.BUTTON, payload=payload, **kw)

    @classmethod
    def event(
        cls, channel: str, user_id: str, message_id: str, event: str, detail: str = "", **kw: Any
    ) -> Inbound:
        detail = clean_text(detail)[:64]  # a command's argument: typed text too
        return cls(
            channel, user_id, message_id, InboundKind.EVENT, payload=event, text=detail, **kw
        )


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """One bot message: text and/or image, with optional buttons."""

    text: str | None = None
    buttons: tuple[Button, ...] = ()
    image: str | None = None
    custom: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "text": self.text,
            "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons],
        }
        if self.image:
            body["image"] = self.image
        if self.custom:
            body["custom"] = self.custom
        return body

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        buttons = tuple(
            Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
            for b in data.get("buttons") or []
            if isinstance(b, dict)
        )
        custom = data.get("custom")
        text = data.get("text")
        image = data.get("image")
        return cls(
            text=text if isinstance(text, str) else None,
            buttons=buttons,
            image=image if isinstance(image, str) else None,
            custom=custom if isinstance(custom, dict) else None,
        )


def pack_replies(replies: list[Reply], max_chars: int) -> list[Reply]:
    """Join a turn's consecutive texts into as few messages as `max_chars` allows.

    A text joins the next one with a blank line; buttons stay on the message that carried
    them, and an image or custom payload is never merged.
    """
    packed: list[Reply] = []
    for reply in replies:
        last = packed[-1] if packed else None
        mergeable = (
            last is not None
            and not last.buttons
            and not last.image
            and not last.custom
            and last.text
            and reply.text
            and not reply.image
            and not reply.custom
            and len(last.text) + 2 + len(reply.text) <= max_chars
        )
        if mergeable and last is not None and last.text and reply.text:
            packed[-1] = Reply(text=f"{last.text}\n\n{reply.text}", buttons=reply.buttons)
        else:
            packed.append(reply)
    return packed


@dataclass(frozen=True)
class StoredReply:
    """A reply as kept in the outbox, with its id (the order within a conversation)."""

    id: int
    reply: Reply
    in_reply_to: str | None = None  # the channel's id of the message it answers

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, **self.reply.to_json(), "in_reply_to": self.in_reply_to}


class Outcome(str, Enum):
    """What happened to an incoming message, as a channel reports it."""

    PROCESSED = "processed"  # answered now; `replies` holds the answer (possibly none)
    DUPLICATE = "duplicate"  # this message id was recorded before; its replies so far
    QUEUED = "queued"  # recorded; waits behind an earlier message of the same contact
    PROCESSING = "processing"  # recorded; another worker (or a background task) answers it
    HANDED_OVER = "handed_over"  # a person handles this conversation; no bot reply
    RETRYING = "retrying"  # the assistant is unavailable; kept and retried automatically
    GIVEN_UP = "given_up"  # could not be processed; the citizen was told, a person will see it


@dataclass(frozen=True)
class InboxResult:
    """The outcome of one incoming message, with the replies the caller may hand out."""

    outcome: Outcome
    replies: tuple[StoredReply, ...] = ()
    message_id: str = ""
    retry_after_seconds: int | None = None
