"""Inbox claims: each delivery processed once, failures kept and retried, then given up."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.inbox import store
from bot.inbox.messages import IncomingMessage, Reply

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
STALE = timedelta(minutes=2)


def _message(message_id: str = "m1", user: str = "u1") -> IncomingMessage:
    return IncomingMessage(channel="webchat", user_id=user, message_id=message_id, text="halo")


def test_second_delivery_while_processing_is_busy(session_factory):
    with session_factory.begin() as session:
        first = store.claim_inbound(session=session, message=_message(), now=NOW, stale_after=STALE)
    with session_factory.begin() as session:
        second = store.claim_inbound(
            session=session, message=_message(), now=NOW + timedelta(seconds=5), stale_after=STALE
        )
    assert (first.outcome, second.outcome) == ("process", "busy")
    assert first.inbound_id == second.inbound_id


def test_a_stale_claim_is_taken_over(session_factory):
    with session_factory.begin() as session:
        store.claim_inbound(session=session, message=_message(), now=NOW, stale_after=STALE)
    with session_factory.begin() as session:
        later = store.claim_inbound(
            session=session, message=_message(), now=NOW + timedelta(minutes=3), stale_after=STALE
        )
    assert later.outcome == "process"


def test_completed_message_returns_its_replies_as_duplicate(session_factory):
    with session_factory.begin() as session:
        claim = store.claim_inbound(session=session, message=_message(), now=NOW, stale_after=STALE)
        store.complete_inbound(
            session=session,
            inbound_id=claim.inbound_id,
            replies=[Reply(text="satu"), Reply(text="dua")],
            delivered=True,
            now=NOW,
        )
    with session_factory.begin() as session:
        again = store.claim_inbound(session=session, message=_message(), now=NOW, stale_after=STALE)
    assert again.outcome == "duplicate"
    assert [r.reply.text for r in again.replies] == ["satu", "dua"]


def test_failures_back_off_then_give_up(session_factory):
    delays = []
    with session_factory.begin() as session:
        claim = store.claim_inbound(session=session, message=_message(), now=NOW, stale_after=STALE)
    now = NOW
    for _ in range(3):
        with session_factory.begin() as session:
            delays.append(
                store.fail_inbound(
                    session=session,
                    inbound_id=claim.inbound_id,
                    error="down",
                    now=now,
                    max_attempts=3,
                )
            )
        now += timedelta(hours=1)
        with session_factory.begin() as session:
            assert store.due_retries(session=session, now=now) == (
                [claim.inbound_id] if delays[-1] is not None else []
            )
            if delays[-1] is not None:
                retry = store.claim_retry(
                    session=session, inbound_id=claim.inbound_id, now=now, stale_after=STALE
                )
                assert retry is not None and retry.content == "halo"
    assert delays == [5, 15, None]


def test_retry_not_due_yet_is_not_returned(session_factory):
    with session_factory.begin() as session:
        claim = store.claim_inbound(session=session, message=_message(), now=NOW, stale_after=STALE)
        store.fail_inbound(
            session=session, inbound_id=claim.inbound_id, error="x", now=NOW, max_attempts=5
        )
    with session_factory.begin() as session:
        assert store.due_retries(session=session, now=NOW + timedelta(seconds=4)) == []
        assert store.due_retries(session=session, now=NOW + timedelta(seconds=5)) == [
            claim.inbound_id
        ]


def test_each_user_gets_a_distinct_stable_conversation_id(session_factory):
    with session_factory.begin() as session:
        a1 = store.claim_inbound(
            session=session, message=_message("1", "a"), now=NOW, stale_after=STALE
        )
        a2 = store.claim_inbound(
            session=session, message=_message("2", "a"), now=NOW, stale_after=STALE
        )
        b = store.claim_inbound(
            session=session, message=_message("3", "b"), now=NOW, stale_after=STALE
        )
    assert a1.conversation_id == a2.conversation_id != b.conversation_id
    assert len(a1.conversation_id) == 32
