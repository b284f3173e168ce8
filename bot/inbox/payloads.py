"""Button payloads: accepted only when the assistant offered them, and only sound ones.

A payload (`/intent` or `/intent{"entity": "value"}`) skips language understanding, so a
citizen who could send any payload could force any intent and any entity value, or Rasa's own
commands (`/restart` wipes a conversation). The inbox accepts a payload only when it is one of
the buttons recently offered to that contact, names no reserved command, and carries entity
values that pass the same filter as understood ones (bot/nlu/entity_values.py).
"""

from __future__ import annotations

import json
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.inbox.events import LOCAL_PAYLOAD_PREFIX
from bot.inbox.messages import Reply
from bot.inbox.models import OutboundMessage
from bot.nlu.entity_values import is_usable

MAX_PAYLOAD_CHARS = 512
OFFERED_WINDOW = 20  # the contact's latest replies whose buttons may still be pressed
RESERVED_INTENTS = frozenset({"restart", "back", "session_start"})  # Rasa's commands
_PAYLOAD = re.compile(r"/(?P<intent>[A-Za-z_][A-Za-z0-9_]{0,63})(?P<entities>\{.*\})?", re.S)


class PayloadRefused(ValueError):
    """The payload is not one this contact may send; the message says why."""


def check_sound(payload: str) -> None:
    """Raise PayloadRefused unless the payload is well formed, not reserved, with usable values."""
    if len(payload) > MAX_PAYLOAD_CHARS:
        raise PayloadRefused(f"payload is longer than {MAX_PAYLOAD_CHARS} characters")
    if payload.startswith(LOCAL_PAYLOAD_PREFIX):
        return
    match = _PAYLOAD.fullmatch(payload)
    if match is None:
        raise PayloadRefused("payload must look like /intent or /intent{json}")
    if match["intent"] in RESERVED_INTENTS:
        raise PayloadRefused("reserved commands are not accepted")
    if match["entities"] is None:
        return
    try:
        entities = json.loads(match["entities"])
    except ValueError as exc:
        raise PayloadRefused("payload entities are not valid JSON") from exc
    if not isinstance(entities, dict):
        raise PayloadRefused("payload entities must be an object")
    for name, value in entities.items():
        if not isinstance(value, str) or not is_usable({"entity": name, "value": value}):
            raise PayloadRefused(f"payload entity {name!r} has a value that cannot be used")


def offered_payloads(*, session: Session, contact_id: int) -> set[str]:
    """Return the payloads of the buttons in the contact's latest replies."""
    bodies = session.execute(
        select(OutboundMessage.body)
        .where(OutboundMessage.contact_id == contact_id)
        .order_by(OutboundMessage.id.desc())
        .limit(OFFERED_WINDOW)
    ).scalars()
    return {
        button.payload
        for body in bodies
        if isinstance(body, dict)
        for button in Reply.from_json(body).buttons
    }


def check_offered(*, session: Session, contact_id: int, payload: str) -> None:
    """Raise PayloadRefused unless the payload is sound and was offered to this contact."""
    check_sound(payload)
    if payload not in offered_payloads(session=session, contact_id=contact_id):
        raise PayloadRefused("payload is not a button the assistant offered")
