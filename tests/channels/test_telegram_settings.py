"""TELEGRAM_* settings are validated and fail fast, naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

TOKEN = "123456789:AAEhBOweik9ai2o4M7bTestTokenForFakeServer"
NAMES = (
    "BOT_ENV",
    "RASA_TOKEN",
    "DATABASE_URL",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_MODE",
    "TELEGRAM_WEBHOOK_SECRET",
    "TELEGRAM_API_URL",
    "TELEGRAM_FILE_URL",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def load():
    return load_settings(env_file=Path("/nonexistent"))


def test_telegram_is_off_without_a_token():
    settings = load()
    assert not settings.telegram_enabled
    assert settings.telegram_api_url == "https://api.telegram.org/bot"
    assert settings.telegram_file_url == "https://api.telegram.org/file/bot"
    assert settings.telegram_mode == "webhook"


def test_telegram_settings_are_read(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_MODE", "polling")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/bot")
    settings = load()
    assert settings.telegram_enabled and settings.telegram_mode == "polling"
    assert settings.telegram_api_url == "http://127.0.0.1:8081/bot"


def test_production_webhook_needs_the_secret(monkeypatch):
    monkeypatch.setenv("BOT_ENV", "production")
    monkeypatch.setenv("RASA_TOKEN", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://u:p@db/bot")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        load()
    monkeypatch.setenv("TELEGRAM_MODE", "polling")
    assert load().telegram_mode == "polling"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TELEGRAM_MODE", "carrier-pigeon"),
        ("TELEGRAM_WEBHOOK_SECRET", "short"),
        ("TELEGRAM_WEBHOOK_SECRET", "has spaces in it, not allowed"),
        ("TELEGRAM_API_URL", "api.telegram.org/bot"),
        ("TELEGRAM_FILE_URL", "ftp://files"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, name, value):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load()
