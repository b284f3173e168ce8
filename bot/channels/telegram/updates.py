"""Telegram updates into channel-neutral messages: pure functions, no I/O.

An update is checked field by field before python-telegram-bot reads it (PTB does not check
types: a `text` that is a number would crash a handler later). Whatever we cannot or need not
handle becomes a `Skip` with a reason: the webhook answers 200 and logs it, because Telegram
redelivers anything else, forever.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Message, MessageEntity, Update
from telegram.constants import ChatType

from bot.channels.telegram.format import parse_callback_data
from bot.inbox.events import ChannelEvent
from bot.inbox.messages import Inbound

CHANNEL = "telegram"
HANDLED_KINDS = (Update.MESSAGE, Update.CALLBACK_QUERY)
COMMANDS = {
    "start": ChannelEvent.START,
    "help": ChannelEvent.HELP,
    "bantuan": ChannelEvent.HELP,
    "bahasa": ChannelEvent.CHOOSE_LANGUAGE,
    "language": ChannelEvent.CHOOSE_LANGUAGE,
}
UNSUPPORTED_FIELDS = (
    "photo", "sticker", "voice", "audio", "video", "video_note", "animation", "document",
    "contact", "poll", "dice", "story", "paid_media",
)  # fmt: skip
_COMMAND = re.compile(r"^/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{1,64}))?(?:\s+(.*))?$", re.S)


@dataclass(frozen=True)
class Skip:
    """An update we do not process; `reason` goes to the log.

    `query_id` is set for a button press: Telegram wants every press answered (the spinner).
    """

    reason: str
    query_id: str | None = None


@dataclass(frozen=True)
class ButtonPress:
    """A press on an inline button of one of our replies (resolved against the outbox)."""

    update_id: int
    chat_id: int
    query_id: str
    outbound_id: int
    index: int


MAX_ID = 2**53  # Telegram: identifiers have at most 52 significant bits; dates are Unix times


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_ID < value < MAX_ID


def _check_message(message: Any) -> str | None:
    """Return why a `message` object is unusable, or None."""
    if not isinstance(message, dict):
        return "message is not an object"
    chat = message.get("chat")
    if not isinstance(chat, dict) or not _is_int(chat.get("id")):
        return "message without a chat id"
    if not isinstance(chat.get("type"), str):
        return "chat without a type"
    if not _is_int(message.get("message_id")) or not _is_int(message.get("date")):
        return "message without message_id or date"
    for name in ("text", "caption"):
        if name in message and not isinstance(message[name], str):
            return f"{name} is not a string"
    for name in ("entities", "caption_entities"):
        entities = message.get(name, [])
        if not isinstance(entities, list) or not all(
            isinstance(e, dict)
            and isinstance(e.get("type"), str)
            and _is_int(e.get("offset"))
            and _is_int(e.get("length"))
            for e in entities
        ):
            return f"{name} are malformed"
    for name in ("from", "reply_to_message"):
        if name in message and not isinstance(message[name], dict):
            return f"{name} is not an object"
    location = message.get("location")
    if location is not None and not (
        isinstance(location, dict)
        and all(isinstance(location.get(k), int | float) for k in ("latitude", "longitude"))
    ):
        return "location is malformed"
    return None


def check_update(data: Any) -> str | None:
    """Return why `data` is not an update we can read, or None."""
    if not isinstance(data, dict):
        return "not a JSON object"
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or not _is_int(update_id) or update_id < 0:
        return "update_id is not a non-negative integer"
    kinds = [k for k in data if k != "update_id"]
    if len(kinds) != 1:
        return "not exactly one update kind"
    if kinds[0] not in HANDLED_KINDS:
        return f"{kinds[0][:40]!r} updates are not handled"
    if kinds[0] == Update.MESSAGE:
        return _check_message(data[Update.MESSAGE])
    query = data[Update.CALLBACK_QUERY]
    if not isinstance(query, dict) or not isinstance(query.get("id"), str):
        return "callback_query without an id"
    if "data" in query and not isinstance(query["data"], str):
        return "callback data is not a string"
    if "message" in query and _check_message(query["message"]) is not None:
        return "callback_query message is malformed"
    return None


def addressed_to_bot(message: Message, bot: Bot) -> bool:
    """Private chats always; groups only when the bot is mentioned, commanded or replied to."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    username = f"@{bot.username}".lower()
    kinds: list[str | None] = [
        MessageEntity.MENTION,
        MessageEntity.BOT_COMMAND,
        MessageEntity.TEXT_MENTION,
    ]
    entities = {**message.parse_entities(kinds), **message.parse_caption_entities(kinds)}
    for entity, text in entities.items():
        if entity.type == MessageEntity.TEXT_MENTION:
            if entity.user is not None and entity.user.id == bot.id:
                return True
        elif text.lower() == username or text.lower().endswith(username):
            return True
    return False


def _without_mention(text: str, bot: Bot) -> str:
    username = re.escape(bot.username or "")
    return re.sub(rf"@{username}\b", "", text, flags=re.IGNORECASE).strip() if username else text


def _from_message(update_id: int, message: Message, bot: Bot) -> Inbound | Skip:
    if not addressed_to_bot(message, bot):
        return Skip("group message not addressed to the bot")
    user, mid = str(message.chat.id), str(update_id)
    if message.text is not None:
        command = _COMMAND.match(message.text.strip())
        if (
            command
            and command[1].lower() in COMMANDS
            and (command[2] is None or command[2].lower() == (bot.username or "").lower())
        ):
            event = COMMANDS[command[1].lower()]
            detail = (command[3] or "").strip().lower()[:8]
            return Inbound.event(CHANNEL, user, mid, event.value, detail)
        typed = Inbound.typed(CHANNEL, user, mid, _without_mention(message.text, bot))
        return typed if typed.text else Skip("empty text")
    if message.location is not None or message.venue is not None:
        place = message.location or (message.venue.location if message.venue else None)
        detail = f"{place.latitude:.5f},{place.longitude:.5f}" if place else ""
        return Inbound.event(CHANNEL, user, mid, ChannelEvent.LOCATION.value, detail)
    if any(getattr(message, name, None) for name in UNSUPPORTED_FIELDS):
        return Inbound.event(CHANNEL, user, mid, ChannelEvent.UNSUPPORTED.value)
    return Skip("message without anything to answer (service message)")


def parse_update(data: Any, bot: Bot) -> Inbound | ButtonPress | Skip:
    """Turn one update into a citizen's message, a button press, or a reason to skip it."""
    reason = check_update(data)
    if reason is not None:
        return Skip(reason)
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:  # noqa: BLE001 - PTB's parsing fails in many ways on odd input
        return Skip(f"not a Telegram update ({exc.__class__.__name__})")
    if update is None:
        return Skip("empty update")
    try:
        if update.message is not None:
            return _from_message(update.update_id, update.message, bot)
        query = update.callback_query
        if query is None:
            return Skip("empty callback")
        if query.message is None:
            return Skip("callback without its message", query.id)
        button = parse_callback_data(query.data)
        if button is None:
            return Skip("callback data is not one of our buttons", query.id)
        return ButtonPress(update.update_id, query.message.chat.id, query.id, *button)
    except Exception as exc:  # noqa: BLE001 - whatever the update holds, it is skipped
        return Skip(f"unreadable update ({exc.__class__.__name__})")
