"""`python -m bot telegram …` against the fake Bot API server."""

from __future__ import annotations

import asyncio

import pytest

from bot.__main__ import main
from tests.channels.conftest import BOT_TOKEN, SECRET


@pytest.fixture
def telegram_env(monkeypatch, fake_telegram, tmp_path):
    monkeypatch.setenv("BOT_ENV", "test")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("TELEGRAM_API_URL", fake_telegram.base_url)
    return fake_telegram


async def run_cli(*argv: str) -> int:
    return await asyncio.to_thread(main, ["telegram", *argv])  # asyncio.run in its own thread


async def test_set_webhook_sends_the_secret_and_update_types(telegram_env, capsys):
    url = "https://paspor.example.go.id/telegram/webhook"
    assert await run_cli("set-webhook", url, "--max-connections", "10") == 0
    (params,) = telegram_env.calls_of("setWebhook")
    assert params["url"] == url
    assert params["secret_token"] == SECRET
    assert params["allowed_updates"] == ["message", "callback_query"]
    assert params["max_connections"] == "10"
    assert "Webhook set" in capsys.readouterr().out


async def test_webhook_info_and_delete(telegram_env, capsys):
    await run_cli("set-webhook", "https://paspor.example.go.id/telegram/webhook")
    assert await run_cli("webhook-info") == 0
    assert "url: https://paspor.example.go.id/telegram/webhook" in capsys.readouterr().out
    assert await run_cli("delete-webhook", "--drop-pending-updates") == 0
    assert telegram_env.calls_of("deleteWebhook")[0]["drop_pending_updates"] == "true"
    await run_cli("webhook-info")
    assert "url: (none)" in capsys.readouterr().out


async def test_set_webhook_needs_the_secret(telegram_env, monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET")
    assert await run_cli("set-webhook", "https://paspor.example.go.id/telegram/webhook") == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in capsys.readouterr().out
    assert telegram_env.calls_of("setWebhook") == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.org/telegram/webhook", "An HTTPS URL must be provided"),
        ("https://example.org:8080/telegram/webhook", "ports 80, 88, 443 or 8443"),
    ],
)
async def test_telegram_refusals_are_reported_not_raised(telegram_env, capsys, url, reason):
    assert await run_cli("set-webhook", url) == 1
    assert reason.lower() in capsys.readouterr().out.lower()
    assert telegram_env.webhook == {}


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["not a url"], "is not a URL"),
        (["https://paspor.example.go.id/telegram/webhook", "--max-connections", "0"], "between"),
    ],
)
async def test_bad_arguments_never_reach_telegram(telegram_env, capsys, args, reason):
    assert await run_cli("set-webhook", *args) == 2
    assert reason in capsys.readouterr().out
    assert telegram_env.calls_of("setWebhook") == []


async def test_commands_need_a_token(telegram_env, monkeypatch, capsys):
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    assert await run_cli("webhook-info") == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().out
