"""Inbound helpers: is a message for us, what does it say, and replies the channel gives itself."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session
from telegram import Bot, Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext import filters

from bot.inbox import store
from bot.inbox.messages import IncomingMessage, Reply

UNSUPPORTED_MEDIA = (
    filters.PHOTO
    | filters.Sticker.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


def addressed_to_bot(message: Message, bot: Bot) -> bool:
    """Private chats always; groups only when the bot is mentioned or replied to."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    username = f"@{bot.username}".lower()
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
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


def without_mention(text: str, bot: Bot) -> str:
    """Remove "@our_bot" from a group message."""
    username = re.escape(bot.username or "")
    return re.sub(rf"@{username}\b", "", text, flags=re.IGNORECASE).strip() if username else text


def record_local_reply(
    *,
    session: Session,
    message: IncomingMessage,
    now: datetime,
    stale_after: timedelta,
    build: Callable[[Session, str], list[Reply]],
) -> bool:
    """Record a message the channel answers itself (help, media); False for a duplicate."""
    claim = store.claim_inbound(session=session, message=message, now=now, stale_after=stale_after)
    if claim.outcome != "process":
        return False
    replies = build(session, claim.language)
    store.complete_inbound(
        session=session, inbound_id=claim.inbound_id, replies=replies, delivered=False, now=now
    )
    return True
