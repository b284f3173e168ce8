"""The outbox sender with the real PTB against the fake Bot API, on an injected clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels import outbox_store
from bot.channels.outbox_sender import RateLimiter, SenderPolicy
from bot.channels.telegram_channel import TelegramChannel, TelegramOptions
from bot.inbox import store
from bot.inbox.inbox import Inbox
from bot.inbox.messages import Button, IncomingMessage, Reply
from bot.inbox.models import Contact, OutboundMessage
from bot.inbox.rasa_client import RasaClient
from tests.channels.conftest import FakeClock
from tests.helpers.telegram_updates import CHAT_ID

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def channel(settings, session_factory, clock):
    options = TelegramOptions(
        policy=SenderPolicy(max_attempts=4, backoff_base_seconds=2.0),
        clock=clock,
        sleep=clock.sleep,
    )
    inbox = Inbox(session_factory, RasaClient(settings.rasa_url, settings.rasa_token))
    channel = TelegramChannel(settings, session_factory, inbox, options)
    await channel.application.initialize()
    yield channel
    await channel.application.shutdown()


def queue(session_factory, clock, *replies: Reply, chat_id: int = CHAT_ID, message_id="m1"):
    """Record an answered message whose replies wait in the outbox; return their ids."""
    message = IncomingMessage(
        channel="telegram", user_id=str(chat_id), message_id=message_id, text="halo"
    )
    with session_factory.begin() as session:
        claim = store.claim_inbound(
            session=session, message=message, now=clock(), stale_after=timedelta(minutes=2)
        )
        stored = store.complete_inbound(
            session=session,
            inbound_id=claim.inbound_id,
            replies=list(replies),
            delivered=False,
            now=clock(),
        )
    return [reply.id for reply in stored]


def rows(session_factory):
    with session_factory() as session:
        return session.execute(select(OutboundMessage).order_by(OutboundMessage.id)).scalars().all()


async def test_429_waits_retry_after_and_loses_nothing(
    channel, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="satu"), Reply(text="dua"))
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    start = clock()

    assert await channel.sender.run_once() == 1
    first, second = rows(session_factory)
    assert (first.status, first.next_attempt_at) == ("pending", start + timedelta(seconds=3))
    assert "retry" in first.last_error.lower()

    clock.advance(2.9)
    assert await channel.sender.run_once() == 0  # not yet: "dua" waits behind "satu"
    assert fake_telegram.sent_texts() == ["satu"]  # only the refused attempt

    clock.advance(0.1)
    assert await channel.sender.run_once() == 1
    clock.advance(1)
    assert await channel.sender.run_once() == 1
    assert fake_telegram.sent_texts() == ["satu", "satu", "dua"]
    assert [row.status for row in rows(session_factory)] == ["sent", "sent"]
    assert rows(session_factory)[0].sent_at == start + timedelta(seconds=3)


async def test_5xx_backs_off_exponentially_then_gives_up(
    channel, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="halo"))
    delays = []
    for _ in range(3):
        fake_telegram.fail_next("sendMessage", 502, "Bad Gateway")
        before = clock()
        assert await channel.sender.run_once() == 1
        (row,) = rows(session_factory)
        assert row.status == "pending"
        delays.append((row.next_attempt_at - before).total_seconds())
        clock.now = row.next_attempt_at
    assert delays == [2.0, 4.0, 8.0]

    fake_telegram.fail_next("sendMessage", 500, "Internal Server Error")
    assert await channel.sender.run_once() == 1
    (row,) = rows(session_factory)
    assert (row.status, row.attempts) == ("failed", 4)
    assert "gave up after 4 attempts" in row.last_error


async def test_network_error_is_retried(channel, fake_telegram, session_factory, clock, settings):
    queue(session_factory, clock, Reply(text="halo"))
    await fake_telegram_down(channel)
    assert await channel.sender.run_once() == 1
    (row,) = rows(session_factory)
    assert row.status == "pending" and row.next_attempt_at == clock() + timedelta(seconds=2)


async def fake_telegram_down(channel):
    """Point the bot at a port where nothing listens."""
    channel.application.bot._base_url = (
        "http://127.0.0.1:9/bot" + channel.settings.telegram_bot_token
    )


async def test_403_marks_the_contact_inactive_and_stops(
    channel, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="satu"), Reply(text="dua"))
    fake_telegram.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    assert await channel.sender.run_once() == 1
    assert [row.status for row in rows(session_factory)] == ["failed", "failed"]
    with session_factory() as session:
        assert session.execute(select(Contact.active)).scalar_one() is False
    clock.advance(60)
    assert await channel.sender.run_once() == 0
    assert len(fake_telegram.calls_of("sendMessage")) == 1

    with session_factory.begin() as session:  # the citizen writes again: reachable again
        assert outbox_store.reactivate_contact(
            session=session, channel="telegram", external_id=str(CHAT_ID)
        )
    with session_factory() as session:
        assert session.execute(select(Contact.active)).scalar_one() is True


async def test_one_chats_replies_leave_in_order_one_per_second(
    channel, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="a1"), Reply(text="a2"), chat_id=1)
    queue(session_factory, clock, Reply(text="b1"), chat_id=2, message_id="m2")
    assert await channel.sender.run_once() == 2  # the head of each chat
    assert await channel.sender.run_once() == 0  # chat 1 sent less than a second ago
    clock.advance(1)
    assert await channel.sender.run_once() == 1
    assert fake_telegram.sent_texts() == ["a1", "b1", "a2"]


async def test_a_claimed_row_is_not_claimed_twice(session_factory, clock):
    queue(session_factory, clock, Reply(text="a"))
    lease = timedelta(minutes=2)
    with session_factory.begin() as session:
        first = outbox_store.claim_due(
            session=session, channel="telegram", now=clock(), lease=lease, limit=10
        )
    with session_factory.begin() as session:
        second = outbox_store.claim_due(
            session=session, channel="telegram", now=clock(), lease=lease, limit=10
        )
    with session_factory.begin() as session:  # a crashed worker's lease runs out
        third = outbox_store.claim_due(
            session=session, channel="telegram", now=clock() + lease, limit=10, lease=lease
        )
    assert [len(first), len(second), len(third)] == [1, 0, 1]
    assert third[0].attempts == 2


async def test_long_reply_resumes_after_the_parts_already_sent(
    channel, fake_telegram, session_factory, clock
):
    paragraphs = [f"{i}" * 3000 for i in range(3)]
    queue(session_factory, clock, Reply(text="\n\n".join(paragraphs)))
    # the first part goes out, the second hits flood control
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests", retry_after=5, after=1)
    assert await channel.sender.run_once() == 1
    (row,) = rows(session_factory)
    assert row.status == "pending" and row.body["delivery"] == {"parts_sent": 1}
    clock.advance(5)
    assert await channel.sender.run_once() == 1
    assert fake_telegram.sent_texts() == paragraphs[:2] + paragraphs[1:]
    assert rows(session_factory)[0].status == "sent"


async def test_buttons_ride_on_the_last_part(channel, fake_telegram, session_factory, clock):
    long_text = "a" * 3000 + "\n\n" + "b" * 3000
    ids = queue(
        session_factory, clock, Reply(text=long_text, buttons=(Button("Biaya", "/ask_fees"),))
    )
    await channel.sender.run_once()
    first, second = fake_telegram.calls_of("sendMessage")
    assert "reply_markup" not in first
    assert second["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"b:{ids[0]}:0"


async def test_html_refused_falls_back_to_plain_text(
    channel, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="*Biaya* paspor"))
    fake_telegram.fail_next("sendMessage", 400, "Bad Request: can't parse entities")
    await channel.sender.run_once()
    html_try, plain = fake_telegram.calls_of("sendMessage")
    assert html_try["text"] == "<b>Biaya</b> paspor" and html_try["parse_mode"] == "HTML"
    assert plain["text"] == "Biaya paspor" and "parse_mode" not in plain
    assert rows(session_factory)[0].status == "sent"


async def test_global_rate_limit_waits_for_a_token():
    clock = FakeClock()
    limiter = RateLimiter(rate=30, per_key_interval=1.0, clock=clock, sleep=clock.sleep)
    for chat in range(60):
        await limiter.acquire(chat)
    elapsed = (clock() - FakeClock()()).total_seconds()
    assert elapsed == pytest.approx(1.0, abs=0.05)  # 30 at once, then 30 more over a second
    assert limiter.ready_in(59) == pytest.approx(1.0)
