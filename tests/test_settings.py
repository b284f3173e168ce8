"""Settings come from the environment and fail fast, naming the variable."""

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("BOT_ENV", "RASA_TOKEN", "DATABASE_URL", "BOT_TIMEZONE", "GATEWAY_PORT"):
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
    [("GATEWAY_PORT", "eighty"), ("BOT_TIMEZONE", "Mars/Olympus"), ("BOT_ENV", "staging")],
)
def test_bad_values_name_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load()
