"""Build real rasa-sdk trackers for action tests."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

DEFAULT_SLOTS: dict[str, Any] = {
    "office": None,
    "service": None,
    "last_topic": None,
    "language": None,
    "chosen_language": None,
}


def entity(name: str, value: str, text: str = "", span: str | None = None) -> dict[str, Any]:
    """An extracted entity; `span` (default `value`) is located in `text` for start/end."""
    span = span or value
    start = max(text.lower().find(span.lower()), 0)
    return {
        "entity": name,
        "value": value,
        "start": start,
        "end": start + len(span),
        "extractor": "DIETClassifier",
    }


def make_tracker(
    text: str = "",
    *,
    intent: str = "inform",
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    sender_id: str = "test-conversation",
    intent_ranking: list[dict[str, Any]] | None = None,
    history: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker whose latest message has the given text, intent and entities.

    `history` holds earlier events (see `user_event`, `bot_event`), oldest first; `metadata`
    is what the gateway sent with the message (`{"channel": …, "language": …}`).
    """
    latest_message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
        "intent_ranking": intent_ranking or [],
        "metadata": metadata or {},
    }
    events = [
        *(history or []),
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest_message},
    ]
    return Tracker(
        sender_id=sender_id,
        slots={**DEFAULT_SLOTS, **(slots or {})},
        latest_message=latest_message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def user_event(text: str, intent: str) -> dict[str, Any]:
    """An earlier user message, as Rasa sends it to the action server."""
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    return {"event": "user", "text": text, "parse_data": parse_data}


def bot_event(text: str, response: str | None = None) -> dict[str, Any]:
    """An earlier bot message; `response` is the domain response it came from, if any."""
    metadata = {"utter_action": response} if response else {}
    return {"event": "bot", "text": text, "data": {}, "metadata": metadata}
