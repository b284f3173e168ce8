"""The Telegram channel: python-telegram-bot's `Bot` on the channel runtime.

Updates arrive on the gateway's webhook route (`TELEGRAM_MODE=webhook`) or by long polling
(`polling`); both go through `handle_update`: parsed (bot/channels/telegram/updates.py), then
recorded by the inbox before Telegram gets its 200, and answered in the background. Replies
leave through the runtime's outbox sender, which calls `send`. Rasa sees only the inbox's
opaque conversation id; logs show masked chat ids.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, ClassVar

from aiohttp import web
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bot.channels.base import Channel, ChannelLimits
from bot.channels.runtime import ChannelRuntime
from bot.channels.telegram import webhook
from bot.channels.telegram.format import LIMITS
from bot.channels.telegram.outbound import poll_updates, send_reply
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.updates import CHANNEL, ButtonPress, Skip, parse_update
from bot.db.engine import run_db
from bot.inbox import outbox
from bot.inbox.messages import Inbound
from bot.inbox.outbox import Outgoing
from bot.inbox.payloads import PayloadRefused
from bot.logging_setup import mask_identifier

logger = logging.getLogger(__name__)

# the database could not be reached (worth a redelivery), as opposed to data it refused
DB_UNREACHABLE = (OperationalError, InterfaceError, SQLAlchemyTimeoutError)


def _update_id(data: Any) -> object:
    return data.get("update_id") if isinstance(data, dict) else None


@dataclass(frozen=True)
class TelegramTimings:
    """Timings of the channel; tests shorten them."""

    poll_timeout_seconds: int = 30
    retry_seconds: float = 5.0  # start-up and polling retries after a network error


class TelegramChannel(Channel):
    """Receive Telegram updates into the inbox and deliver the outbox to Telegram."""

    name: ClassVar[str] = CHANNEL
    limits: ClassVar[ChannelLimits] = LIMITS

    def __init__(self, settings: TelegramSettings, timings: TelegramTimings | None = None) -> None:
        self.settings = settings
        self.timings = timings or TelegramTimings()
        self.bot = Bot(
            settings.bot_token, base_url=settings.api_url, base_file_url=settings.file_url
        )
        self.ready = asyncio.Event()
        self._runtime: ChannelRuntime | None = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def runtime(self) -> ChannelRuntime:
        if self._runtime is None:
            raise RuntimeError("the Telegram channel was not set up")
        return self._runtime

    def setup(self, app: web.Application, runtime: ChannelRuntime) -> None:
        self._runtime = runtime
        if self.settings.mode == "webhook":
            webhook.mount(app, self)

    # ----- inbound ---------------------------------------------------------------------------

    async def handle_update(self, data: Any) -> bool:
        """Record one update (as a dict); False only when it could not be recorded (retry it)."""
        parsed = parse_update(data, self.bot)
        if isinstance(parsed, Skip):
            logger.info("telegram update skipped: %s", parsed.reason)
            if parsed.query_id:
                self._answer_press(parsed.query_id)
            return True
        try:
            message = await self._button(parsed) if isinstance(parsed, ButtonPress) else parsed
            if message is None:
                return True
            result = await self.runtime.receive(message, wait=False)
        except PayloadRefused as exc:
            logger.info("telegram button refused: %s", exc)
            return True
        except DB_UNREACHABLE:
            logger.exception("telegram update %s could not be recorded", _update_id(data))
            return False  # Telegram delivers it again
        except Exception:  # noqa: BLE001 - redelivering would fail the same way, forever
            logger.exception(
                "telegram update %s skipped: it could not be handled", _update_id(data)
            )
            return True
        logger.info(
            "telegram update %s from %s: %s",
            message.message_id, mask_identifier(message.user_id), result.outcome.value,
        )  # fmt: skip
        return True

    async def _button(self, press: ButtonPress) -> Inbound | None:
        """Resolve a button press to the payload we sent; tidy the keyboard (best effort)."""
        self._answer_press(press.query_id)
        payload = await run_db(
            outbox.button_payload, factory=self.runtime.factory, channel=CHANNEL,
            recipient=str(press.chat_id), outbound_id=press.outbound_id, index=press.index,
        )  # fmt: skip
        if payload is None:
            logger.info("telegram button press on a message we did not send to that chat")
            return None
        return Inbound.button(CHANNEL, str(press.chat_id), str(press.update_id), payload)

    def _answer_press(self, query_id: str) -> None:
        """Stop the button's spinner in the citizen's app (best effort, in the background)."""
        self._background(self.bot.answer_callback_query(query_id), "answerCallbackQuery")

    def _background(self, call: Coroutine[Any, Any, Any], name: str) -> None:
        async def best_effort() -> None:
            try:
                await call
            except TelegramError as exc:  # cosmetic calls; the message itself is not affected
                logger.info("%s failed: %s", name, exc)

        task = asyncio.create_task(best_effort())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ----- outbound --------------------------------------------------------------------------

    async def send(self, item: Outgoing) -> None:
        """Send one outbox row through the Bot API (the runtime's sender calls this)."""
        await send_reply(self.bot, item)

    # ----- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Introduce ourselves to the Bot API (getMe), then poll in polling mode."""
        while True:
            try:
                await self.bot.initialize()
                break
            except InvalidToken:
                logger.critical("TELEGRAM_BOT_TOKEN was refused by Telegram; channel disabled")
                return
            except TelegramError as exc:
                logger.warning("Telegram not reachable (%s); retrying", exc)
                await asyncio.sleep(self.timings.retry_seconds)
        logger.info("Telegram channel ready (@%s, %s mode)", self.bot.username, self.settings.mode)
        self.ready.set()
        if self.settings.mode == "polling":
            await poll_updates(
                self.bot,
                self.handle_update,
                timeout_seconds=self.timings.poll_timeout_seconds,
                retry_seconds=self.timings.retry_seconds,
            )

    async def stop(self) -> None:
        """Cancel cosmetic calls and close the Bot API connections."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.ready.is_set():
            await self.bot.shutdown()
