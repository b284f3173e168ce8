"""What a claimed message becomes: the inbox's own answer, or what Rasa is sent.

Typed text is cleaned again here and button payloads checked again (rows recorded by an older
gateway, or written by anything but `store.record`, get the same guarantees).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.inbox import texts
from bot.inbox.events import (
    LOCAL_PAYLOAD_PREFIX,
    SET_LANGUAGE_PAYLOAD,
    TO_RASA,
    ChannelEvent,
    parse_event,
)
from bot.inbox.messages import Reply, clean_text
from bot.inbox.models import InboundKind
from bot.inbox.payloads import PayloadRefused, check_sound
from bot.inbox.store import Claim


@dataclass(frozen=True)
class LocalAnswer:
    """The inbox answers itself: these replies, and maybe the contact's new language."""

    replies: list[Reply]
    language: str | None = None


def _set_language(code: str) -> LocalAnswer:
    return LocalAnswer([Reply(text=texts.pick(texts.LANGUAGE_SET, code))], code)


def answer(claim: Claim) -> LocalAnswer | str:
    """Return the inbox's own answer, or the text or payload to send to Rasa."""
    if claim.kind == InboundKind.EVENT:
        event = parse_event(claim.payload)
        if event in TO_RASA:
            return TO_RASA[event]
        if event == ChannelEvent.UNSUPPORTED:
            return LocalAnswer([Reply(text=texts.pick(texts.UNSUPPORTED, claim.language))])
        if event == ChannelEvent.CHOOSE_LANGUAGE:  # "/bahasa" asks; "/bahasa en" chooses
            if claim.text in texts.LANGUAGES:
                return _set_language(claim.text)
            return LocalAnswer([texts.language_choice()])
        return LocalAnswer([])
    if claim.kind == InboundKind.BUTTON:
        payload = claim.payload or ""
        if payload.startswith(LOCAL_PAYLOAD_PREFIX):
            code = payload.removeprefix(SET_LANGUAGE_PAYLOAD)
            if payload.startswith(SET_LANGUAGE_PAYLOAD) and code in texts.LANGUAGES:
                return _set_language(code)
            return LocalAnswer([])
        try:
            check_sound(payload)
        except PayloadRefused:
            return LocalAnswer([])
        return payload
    text = clean_text(claim.text or "")
    return text if text else LocalAnswer([])
