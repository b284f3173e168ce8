"""`python -m bot telegram set-webhook URL | delete-webhook | webhook-info`.

The webhook is registered by this explicit command, never on start (Telegram rate-limits
setWebhook). The secret token sent along is TELEGRAM_WEBHOOK_SECRET, the one the gateway checks.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import TelegramError

from bot.channels.telegram.outbound import ALLOWED_UPDATES
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.webhook import WEBHOOK_PATH
from bot.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `telegram set-webhook|delete-webhook|webhook-info` to the `python -m bot` command."""
    telegram = subparsers.add_parser("telegram", help="manage the Telegram bot's webhook")
    commands = telegram.add_subparsers(dest="telegram_command", required=True)
    setter = commands.add_parser("set-webhook", help="point Telegram at the gateway")
    setter.add_argument("url", help=f"public HTTPS URL of the gateway's {WEBHOOK_PATH}")
    setter.add_argument("--max-connections", type=int, default=40, help="1-100 (1 = strict order)")
    setter.add_argument("--drop-pending-updates", action="store_true")
    setter.set_defaults(handler=set_webhook_command)
    deleter = commands.add_parser("delete-webhook", help="stop webhook delivery (e.g. to poll)")
    deleter.add_argument("--drop-pending-updates", action="store_true")
    deleter.set_defaults(handler=delete_webhook_command)
    commands.add_parser("webhook-info", help="show what Telegram knows").set_defaults(
        handler=webhook_info_command
    )


def _bot(settings: TelegramSettings) -> Bot:
    return Bot(settings.bot_token, base_url=settings.api_url, base_file_url=settings.file_url)


def _run(work: Callable[[Bot], Awaitable[int]]) -> int:
    settings = TelegramSettings.from_env()
    if not settings.bot_token:
        print("TELEGRAM_BOT_TOKEN is not set.")
        return 2

    async def main() -> int:
        async with _bot(settings) as bot:
            return int(await work(bot))

    try:
        return asyncio.run(main())
    except TelegramError as exc:
        print(f"Telegram refused: {exc}")
        return 1


def set_webhook_command(args: argparse.Namespace, _settings: Settings) -> int:
    """Register the webhook URL with the secret token and the update types we handle."""
    secret = TelegramSettings.from_env().webhook_secret
    if not secret:
        print("TELEGRAM_WEBHOOK_SECRET is not set; the gateway would refuse every update.")
        return 2
    parts = urlsplit(args.url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        print(f"{args.url!r} is not a URL; Telegram needs https://host{WEBHOOK_PATH}")
        return 2
    if not 1 <= args.max_connections <= 100:
        print("--max-connections must be between 1 and 100")
        return 2
    if not parts.path.endswith(WEBHOOK_PATH):
        print(f"Note: the gateway serves Telegram at {WEBHOOK_PATH}; {args.url} does not end so.")

    async def work(bot: Bot) -> int:
        await bot.set_webhook(
            args.url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            max_connections=args.max_connections,
            drop_pending_updates=args.drop_pending_updates,
        )
        print(f"Webhook set: {args.url}")
        return 0

    return _run(work)


def delete_webhook_command(args: argparse.Namespace, _settings: Settings) -> int:
    """Remove the webhook (updates then wait for getUpdates)."""

    async def work(bot: Bot) -> int:
        await bot.delete_webhook(drop_pending_updates=args.drop_pending_updates)
        print("Webhook deleted.")
        return 0

    return _run(work)


def webhook_info_command(_args: argparse.Namespace, _settings: Settings) -> int:
    """Print the webhook URL, pending updates and the last error Telegram saw."""

    async def work(bot: Bot) -> int:
        info = await bot.get_webhook_info()
        print(f"url: {info.url or '(none)'}")
        print(f"pending updates: {info.pending_update_count}")
        print(f"max connections: {info.max_connections}")
        print(f"allowed updates: {', '.join(info.allowed_updates or ()) or '(all)'}")
        if info.last_error_message:
            print(f"last error: {info.last_error_message} at {info.last_error_date}")
        return 0

    return _run(work)
