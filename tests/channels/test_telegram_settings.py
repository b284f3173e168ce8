"""TELEGRAM_* settings are validated and fail fast, naming the variable."""

from __future__ import annotations

import pytest

from bot.channels.telegram.settings import TelegramSettings
from bot.settings import SettingsError

TOKEN = "123456789:AAEhBOweik9ai2o4M7bTestTokenForFakeServer"
NAMES = (
    "BOT_ENV",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_MODE",
    "TELEGRAM_WEBHOOK_SECRET",
    "TELEGRAM_API_URL",
    "TELEGRAM_FILE_URL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)


def test_telegram_is_off_without_a_token():
    settings = TelegramSettings.from_env()
    assert not settings.enabled
    assert settings.api_url == "https://api.telegram.org/bot"
    assert settings.file_url == "https://api.telegram.org/file/bot"
    assert settings.mode == "webhook"


def test_telegram_settings_are_read(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", f" {TOKEN} ")
    monkeypatch.setenv("TELEGRAM_MODE", "POLLING")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s" * 16)
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/bot/")
    settings = TelegramSettings.from_env()
    assert settings.enabled and settings.bot_token == TOKEN
    assert settings.mode == "polling" and settings.webhook_secret == "s" * 16
    assert settings.api_url == "http://127.0.0.1:8081/bot"


def test_production_webhook_needs_the_secret(monkeypatch):
    monkeypatch.setenv("BOT_ENV", "production")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        TelegramSettings.from_env()
    monkeypatch.setenv("TELEGRAM_MODE", "polling")
    assert TelegramSettings.from_env().mode == "polling"


def test_without_a_token_nothing_else_is_required(monkeypatch):
    monkeypatch.setenv("BOT_ENV", "production")
    assert not TelegramSettings.from_env().enabled


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_MODE", "carrier-pigeon"),
        ("TELEGRAM_WEBHOOK_SECRET", "short"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces in it, not allowed"),
        ("TELEGRAM_WEBHOOK_SECRET", "x" * 257),
        ("TELEGRAM_API_URL", "api.telegram.org/bot"),
        ("TELEGRAM_FILE_URL", "ftp://files"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, name, value):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        TelegramSettings.from_env()
