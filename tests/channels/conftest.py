"""A gateway with the Telegram channel, a fake Bot API server and a fake Rasa behind it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from bot.channels.base import ChannelLimits
from bot.channels.delivery import SenderPolicy
from bot.channels.telegram.channel import TelegramChannel, TelegramTimings
from bot.channels.telegram.format import LIMITS
from bot.channels.telegram.settings import TelegramSettings
from bot.channels.telegram.webhook import SECRET_HEADER, WEBHOOK_PATH
from bot.channels.webchat.channel import WebChatChannel
from bot.gateway.app import create_app
from bot.inbox.inbox import InboxPolicy
from bot.settings import Settings
from tests.helpers.fake_rasa import FakeRasa
from tests.helpers.fake_telegram import FakeTelegram

RASA_TOKEN = "rasa-token-123"
BOT_TOKEN = "123456789:AAEhBOweik9ai2o4M7bTestTokenForFakeServer"
SECRET = "webhook-secret-0123456789"
HEADERS = {SECRET_HEADER: SECRET}

FAST_INBOX = InboxPolicy(
    lease_seconds=5, backoff_seconds=(0.05,), probe_seconds=0.05, poll_seconds=0.02
)
FAST_SENDER = SenderPolicy(per_chat_interval_seconds=0, idle_poll_seconds=0.05)
FAST_TIMINGS = TelegramTimings(poll_timeout_seconds=1, retry_seconds=0.05)


class UnthrottledTelegramChannel(TelegramChannel):
    """The Telegram channel without the one-message-per-second spacing within a chat.

    The runtime takes the per-chat interval from the channel's limits, not from the sender
    policy, so the tests lift it here; tests/channels/test_delivery.py covers the spacing.
    """

    limits: ClassVar[ChannelLimits] = replace(LIMITS, per_contact_interval_seconds=0.0)


class FakeClock:
    """A clock the test moves; `sleep` advances it instead of waiting."""

    def __init__(self, start: datetime | None = None) -> None:
        self.start = start or datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
        self.now = self.start
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def elapsed(self) -> float:
        return (self.now - self.start).total_seconds()

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.advance(seconds)


@dataclass
class Gateway:
    """The running gateway: its test client and its Telegram channel."""

    client: TestClient
    channel: TelegramChannel

    async def post(self, update: Any, headers: dict[str, str] | None = None) -> Any:
        """POST one update to the webhook (with the right secret unless told otherwise)."""
        return await self.client.post(
            WEBHOOK_PATH, json=update, headers=HEADERS if headers is None else headers
        )

    async def post_raw(self, body: bytes, headers: dict[str, str] | None = None) -> Any:
        return await self.client.post(
            WEBHOOK_PATH,
            data=body,
            headers={
                "Content-Type": "application/json",
                **(HEADERS if headers is None else headers),
            },
        )


async def eventually(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait until `predicate()` holds (checked every 20 ms)."""
    for _ in range(int(timeout / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition did not hold in time")


def count(factory: sessionmaker, column: Any, *where: Any) -> int:
    """Count the rows of `column`'s table (matching `where`)."""
    with factory() as session:
        return int(session.execute(select(func.count(column)).where(*where)).scalar_one())


@pytest.fixture
async def fake_rasa(aiohttp_server) -> FakeRasa:
    fake = FakeRasa(token=RASA_TOKEN)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
async def fake_telegram(aiohttp_server) -> FakeTelegram:
    fake = FakeTelegram(token=BOT_TOKEN)
    server = await aiohttp_server(fake.app())
    fake.url = str(server.make_url("")).rstrip("/")
    return fake


@pytest.fixture
def settings(db_url, fake_rasa) -> Settings:
    return Settings(
        env="test",
        database_url=db_url,
        rasa_url=fake_rasa.url,
        rasa_token=RASA_TOKEN,
        action_server_url="http://127.0.0.1:9",  # nothing listens there
        rasa_timeout_seconds=2,
    )


@pytest.fixture
def telegram_settings(fake_telegram) -> TelegramSettings:
    return TelegramSettings(
        bot_token=BOT_TOKEN,
        mode="webhook",
        webhook_secret=SECRET,
        api_url=fake_telegram.base_url,
        file_url=fake_telegram.file_url,
    )


@pytest.fixture
def make_gateway(session_factory, settings, telegram_settings, aiohttp_client):
    """Build and start gateways with Telegram and the web chat (`telegram`: its settings).

    Its fixtures are set up in this order so that they are torn down the other way round:
    the gateways stop before the fakes they call stop and before the tables are emptied, so
    nothing of theirs writes into the next test's database.
    """

    async def make(
        *,
        telegram: TelegramSettings | None = None,
        factory: sessionmaker | None = None,
        wait_ready: bool = True,
    ) -> Gateway:
        channel = UnthrottledTelegramChannel(telegram or telegram_settings, FAST_TIMINGS)
        app = create_app(
            settings,
            [channel, WebChatChannel()],
            session_factory=factory or session_factory,
            inbox_policy=FAST_INBOX,
            sender_policy=FAST_SENDER,
        )
        client = await aiohttp_client(app)
        if wait_ready:
            await asyncio.wait_for(channel.ready.wait(), 10)
        return Gateway(client, channel)

    return make


@pytest.fixture
async def gateway(make_gateway) -> Gateway:
    """The gateway in webhook mode, its channel started against the fake Bot API."""
    return await make_gateway()


@pytest.fixture
async def polling_gateway(make_gateway, telegram_settings) -> Gateway:
    """The gateway in polling mode: it long-polls the fake's getUpdates."""
    return await make_gateway(telegram=replace(telegram_settings, mode="polling"))
