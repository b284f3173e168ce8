"""The Telegram channel's settings (TELEGRAM_* variables)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.settings import SettingsError, env_str, env_url, is_production

DEFAULT_API_URL = "https://api.telegram.org/bot"
DEFAULT_FILE_URL = "https://api.telegram.org/file/bot"
TOKEN_PATTERN = re.compile(r"\d{3,15}:[A-Za-z0-9_-]{20,}")
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,256}")


@dataclass(frozen=True)
class TelegramSettings:
    """How to reach the Bot API and how Telegram reaches us."""

    bot_token: str = ""
    mode: str = "webhook"  # webhook | polling
    webhook_secret: str = ""
    api_url: str = DEFAULT_API_URL
    file_url: str = DEFAULT_FILE_URL

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token)

    @classmethod
    def from_env(cls) -> TelegramSettings:
        """Read and validate TELEGRAM_*; webhook mode in production needs the secret."""
        token = env_str("TELEGRAM_BOT_TOKEN") or ""
        if token and not TOKEN_PATTERN.fullmatch(token):
            raise SettingsError("TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC...)")
        mode = (env_str("TELEGRAM_MODE", "webhook") or "webhook").lower()
        if mode not in {"webhook", "polling"}:
            raise SettingsError(f"TELEGRAM_MODE must be webhook or polling, got {mode!r}")
        secret = env_str("TELEGRAM_WEBHOOK_SECRET") or ""
        if secret and not SECRET_PATTERN.fullmatch(secret):
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be 16-256 of A-Z a-z 0-9 _ -")
        if token and mode == "webhook" and not secret and is_production():
            raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be set in production (webhook mode)")
        return cls(
            bot_token=token,
            mode=mode,
            webhook_secret=secret,
            api_url=env_url("TELEGRAM_API_URL", DEFAULT_API_URL),
            file_url=env_url("TELEGRAM_FILE_URL", DEFAULT_FILE_URL),
        )
