"""A gateway with the Telegram channel, a fake Bot API server and a fake Rasa behind it."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from bot.channels.outbox_sender import SenderPolicy
from bot.channels.telegram_channel import TelegramOptions
from bot.channels.telegram_webhook import SECRET_HEADER, TELEGRAM
from bot.gateway.app import create_app
from bot.settings import Settings
from tests.helpers.fake_rasa import FakeRasa
from tests.helpers.fake_telegram import FakeTelegram

RASA_TOKEN = "rasa-token-123"
BOT_TOKEN = "123456789:AAEhBOweik9ai2o4M7bTestTokenForFakeServer"
SECRET = "webhook-secret-0123456789"
HEADERS = {SECRET_HEADER: SECRET}

FAST = TelegramOptions(
    policy=SenderPolicy(per_chat_interval_seconds=0, idle_poll_seconds=0.05),
    poll_timeout_seconds=1,
    retry_seconds=0.05,
)


class FakeClock:
    """A clock the test moves; `sleep` advances it instead of waiting."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)


@pytest.fixture
async def fake_rasa(aiohttp_server):
    fake = FakeRasa(token=RASA_TOKEN)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")  # type: ignore[attr-defined]
    return fake


@pytest.fixture
async def fake_telegram(aiohttp_server):
    fake = FakeTelegram(token=BOT_TOKEN)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
def settings(db_url, fake_rasa, fake_telegram) -> Settings:
    return Settings(
        env="test",
        database_url=db_url,
        rasa_url=fake_rasa.url,
        rasa_token=RASA_TOKEN,
        action_server_url="http://127.0.0.1:9",
        telegram_bot_token=BOT_TOKEN,
        telegram_mode="webhook",
        telegram_webhook_secret=SECRET,
        telegram_api_url=fake_telegram.base_url,
        telegram_file_url=f"{fake_telegram.url}/file/bot",
    )


async def start_gateway(aiohttp_client, settings, session_factory, options=FAST):
    app = create_app(
        settings, session_factory=session_factory, retry_interval_seconds=3600, telegram=options
    )
    client = await aiohttp_client(app)
    await asyncio.wait_for(app[TELEGRAM].ready.wait(), 10)
    return client


@pytest.fixture
async def gateway(aiohttp_client, settings, session_factory):
    """The gateway in webhook mode, its channel started against the fake Bot API."""
    return await start_gateway(aiohttp_client, settings, session_factory)


@pytest.fixture
async def polling_gateway(aiohttp_client, settings, session_factory):
    return await start_gateway(
        aiohttp_client, replace(settings, telegram_mode="polling"), session_factory
    )
