"""Channel-neutral message shapes: what every channel adapter produces and consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IncomingMessage:
    """A citizen's message after a channel adapter has verified and normalised it."""

    channel: str
    user_id: str
    message_id: str
    text: str | None = None
    payload: str | None = None  # a button's payload, e.g. "/ask_quota"
    language: str | None = None

    @property
    def content(self) -> str:
        """Return what Rasa should see: the button payload if any, else the text."""
        return self.payload or self.text or ""


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
        return cls(
            text=data.get("text"),
            buttons=buttons,
            image=data.get("image"),
            custom=custom if isinstance(custom, dict) else None,
        )


@dataclass(frozen=True)
class StoredReply:
    """A reply as kept in the outbox, with its id (the order within a conversation)."""

    id: int
    reply: Reply

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, **self.reply.to_json()}


@dataclass(frozen=True)
class InboxResult:
    """What happened to an incoming message.

    status: "processed" (answered now), "duplicate" (answered before; the same replies),
    "processing" (another worker is answering it), "handed_over" (a person handles the
    conversation), or "failed" (kept and retried later).
    """

    status: str
    replies: tuple[StoredReply, ...] = ()
    message_id: str = ""
    retry_after_seconds: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
