"""Typed settings read from the environment (and an optional `.env` file)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from bot import PROJECT_ROOT


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
    )
