"""Telegram channel: python-telegram-bot's Application wired into the gateway's inbox.

Updates come from the gateway's webhook route (`telegram_webhook.py`) or from long polling
(`TELEGRAM_MODE=polling`); PTB's own Updater is disabled. Each update is recorded once per
`update_id` by the inbox, one chat at a time; replies are queued in the outbox and sent by
an `OutboxSender` (rate limits, retries, blocked users). Rasa sees only the inbox's opaque
conversation id; logs show masked chat ids.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker
from telegram import CallbackQuery, Message, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.channels import outbox_store, telegram_texts
from bot.channels.keyed_locks import KeyedLocks
from bot.channels.outbox_sender import OutboxSender, SenderPolicy, Sleep
from bot.channels.outbox_store import Outgoing
from bot.channels.telegram_format import parse_callback_data
from bot.channels.telegram_inbound import (
    UNSUPPORTED_MEDIA,
    addressed_to_bot,
    record_local_reply,
    without_mention,
)
from bot.channels.telegram_outbound import poll_updates, send_reply
from bot.db.base import utcnow
from bot.db.engine import run_db
from bot.inbox.inbox import Inbox
from bot.inbox.messages import IncomingMessage, Reply
from bot.logging_setup import mask_identifier
from bot.schedule.queries import list_offices
from bot.settings import Settings

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
MAX_TEXT_CHARS = 4096
NEW_MESSAGE = filters.UpdateType.MESSAGE  # not edited messages, not channel posts
Context = ContextTypes.DEFAULT_TYPE


@dataclass(frozen=True)
class TelegramOptions:
    """Timings of the channel; tests shorten them and inject a clock."""

    policy: SenderPolicy = field(default_factory=SenderPolicy)
    clock: Callable[[], datetime] = utcnow
    sleep: Sleep = asyncio.sleep
    poll_timeout_seconds: int = 30
    retry_seconds: float = 5.0  # start-up and polling retries after a network error
    stale_after: timedelta = timedelta(minutes=2)


def build_application(settings: Settings) -> Application:
    """Build PTB's Application on the configured Bot API server, without PTB's Updater."""
    return (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .updater(None)
        .build()
    )


class TelegramChannel:
    """Receive Telegram updates into the inbox and deliver the outbox to Telegram."""

    def __init__(
        self,
        settings: Settings,
        factory: sessionmaker,
        inbox: Inbox,
        options: TelegramOptions | None = None,
    ) -> None:
        self.settings = settings
        self.options = options or TelegramOptions()
        self.application = build_application(settings)
        self.sender = OutboxSender(
            factory,
            CHANNEL,
            self.send,
            policy=self.options.policy,
            clock=self.options.clock,
            sleep=self.options.sleep,
        )
        self.ready = asyncio.Event()
        self._factory = factory
        self._inbox = inbox
        self._locks = KeyedLocks()
        self._failed: set[int] = set()
        self._add_handlers()

    # ----- inbound -------------------------------------------------------------------------

    def _add_handlers(self) -> None:
        app = self.application
        app.add_handler(CommandHandler("start", self._on_start, filters=NEW_MESSAGE))
        app.add_handler(CommandHandler(["help", "bantuan"], self._on_help, filters=NEW_MESSAGE))
        app.add_handler(CommandHandler(["bahasa", "language"], self._on_language, NEW_MESSAGE))
        app.add_handler(MessageHandler(NEW_MESSAGE & filters.COMMAND, self._on_help))
        app.add_handler(MessageHandler(NEW_MESSAGE & filters.TEXT, self._on_text))
        app.add_handler(
            MessageHandler(NEW_MESSAGE & (filters.LOCATION | filters.VENUE), self._on_location)
        )
        app.add_handler(MessageHandler(NEW_MESSAGE & UNSUPPORTED_MEDIA, self._on_unsupported))
        app.add_handler(CallbackQueryHandler(self._on_callback))
        app.add_error_handler(self._on_error)

    async def process(self, update: Update) -> bool:
        """Hand one update to the Application; False when it could not be recorded (retry it)."""
        self._failed.discard(update.update_id)
        await self.application.process_update(update)
        if update.update_id in self._failed:
            self._failed.discard(update.update_id)
            return False
        return True

    async def _on_error(self, update: object, context: Context) -> None:
        if isinstance(update, Update):
            self._failed.add(update.update_id)
        logger.error("telegram update failed: %r", context.error, exc_info=context.error)

    @staticmethod
    def _incoming(update: Update, chat_id: int, **content: str | None) -> IncomingMessage:
        return IncomingMessage(
            channel=CHANNEL, user_id=str(chat_id), message_id=str(update.update_id), **content
        )

    async def _to_rasa(self, message: IncomingMessage) -> None:
        async with self._locks.hold(message.user_id):
            await run_db(
                outbox_store.reactivate_contact,
                factory=self._factory,
                channel=CHANNEL,
                external_id=message.user_id,
            )
            result = await self._inbox.handle(message, deliver_now=False)
        logger.info(
            "telegram update %s from %s: %s",
            message.message_id,
            mask_identifier(message.user_id),
            result.status,
        )
        self.sender.wake()

    async def _local(
        self, message: IncomingMessage, build: Callable[[Session, str], list[Reply]]
    ) -> None:
        async with self._locks.hold(message.user_id):
            recorded = await run_db(
                record_local_reply,
                factory=self._factory,
                message=message,
                now=self.options.clock(),
                stale_after=self.options.stale_after,
                build=build,
            )
        if recorded:
            self.sender.wake()

    def _message(self, update: Update) -> Message | None:
        message = update.message
        if message is None or not addressed_to_bot(message, self.application.bot):
            return None
        return message

    async def _on_start(self, update: Update, _context: Context) -> None:
        if (message := self._message(update)) is not None:  # the welcome is Rasa's utter_greet
            await self._to_rasa(self._incoming(update, message.chat.id, payload="/greet"))

    async def _on_help(self, update: Update, _context: Context) -> None:
        if (message := self._message(update)) is not None:
            incoming = self._incoming(update, message.chat.id, text=message.text)
            await self._local(
                incoming,
                lambda _s, lang: [Reply(text=telegram_texts.pick(telegram_texts.HELP, lang))],
            )

    async def _on_language(self, update: Update, context: Context) -> None:
        if (message := self._message(update)) is None:
            return
        choice = (context.args or [""])[0].lower()
        await self._set_language(update, message.chat.id, choice, message.text)

    async def _set_language(
        self, update: Update, chat_id: int, choice: str, text: str | None
    ) -> None:
        if choice in ("id", "en"):
            incoming = self._incoming(update, chat_id, text=text, language=choice)
            reply = Reply(text=telegram_texts.pick(telegram_texts.LANGUAGE_SET, choice))
            await self._local(incoming, lambda _s, _lang: [reply])
        else:
            incoming = self._incoming(update, chat_id, text=text)
            await self._local(incoming, lambda _s, lang: [telegram_texts.language_choice(lang)])

    async def _on_text(self, update: Update, _context: Context) -> None:
        if (message := self._message(update)) is None or not message.text:
            return
        text = (
            without_mention(message.text, self.application.bot).lstrip("/").strip()[:MAX_TEXT_CHARS]
        )
        if text:
            await self._to_rasa(self._incoming(update, message.chat.id, text=text))

    async def _on_location(self, update: Update, _context: Context) -> None:
        if (message := self._message(update)) is None:
            return

        def offices(session: Session, language: str) -> list[Reply]:
            return [telegram_texts.office_list(list_offices(session=session), language)]

        await self._local(self._incoming(update, message.chat.id, text="[location]"), offices)

    async def _on_unsupported(self, update: Update, _context: Context) -> None:
        if (message := self._message(update)) is None:
            return
        incoming = self._incoming(update, message.chat.id, text="[media]")
        await self._local(
            incoming,
            lambda _s, lang: [Reply(text=telegram_texts.pick(telegram_texts.UNSUPPORTED, lang))],
        )

    async def _on_callback(self, update: Update, _context: Context) -> None:
        query = update.callback_query
        if query is None:
            return
        await self._best_effort(query.answer(), "answerCallbackQuery")
        button = parse_callback_data(query.data)
        message = query.message
        if button is None or message is None:
            return
        chat_id = message.chat.id
        payload = await run_db(
            outbox_store.button_payload,
            factory=self._factory,
            channel=CHANNEL,
            recipient=str(chat_id),
            outbound_id=button[0],
            index=button[1],
        )
        if payload is None:
            return  # not a button we sent to this chat
        await self._remove_keyboard(query)
        if payload.startswith(telegram_texts.SET_LANGUAGE_PAYLOAD):
            choice = payload[len(telegram_texts.SET_LANGUAGE_PAYLOAD) :]
            await self._set_language(update, chat_id, choice, payload)
        elif payload.startswith("/"):
            await self._to_rasa(self._incoming(update, chat_id, payload=payload))
        else:
            await self._to_rasa(self._incoming(update, chat_id, text=payload))

    async def _remove_keyboard(self, query: CallbackQuery) -> None:
        await self._best_effort(query.edit_message_reply_markup(None), "editMessageReplyMarkup")

    @staticmethod
    async def _best_effort(call: object, name: str) -> None:
        try:
            await call  # type: ignore[misc]
        except TelegramError as exc:  # cosmetic calls; the message itself is not affected
            logger.info("%s failed: %s", name, exc)

    # ----- outbound ------------------------------------------------------------------------

    async def send(self, item: Outgoing) -> None:
        """Send one outbox row through the Bot API (the OutboxSender's send function)."""
        await send_reply(self.application.bot, item)

    # ----- lifecycle -----------------------------------------------------------------------

    async def _initialize(self) -> bool:
        """Initialize PTB (getMe), retrying network errors; False on an invalid token."""
        while True:
            try:
                await self.application.initialize()
                await self.application.start()
                return True
            except InvalidToken:
                logger.critical("TELEGRAM_BOT_TOKEN was refused by Telegram; channel disabled")
                return False
            except TelegramError as exc:
                logger.warning("Telegram not reachable (%s); retrying", exc)
                await asyncio.sleep(self.options.retry_seconds)

    async def run(self) -> None:
        """Start PTB, then send the outbox (and poll in polling mode) until cancelled."""
        if not await self._initialize():
            return
        logger.info(
            "Telegram channel ready (@%s, %s mode)",
            self.application.bot.username,
            self.settings.telegram_mode,
        )
        self.ready.set()
        tasks = [self.sender.run()]
        if self.settings.telegram_mode == "polling":
            tasks.append(self.poll())
        await asyncio.gather(*tasks)

    async def poll(self) -> None:
        """Long-poll getUpdates (polling mode)."""
        await poll_updates(
            self.application.bot,
            self.process,
            timeout_seconds=self.options.poll_timeout_seconds,
            retry_seconds=self.options.retry_seconds,
        )

    async def close(self) -> None:
        """Stop and shut down PTB (its HTTP connections)."""
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
