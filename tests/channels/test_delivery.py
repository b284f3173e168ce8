"""The outbox sender and its rate limiter, with the real PTB against the fake Bot API.

The sender runs on an injected clock (FakeClock): retry times, backoff and rate limits are
asserted exactly, without waiting for them.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels.delivery import OutboxSender, RateLimiter, SenderPolicy
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.format import LIMITS
from bot.inbox import outbox, store
from bot.inbox.messages import Button, Inbound, Reply
from bot.inbox.models import Contact, OutboundMessage
from tests.channels.conftest import FakeClock
from tests.helpers.telegram_updates import CHAT_ID

pytestmark = pytest.mark.timeout(60)

POLICY = SenderPolicy(
    messages_per_second=LIMITS.messages_per_second,
    per_chat_interval_seconds=LIMITS.per_contact_interval_seconds,
    max_attempts=4,
    backoff_base_seconds=2.0,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def channel(telegram_settings):
    channel = TelegramChannel(telegram_settings)
    await channel.bot.initialize()
    yield channel
    await channel.bot.shutdown()


@pytest.fixture
def sender(channel, session_factory, clock) -> OutboxSender:
    return OutboxSender(
        session_factory, "telegram", channel.send, policy=POLICY, clock=clock, sleep=clock.sleep
    )


def queue(factory, clock, *replies: Reply, chat_id: int = CHAT_ID, message_id: str = "m1"):
    """Record an answered message whose replies wait in the outbox; return their ids."""
    message = Inbound.typed("telegram", str(chat_id), message_id, "halo")
    with factory.begin() as session:
        recorded = store.record(
            session=session, message=message, now=clock(), lease=timedelta(minutes=2)
        )
        assert recorded.claim is not None
        completed = store.complete(
            session=session, claim=recorded.claim, replies=list(replies), delivered=False,
            now=clock(),
        )  # fmt: skip
    return [reply.id for reply in completed.replies]


def rows(factory) -> list[OutboundMessage]:
    with factory() as session:
        return list(session.execute(select(OutboundMessage).order_by(OutboundMessage.id)).scalars())


# ----- Telegram's answers: 429, 5xx, network errors, 403, 400 -------------------------------


async def test_429_waits_retry_after_and_loses_nothing(
    sender, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="satu"), Reply(text="dua"))
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)
    start = clock()

    assert await sender.run_once() == 1
    first, second = rows(session_factory)
    assert (first.status, first.next_attempt_at) == ("pending", start + timedelta(seconds=3))
    assert "retry" in first.last_error.lower()

    clock.advance(2.9)
    assert await sender.run_once() == 0  # not yet, and "dua" waits behind "satu"
    assert fake_telegram.sent_texts() == ["satu"]  # the refused attempt only

    clock.advance(0.1)
    assert await sender.run_once() == 1
    clock.advance(1)
    assert await sender.run_once() == 1
    assert fake_telegram.sent_texts() == ["satu", "satu", "dua"]
    assert [row.status for row in rows(session_factory)] == ["sent", "sent"]
    assert rows(session_factory)[0].sent_at == start + timedelta(seconds=3)


async def test_5xx_backs_off_exponentially_then_gives_up(
    sender, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="halo"))
    delays = []
    for _ in range(3):
        fake_telegram.fail_next("sendMessage", 502, "Bad Gateway")
        before = clock()
        assert await sender.run_once() == 1
        (row,) = rows(session_factory)
        assert row.status == "pending"
        delays.append((row.next_attempt_at - before).total_seconds())
        clock.now = row.next_attempt_at
    assert delays == [2.0, 4.0, 8.0]

    fake_telegram.fail_next("sendMessage", 500, "Internal Server Error")
    assert await sender.run_once() == 1
    (row,) = rows(session_factory)
    assert (row.status, row.attempts) == ("failed", 4)
    assert "gave up after 4 attempts" in row.last_error
    clock.advance(3600)
    assert await sender.run_once() == 0


async def test_a_network_error_is_retried(telegram_settings, fake_telegram, session_factory, clock):
    unreachable = TelegramChannel(replace(telegram_settings, api_url="http://127.0.0.1:9/bot"))
    sender = OutboxSender(
        session_factory, "telegram", unreachable.send, policy=POLICY, clock=clock,
        sleep=clock.sleep,
    )  # fmt: skip
    queue(session_factory, clock, Reply(text="halo"))
    assert await sender.run_once() == 1
    (row,) = rows(session_factory)
    assert (row.status, row.next_attempt_at) == ("pending", clock() + timedelta(seconds=2))
    await unreachable.bot.shutdown()


async def test_a_blocked_bot_deactivates_the_contact_and_stops(
    sender, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="satu"), Reply(text="dua"))
    fake_telegram.blocked.add(CHAT_ID)  # 403 "Forbidden: bot was blocked by the user"
    assert await sender.run_once() == 1
    assert [row.status for row in rows(session_factory)] == ["failed", "failed"]
    assert "blocked" in rows(session_factory)[0].last_error
    with session_factory() as session:
        assert session.execute(select(Contact.active)).scalar_one() is False
    clock.advance(60)
    assert await sender.run_once() == 0
    assert len(fake_telegram.calls_of("sendMessage")) == 1

    fake_telegram.blocked.clear()  # the citizen unblocks the bot and writes again
    queue(session_factory, clock, Reply(text="tiga"), message_id="m2")
    with session_factory() as session:
        assert session.execute(select(Contact.active)).scalar_one() is True
    assert await sender.run_once() == 1
    assert fake_telegram.sent_texts()[-1] == "tiga"


async def test_a_rejected_message_fails_without_retrying(
    sender, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="satu"), Reply(text="dua"))
    fake_telegram.fail_next("sendMessage", 400, "Bad Request: chat not found")
    assert await sender.run_once() == 1
    clock.advance(1)
    assert await sender.run_once() == 1  # the next reply is not held up by it
    assert [row.status for row in rows(session_factory)] == ["failed", "sent"]
    assert fake_telegram.sent_texts() == ["satu", "dua"]


async def test_refused_html_falls_back_to_plain_text(sender, fake_telegram, session_factory, clock):
    queue(session_factory, clock, Reply(text="*Biaya* paspor"))
    fake_telegram.fail_next("sendMessage", 400, "Bad Request: can't parse entities: whatever")
    await sender.run_once()
    html_try, plain = fake_telegram.calls_of("sendMessage")
    assert html_try["text"] == "<b>Biaya</b> paspor" and html_try["parse_mode"] == "HTML"
    assert plain["text"] == "Biaya paspor" and "parse_mode" not in plain
    assert rows(session_factory)[0].status == "sent"


# ----- formatting as Telegram accepts it ------------------------------------------------------


async def test_text_from_the_database_is_escaped_and_accepted(
    sender, fake_telegram, session_factory, clock
):
    hostile = "Loket <b>tutup</b> & <script>alert(1)</script> *buka* jam 8"
    queue(session_factory, clock, Reply(text=hostile))
    await sender.run_once()
    (sent,) = fake_telegram.calls_of("sendMessage")
    assert sent["text"] == (
        "Loket &lt;b&gt;tutup&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt; "
        "<b>buka</b> jam 8"
    )
    assert rows(session_factory)[0].status == "sent"  # the fake parsed it like Telegram


async def test_the_length_limit_counts_after_entities_parsing(
    sender, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="<" * 4096))  # 16384 characters of HTML
    await sender.run_once()
    (sent,) = fake_telegram.calls_of("sendMessage")
    assert sent["text"] == "&lt;" * 4096
    assert rows(session_factory)[0].status == "sent"


async def test_buttons_ride_on_the_last_part_as_callback_data(
    sender, fake_telegram, session_factory, clock
):
    long_text = "a" * 3000 + "\n\n" + "b" * 3000
    buttons = (Button("Biaya", "/ask_fees"), Button("x" * 100, '/inform{"office":"pontianak"}'))
    (reply_id,) = queue(session_factory, clock, Reply(text=long_text, buttons=buttons))
    await sender.run_once()
    first, second = fake_telegram.calls_of("sendMessage")
    assert "reply_markup" not in first
    rows_ = second["reply_markup"]["inline_keyboard"]
    assert [row[0]["callback_data"] for row in rows_] == [f"b:{reply_id}:0", f"b:{reply_id}:1"]
    assert len(rows_[1][0]["text"]) == LIMITS.max_button_title_chars


async def test_a_long_reply_resumes_after_the_parts_already_sent(
    sender, fake_telegram, session_factory, clock
):
    paragraphs = [f"{i}" * 3000 for i in range(3)]
    queue(session_factory, clock, Reply(text="\n\n".join(paragraphs)))
    # the first part goes out, the second hits flood control
    fake_telegram.fail_next("sendMessage", 429, "Too Many Requests", retry_after=5, after=1)
    assert await sender.run_once() == 1
    (row,) = rows(session_factory)
    assert row.status == "pending" and row.body[outbox.PROGRESS_KEY] == {"parts_sent": 1}
    clock.advance(5)
    assert await sender.run_once() == 1
    assert fake_telegram.sent_texts() == paragraphs[:2] + paragraphs[1:]
    assert rows(session_factory)[0].status == "sent"


# ----- order and rate limits ------------------------------------------------------------------


async def test_one_chats_replies_leave_in_order_one_per_second(
    sender, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="a1"), Reply(text="a2"), chat_id=1)
    queue(session_factory, clock, Reply(text="b1"), chat_id=2, message_id="m2")
    assert await sender.run_once() == 2  # the head of each chat
    assert await sender.run_once() == 0  # chat 1 had a message less than a second ago
    clock.advance(0.5)
    assert await sender.run_once() == 0
    clock.advance(0.5)
    assert await sender.run_once() == 1
    assert fake_telegram.sent_texts() == ["a1", "b1", "a2"]


async def test_the_global_rate_waits_for_a_token():
    clock = FakeClock()
    limiter = RateLimiter(rate=30, per_key_interval=1.0, clock=clock, sleep=clock.sleep)
    for chat in range(60):
        await limiter.acquire(chat)
    assert clock.elapsed() == pytest.approx(1.0, abs=0.05)  # 30 at once, then 30 over a second
    assert limiter.ready_in(59) == pytest.approx(1.0)
    assert limiter.ready_in(0) == pytest.approx(0.0, abs=0.05)
    assert set(limiter.waiting()) >= {59}


async def test_backoff_doubles_up_to_the_cap():
    policy = SenderPolicy(backoff_base_seconds=2, backoff_max_seconds=20)
    assert [policy.backoff(n) for n in range(1, 7)] == [2, 4, 8, 16, 20, 20]


# ----- leases ---------------------------------------------------------------------------------


async def test_a_claimed_reply_is_not_claimed_twice_until_its_lease_ends(session_factory, clock):
    queue(session_factory, clock, Reply(text="a"))
    lease = timedelta(minutes=2)

    def claim(now):
        with session_factory.begin() as session:
            return outbox.claim_due(
                session=session, channel="telegram", now=now, lease=lease, limit=10
            )

    first, second, third = claim(clock()), claim(clock()), claim(clock() + lease)
    assert [len(first), len(second), len(third)] == [1, 0, 1]  # a crashed worker's, taken over
    assert third[0].attempts == 2


async def test_closing_gives_back_a_reply_cut_off_mid_send(
    sender, fake_telegram, session_factory, clock
):
    queue(session_factory, clock, Reply(text="halo"))
    fake_telegram.hold("sendMessage")
    attempt = asyncio.create_task(sender.run_once())
    await fake_telegram.wait_for("sendMessage")
    assert rows(session_factory)[0].status == "sending"
    attempt.cancel()
    await asyncio.gather(attempt, return_exceptions=True)
    await sender.close()
    (row,) = rows(session_factory)
    assert (row.status, row.next_attempt_at) == ("pending", clock())
    fake_telegram.release("sendMessage")
    clock.advance(POLICY.per_chat_interval_seconds)
    assert await sender.run_once() == 1
    assert rows(session_factory)[0].status == "sent"
