"""Kill -9 under load: the real three processes, a steady stream from 20 conversations.

Each process is killed in turn while citizens keep writing (the gateway with messages in
flight) and started again. Afterwards every message must have been answered exactly once, in
each conversation's order, and Rasa's tracker must hold each user message once. Runs on the
embedded setup (SQLite) and on PostgreSQL. The time from Rasa answering again until the backlog
is drained is printed (and written down in docs/benchmarks.md), never asserted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select, text

from bot import PROJECT_ROOT
from bot.channels.webchat.identity import contact_key
from bot.db.engine import make_engine, make_session_factory
from bot.inbox.models import Contact, InboundMessage, OutboundMessage
from tests.helpers.postgres import postgres_unavailable_reason, scratch_database
from tests.helpers.stack import RunningStack, latest_model_or_skip, start_stack

pytestmark = pytest.mark.stack

CONVERSATIONS = 20  # at a time; each citizen writes MESSAGES_EACH, then a new one takes over
MESSAGES_EACH = 8
INTERVAL_SECONDS = 2.0  # per conversation: 10 messages/s in all
QUESTIONS = (
    "halo",
    "kapan kuota paspor dibuka?",
    "jam buka kantor imigrasi pontianak",
    "berapa biaya paspor elektronik",
    "syarat bikin paspor baru apa aja",
    "alamat kantor imigrasi singkawang dimana",
    "makasih ya",
)
ACCEPTED = (200, 202, 503)  # answered, queued, kept for later: the message is recorded


@dataclass
class Citizen:
    name: str
    token: str = ""
    sent: list[str] = field(default_factory=list)  # message ids, in the order written


async def _until_accepted(
    client: aiohttp.ClientSession, method: str, url: str, deadline: float, **kwargs: Any
) -> dict:
    """Repeat one request until the gateway takes it (it may be down or restarting)."""
    while time.monotonic() < deadline:
        try:
            async with client.request(method, url, **kwargs) as response:
                if response.status in (*ACCEPTED, 201):
                    return dict(await response.json())
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(0.3)
    raise AssertionError(f"{method} {url} {kwargs.get('json')} was never accepted")


async def _write(stack: RunningStack, citizens: list[Citizen], stop: asyncio.Event) -> None:
    base = stack.settings.gateway_url
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(timeout=timeout) as client:

        async def slot(number: int) -> None:
            await asyncio.sleep(number * INTERVAL_SECONDS / CONVERSATIONS)
            while not stop.is_set():
                opened = await _until_accepted(
                    client, "POST", f"{base}/api/conversations", time.monotonic() + 240
                )
                citizen = Citizen(f"s{number}-{len(citizens)}", opened["token"])
                citizens.append(citizen)
                headers = {"Authorization": f"Bearer {citizen.token}"}
                for turn in range(MESSAGES_EACH):
                    if stop.is_set():
                        break
                    message_id = f"{citizen.name}-{turn}"
                    citizen.sent.append(message_id)
                    body = {"text": QUESTIONS[turn % len(QUESTIONS)], "message_id": message_id}
                    await _until_accepted(
                        client, "POST", f"{base}/api/messages", time.monotonic() + 240,
                        json=body, headers=headers,
                    )  # fmt: skip
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(stop.wait(), INTERVAL_SECONDS)

        await asyncio.gather(*(slot(n) for n in range(CONVERSATIONS)))


def _unfinished(stack: RunningStack) -> int:
    engine = make_engine(stack.settings.database_url)
    with engine.connect() as connection:
        count = connection.execute(
            text(
                "SELECT count(*) FROM inbound_messages "
                "WHERE status IN ('received', 'processing', 'retrying')"
            )
        ).scalar_one()
    engine.dispose()
    return int(count)


async def _drained(stack: RunningStack, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if await asyncio.to_thread(_unfinished, stack) == 0:
            return time.monotonic() - started
        await asyncio.sleep(0.5)
    raise AssertionError(f"backlog not drained after {timeout:.0f} s\n{stack.logs()}")


async def _answers_through_the_api(stack: RunningStack, citizens: list[Citizen]) -> list[str]:
    """What each citizen can read: every message it wrote has an answer, none twice."""
    problems = []
    async with aiohttp.ClientSession() as client:
        for citizen in citizens:
            headers = {"Authorization": f"Bearer {citizen.token}"}
            replies: list[dict] = []
            while True:
                after = replies[-1]["id"] if replies else 0
                url = f"{stack.settings.gateway_url}/api/messages"
                async with client.get(url, params={"after": str(after)}, headers=headers) as r:
                    page = (await r.json())["replies"]
                if not page:
                    break
                replies.extend(page)
            answered = [reply["in_reply_to"] for reply in replies]
            first_seen = list(dict.fromkeys(answered))
            if first_seen != citizen.sent:
                problems.append(f"{citizen.name}: answers to {first_seen}, wrote {citizen.sent}")
            runs = [mid for i, mid in enumerate(answered) if i == 0 or answered[i - 1] != mid]
            if len(runs) != len(first_seen):
                problems.append(f"{citizen.name}: answers interleaved or repeated: {answered}")
    return problems


def _wait_rasa_ready(stack: RunningStack, timeout: float) -> None:
    if not stack.processes.wait_healthy(timeout_seconds=timeout):
        raise AssertionError(f"the stack did not come back\n{stack.logs()}")


async def _run_scenario(stack: RunningStack) -> dict[str, float]:
    citizens: list[Citizen] = []
    stop = asyncio.Event()
    writers = asyncio.create_task(_write(stack, citizens, stop))
    processes = stack.processes
    timings: dict[str, float] = {}

    await asyncio.sleep(10)
    processes.kill("gateway")  # with messages in flight: 10 arrive every second
    await asyncio.sleep(1)
    processes.start_process("gateway")
    await asyncio.to_thread(_wait_rasa_ready, stack, 60)

    await asyncio.sleep(8)
    processes.kill("actions")
    await asyncio.sleep(5)
    processes.start_process("actions")
    await asyncio.to_thread(_wait_rasa_ready, stack, 60)

    await asyncio.sleep(8)
    processes.kill("rasa")
    processes.start_process("rasa")
    killed = time.monotonic()
    await asyncio.to_thread(_wait_rasa_ready, stack, 300)
    timings["rasa_down_seconds"] = time.monotonic() - killed
    # a liveness bound only (the time is reported, never asserted): generous for slow machines
    timings["backlog_drained_seconds"] = await _drained(stack, 900)

    await asyncio.sleep(6)  # a little normal traffic after the last recovery
    stop.set()
    await asyncio.wait_for(writers, 300)
    await _drained(stack, 900)
    problems = await _answers_through_the_api(stack, citizens)
    assert not problems, "\n".join(problems[:20])
    _check(stack, citizens)
    timings["messages"] = sum(len(c.sent) for c in citizens)
    timings["conversations"] = len(citizens)
    return timings


def _tracker_user_events(tracker_url: str) -> list[tuple[str, str]]:
    """(conversation id, message id) of every user event in Rasa's tracker store, in order."""
    url = tracker_url.replace("postgresql://", "postgresql+psycopg2://", 1)
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT sender_id, data FROM events WHERE type_name = 'user' ORDER BY id")
        ).all()
    engine.dispose()
    return [(sender, json.loads(data).get("message_id") or "") for sender, data in rows]


def _check(stack: RunningStack, citizens: list[Citizen]) -> None:
    engine = make_engine(stack.settings.database_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(InboundMessage, Contact.external_id, Contact.conversation_id).join(
                Contact, Contact.id == InboundMessage.contact_id
            )
        ).all()
        replies = Counter(session.execute(select(OutboundMessage.inbound_id)).scalars().all())
    engine.dispose()
    problems = []
    recorded = {(contact, row.external_message_id): row for row, contact, _ in rows}
    conversation_of = {contact: conversation for _, contact, conversation in rows}
    for row, _, _ in rows:
        if row.status != "processed":
            problems.append(f"{row.external_message_id}: {row.status} ({row.last_error})")
        if replies[row.id] == 0:
            problems.append(f"{row.external_message_id}: no reply")
    events = _tracker_user_events(stack.tracker_url)
    for citizen in citizens:
        if not citizen.sent:  # opened just as the writers stopped
            continue
        contact = contact_key(citizen.token)
        mine = [recorded.get((contact, mid)) for mid in citizen.sent]
        if any(row is None for row in mine) or len(mine) != len(citizen.sent):
            problems.append(f"{citizen.name}: a message was never recorded")
            continue
        rows_in_order = [row for row in mine if row is not None]
        conversation = conversation_of[contact]
        expected = [f"in-{row.id}" for row in rows_in_order]
        seen = [mid for conv, mid in events if conv == conversation]
        if seen != expected:  # each user message once, in the order written
            problems.append(f"{citizen.name}: Rasa saw {seen} for {expected}")
        processed_at = [row.processed_at for row in rows_in_order]
        if processed_at != sorted(processed_at):
            problems.append(f"{citizen.name}: answered out of order")
    if len(recorded) != sum(len(c.sent) for c in citizens):
        problems.append(
            f"{len(recorded)} messages recorded for {sum(len(c.sent) for c in citizens)}"
        )
    assert not problems, "\n".join(problems[:40]) + f"\n{stack.logs()}"


def _run(tmp_path, **kwargs) -> dict[str, float]:
    model = latest_model_or_skip()
    stack = start_stack(
        tmp_path, model, rasa_timeout_seconds=5.0, inbox_lease_seconds=8.0, **kwargs
    )
    try:
        _wait_rasa_ready(stack, 300)
        return asyncio.run(_run_scenario(stack))
    finally:
        stack.processes.stop()


def _report(setup: str, timings: dict[str, float]) -> None:
    """Keep the measured recovery for docs/benchmarks.md (results/ is not committed)."""
    print(f"\n{setup}: {timings}")
    results = PROJECT_ROOT / "results"
    results.mkdir(exist_ok=True)
    (results / f"fault_recovery_{setup}.json").write_text(json.dumps(timings, indent=2))


def test_kill_9_each_process_under_load_on_sqlite(tmp_path):
    _report("sqlite", _run(tmp_path))


@pytest.mark.postgres
def test_kill_9_each_process_under_load_on_postgresql(tmp_path):
    reason = postgres_unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    with scratch_database("bot_fault") as database_url, scratch_database("rasa_fault") as tracker:
        timings = _run(
            tmp_path,
            database_url=database_url,
            tracker_url=tracker.replace("postgresql+psycopg2://", "postgresql://", 1),
        )
    _report("postgresql", timings)
