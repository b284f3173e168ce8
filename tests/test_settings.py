"""Settings come from the environment and fail fast, naming the variable."""

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    names = ("BOT_ENV", "RASA_TOKEN", "DATABASE_URL", "GATEWAY_PORT", "RASA_TIMEOUT_SECONDS")
    for name in (*names, "INBOX_LEASE_SECONDS", "ACTION_SERVER_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def load():
    return load_settings(env_file=Path("/nonexistent"))


def test_development_defaults_are_safe():
    settings = load()
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith(
        "var/bot.db"
    )
    assert len(settings.rasa_token) >= 24
    assert settings.gateway_host == "127.0.0.1"


def test_production_requires_a_token(monkeypatch):
    monkeypatch.setenv("BOT_ENV", "production")
    with pytest.raises(SettingsError, match="RASA_TOKEN"):
        load()


def test_production_refuses_sqlite(monkeypatch):
    monkeypatch.setenv("BOT_ENV", "production")
    monkeypatch.setenv("RASA_TOKEN", "x" * 32)
    with pytest.raises(SettingsError, match="DATABASE_URL"):
        load()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GATEWAY_PORT", "eighty"),
        ("BOT_ENV", "staging"),
        ("RASA_TIMEOUT_SECONDS", "soon"),
        ("RASA_TIMEOUT_SECONDS", "-1"),
        ("INBOX_LEASE_SECONDS", "0"),
    ],
)
def test_bad_values_name_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load()


def test_a_lease_shorter_than_the_rasa_timeout_is_refused(monkeypatch):
    monkeypatch.setenv("RASA_TIMEOUT_SECONDS", "30")
    monkeypatch.setenv("INBOX_LEASE_SECONDS", "20")
    with pytest.raises(SettingsError, match="INBOX_LEASE_SECONDS"):
        load()
