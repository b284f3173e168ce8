"""Typed settings read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from bot import PROJECT_ROOT

TELEGRAM_DEFAULT_API_URL = "https://api.telegram.org/bot"
TELEGRAM_DEFAULT_FILE_URL = "https://api.telegram.org/file/bot"
TELEGRAM_TOKEN_PATTERN = re.compile(r"^\d{3,15}:[A-Za-z0-9_-]{20,}$")
TELEGRAM_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,256}$")


class SettingsError(ValueError):
    """Raised when a setting is missing or malformed; the message names the variable."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def _int(name: str, default: int) -> int:
    raw = _env(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


def default_database_url() -> str:
    """Return the embedded default: a SQLite file under var/."""
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'bot.db'}"


@dataclass(frozen=True)
class Settings:
    """Everything a process needs to know about its surroundings."""

    env: str = "development"
    database_url: str = field(default_factory=default_database_url)
    timezone: str = "Asia/Jakarta"
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    action_server_url: str = "http://127.0.0.1:5055"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8080
    rasa_timeout_seconds: float = 30.0
    log_level: str = "INFO"
    telegram_bot_token: str = ""
    telegram_mode: str = "webhook"  # webhook | polling
    telegram_webhook_secret: str = ""
    telegram_api_url: str = TELEGRAM_DEFAULT_API_URL
    telegram_file_url: str = TELEGRAM_DEFAULT_FILE_URL

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def gateway_url(self) -> str:
        return f"http://{self.gateway_host}:{self.gateway_port}"


def load_settings(*, env_file: Path | None = None) -> Settings:
    """Read and validate the settings; fail fast with the name of the bad variable."""
    load_dotenv(env_file or PROJECT_ROOT / ".env", override=False)
    env = _env("BOT_ENV", "development") or "development"
    if env not in {"development", "production", "test"}:
        raise SettingsError(f"BOT_ENV must be development, production or test, got {env!r}")
    timezone = _env("BOT_TIMEZONE", "Asia/Jakarta") or "Asia/Jakarta"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingsError(f"BOT_TIMEZONE is not a known time zone: {timezone!r}") from exc
    rasa_token = _env("RASA_TOKEN")
    if rasa_token is None:
        if env == "production":
            raise SettingsError("RASA_TOKEN must be set in production")
        rasa_token = secrets.token_urlsafe(24)
    database_url = _env("DATABASE_URL") or default_database_url()
    if env == "production" and database_url.startswith("sqlite"):
        raise SettingsError("DATABASE_URL must point to PostgreSQL in production")
    try:
        rasa_timeout = float(_env("RASA_TIMEOUT_SECONDS", "30") or "30")
    except ValueError as exc:
        raise SettingsError("RASA_TIMEOUT_SECONDS must be a number") from exc
    telegram = _telegram_settings(env)
    return Settings(
        env=env,
        database_url=database_url,
        timezone=timezone,
        rasa_url=(_env("RASA_URL", "http://127.0.0.1:5005") or "").rstrip("/"),
        rasa_token=rasa_token,
        action_server_url=(_env("ACTION_SERVER_URL", "http://127.0.0.1:5055") or "").rstrip("/"),
        gateway_host=_env("GATEWAY_HOST", "127.0.0.1") or "127.0.0.1",
        gateway_port=_int("GATEWAY_PORT", 8080),
        rasa_timeout_seconds=rasa_timeout,
        log_level=(_env("LOG_LEVEL", "INFO") or "INFO").upper(),
        **telegram,
    )


def _url(name: str, default: str) -> str:
    value = _env(name, default) or default
    if not value.startswith(("https://", "http://")):
        raise SettingsError(f"{name} must be an http(s) URL, got {value!r}")
    return value


def _telegram_settings(env: str) -> dict[str, str]:
    """Read the TELEGRAM_* variables; webhook mode in production needs the secret."""
    token = _env("TELEGRAM_BOT_TOKEN") or ""
    if token and not TELEGRAM_TOKEN_PATTERN.match(token):
        raise SettingsError("TELEGRAM_BOT_TOKEN does not look like a bot token (123456:ABC...)")
    mode = (_env("TELEGRAM_MODE", "webhook") or "webhook").lower()
    if mode not in {"webhook", "polling"}:
        raise SettingsError(f"TELEGRAM_MODE must be webhook or polling, got {mode!r}")
    secret = _env("TELEGRAM_WEBHOOK_SECRET") or ""
    if secret and not TELEGRAM_SECRET_PATTERN.match(secret):
        raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be 16-256 of A-Z a-z 0-9 _ -")
    if token and mode == "webhook" and not secret and env == "production":
        raise SettingsError("TELEGRAM_WEBHOOK_SECRET must be set in production (webhook mode)")
    return {
        "telegram_bot_token": token,
        "telegram_mode": mode,
        "telegram_webhook_secret": secret,
        "telegram_api_url": _url("TELEGRAM_API_URL", TELEGRAM_DEFAULT_API_URL),
        "telegram_file_url": _url("TELEGRAM_FILE_URL", TELEGRAM_DEFAULT_FILE_URL),
    }
