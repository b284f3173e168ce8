"""Outbox rows to the Bot API, and long polling: the Telegram calls with their error mapping."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    RetryAfter,
    TelegramError,
)

from bot.channels.delivery import (
    PermanentFailure,
    RecipientGone,
    RetryLater,
    TemporaryFailure,
)
from bot.channels.telegram.format import message_parts, plain_text, reply_keyboard, to_html
from bot.inbox.outbox import Outgoing

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def seconds(value: object) -> float:
    """Return RetryAfter.retry_after in seconds (an int, or a timedelta with PTB_TIMEDELTA)."""
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]


async def send_reply(bot: Bot, item: Outgoing) -> None:
    """Send one outbox row (split into parts, keyboard on the last); map PTB errors.

    Parts already delivered by an earlier attempt (`item.parts_sent`) are not sent again.
    """
    try:
        chat_id = int(item.recipient)
    except ValueError as exc:
        raise PermanentFailure("recipient is not a Telegram chat id") from exc
    parts = message_parts(item.reply)
    keyboard = reply_keyboard(item.id, item.reply)
    sent = item.parts_sent
    for index in range(item.parts_sent, len(parts)):
        markup = keyboard if index == len(parts) - 1 else None
        try:
            await _send_part(bot, chat_id, parts[index], markup)
        except RetryAfter as exc:  # 429
            retry_after = seconds(exc.retry_after)
            raise RetryLater(str(exc), retry_after=retry_after, parts_sent=sent) from exc
        except Forbidden as exc:  # 403: blocked by the user, kicked from the group
            raise RecipientGone(str(exc), parts_sent=sent) from exc
        except (BadRequest, ChatMigrated) as exc:  # 400: this request will never work
            raise PermanentFailure(str(exc), parts_sent=sent) from exc
        except TelegramError as exc:  # 5xx, timeouts, connection errors (NetworkError)
            raise TemporaryFailure(str(exc) or exc.__class__.__name__, parts_sent=sent) from exc
        sent += 1


async def _send_part(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    try:
        await bot.send_message(
            chat_id, to_html(text), parse_mode=ParseMode.HTML, reply_markup=markup
        )
    except BadRequest as exc:
        if "parse" not in str(exc).lower():
            raise
        logger.warning("Telegram refused our HTML (%s); sending plain text", exc)
        await bot.send_message(chat_id, plain_text(text), reply_markup=markup)


async def poll_updates(
    bot: Bot,
    process: Callable[[dict], Awaitable[bool]],
    *,
    timeout_seconds: int,
    retry_seconds: float,
) -> None:
    """Long-poll getUpdates forever; advance the offset only past updates that were recorded.

    An update whose processing failed is fetched again (at least once; the inbox
    de-duplicates by update_id). Updates are processed one after another, so in order.
    """
    offset: int | None = None
    while True:
        try:
            updates = await bot.get_updates(
                offset=offset, timeout=timeout_seconds, allowed_updates=ALLOWED_UPDATES
            )
        except Conflict:
            logger.error(
                "getUpdates refused: a webhook is set. Run `python -m bot telegram "
                "delete-webhook` to use polling"
            )
            await asyncio.sleep(retry_seconds * 6)
            continue
        except RetryAfter as exc:
            await asyncio.sleep(seconds(exc.retry_after))
            continue
        except TelegramError as exc:
            logger.warning("getUpdates failed (%s); retrying", exc)
            await asyncio.sleep(retry_seconds)
            continue
        for update in updates:
            if not await process(update.to_dict()):
                await asyncio.sleep(retry_seconds)
                break
            offset = update.update_id + 1
