"""Typed settings read from the environment (and an optional `.env` file).

These are the settings every process shares. Each channel reads its own (TELEGRAM_*,
WEBCHAT_*) in its package, with the helpers below.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

from bot import PROJECT_ROOT


class SettingsError(ValueError):
    """Raised when a setting is missing or malformed; the message names the variable."""


def env_str(name: str, default: str | None = None) -> str | None:
    """Return a variable's stripped value, or `default` when it is unset or blank."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_int(name: str, default: int) -> int:
    """Return an integer variable; SettingsError naming it when it is not an integer."""
    raw = env_str(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    """Return a number variable; SettingsError naming it when it is not a positive number."""
    raw = env_str(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from exc
    if not value > 0:
        raise SettingsError(f"{name} must be positive, got {raw!r}")
    return value


def env_url(name: str, default: str) -> str:
    """Return an http(s) URL variable, without a trailing slash."""
    value = env_str(name, default) or default
    if not value.startswith(("https://", "http://")):
        raise SettingsError(f"{name} must be an http(s) URL, got {value!r}")
    return value.rstrip("/")


def is_production() -> bool:
    return env_str("BOT_ENV") == "production"


def default_database_url() -> str:
    """Return the embedded default: a SQLite file under var/."""
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'bot.db'}"


@dataclass(frozen=True)
class Settings:
    """Everything a process needs to know about its surroundings."""

    env: str = "development"
    database_url: str = field(default_factory=default_database_url)
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""
    action_server_token: str = ""
    action_server_url: str = "http://127.0.0.1:5055"
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8080
    rasa_timeout_seconds: float = 30.0
    inbox_lease_seconds: float = 90.0
    log_level: str = "INFO"

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def gateway_url(self) -> str:
        return f"http://{self.gateway_host}:{self.gateway_port}"


def load_env_file(env_file: Path | None = None) -> None:
    """Read `.env` into the environment (variables already set win)."""
    load_dotenv(env_file or PROJECT_ROOT / ".env", override=False)


def load_settings(*, env_file: Path | None = None) -> Settings:
    """Read and validate the settings; fail fast with the name of the bad variable."""
    load_env_file(env_file)
    env = env_str("BOT_ENV", "development") or "development"
    if env not in {"development", "production", "test"}:
        raise SettingsError(f"BOT_ENV must be development, production or test, got {env!r}")
    rasa_token = env_str("RASA_TOKEN")
    if rasa_token is None:
        if env == "production":
            raise SettingsError("RASA_TOKEN must be set in production")
        rasa_token = secrets.token_urlsafe(24)
    database_url = env_str("DATABASE_URL") or default_database_url()
    if env == "production" and database_url.startswith("sqlite"):
        raise SettingsError("DATABASE_URL must point to PostgreSQL in production")
    action_server_token = env_str("ACTION_SERVER_TOKEN")
    if action_server_token is None:
        if env == "production":
            raise SettingsError("ACTION_SERVER_TOKEN must be set in production")
        action_server_token = secrets.token_urlsafe(24)
    rasa_timeout = env_float("RASA_TIMEOUT_SECONDS", 30.0)
    lease = env_float("INBOX_LEASE_SECONDS", max(90.0, rasa_timeout + 30))
    if lease <= rasa_timeout:
        raise SettingsError("INBOX_LEASE_SECONDS must be longer than RASA_TIMEOUT_SECONDS")
    return Settings(
        env=env,
        database_url=database_url,
        rasa_url=env_url("RASA_URL", "http://127.0.0.1:5005"),
        rasa_token=rasa_token,
        action_server_token=action_server_token,
        action_server_url=env_url("ACTION_SERVER_URL", "http://127.0.0.1:5055"),
        gateway_host=env_str("GATEWAY_HOST", "127.0.0.1") or "127.0.0.1",
        gateway_port=env_int("GATEWAY_PORT", 8080),
        rasa_timeout_seconds=rasa_timeout,
        inbox_lease_seconds=lease,
        log_level=(env_str("LOG_LEVEL", "INFO") or "INFO").upper(),
    )
