"""Inbox records and claims: once per contact, in order, leases taken over, nothing doubled."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from bot.inbox import outbox, store
from bot.inbox.messages import Button, Inbound, Reply
from bot.inbox.models import InboundStatus
from bot.inbox.payloads import PayloadRefused

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
LEASE = timedelta(seconds=60)


def _text(message_id: str = "m1", user: str = "u1", text: str = "halo") -> Inbound:
    return Inbound.typed("webchat", user, message_id, text)


def _record(factory, message: Inbound, now: datetime = NOW) -> store.Recorded:
    with factory.begin() as session:
        return store.record(session=session, message=message, now=now, lease=LEASE)


def _complete(factory, claim: store.Claim, *texts: str) -> store.Completed:
    with factory.begin() as session:
        return store.complete(
            session=session,
            claim=claim,
            replies=[Reply(text=t) for t in texts],
            delivered=False,
            now=NOW,
        )


def test_the_same_message_id_from_two_contacts_is_two_messages(session_factory):
    alice = _record(session_factory, _text("1", user="alice", text="paspor saya hilang"))
    bob = _record(session_factory, _text("1", user="bob", text="halo"))
    assert alice.claim is not None and bob.claim is not None
    assert not bob.duplicate
    assert alice.claim.conversation_id != bob.claim.conversation_id
    assert bob.claim.text == "halo"


def test_a_second_delivery_is_a_duplicate_with_the_replies_so_far(session_factory):
    first = _record(session_factory, _text())
    assert first.claim is not None
    while_processing = _record(session_factory, _text())
    assert while_processing.duplicate and while_processing.status == InboundStatus.PROCESSING
    _complete(session_factory, first.claim, "jawaban")
    again = _record(session_factory, _text())
    assert again.duplicate and again.status == InboundStatus.PROCESSED
    assert [r.reply.text for r in again.replies] == ["jawaban"]
    assert again.replies[0].in_reply_to == "m1"


def test_a_later_message_waits_until_the_earlier_one_is_finished(session_factory):
    first = _record(session_factory, _text("m1"))
    second = _record(session_factory, _text("m2"))
    assert first.claim is not None
    assert second.claim is None and second.status == InboundStatus.RECEIVED
    with session_factory.begin() as session:
        assert store.claim_head(session=session, contact_id=first.claim.contact_id, now=NOW,
                                lease=LEASE) is None  # fmt: skip
    done = _complete(session_factory, first.claim, "satu")
    assert done.more_waiting
    with session_factory.begin() as session:
        claim = store.claim_head(
            session=session, contact_id=first.claim.contact_id, now=NOW, lease=LEASE
        )
    assert claim is not None and claim.external_message_id == "m2"


def test_a_message_retrying_blocks_the_ones_behind_it_until_its_time(session_factory):
    first = _record(session_factory, _text("m1"))
    _record(session_factory, _text("m2"))
    assert first.claim is not None
    at = NOW + timedelta(seconds=30)
    with session_factory.begin() as session:
        store.retry_later(session=session, claim=first.claim, error="down", at=at, counts=True)
    with session_factory.begin() as session:
        assert store.due_heads(session=session, now=NOW, limit=10) == []
        assert store.due_heads(session=session, now=at, limit=10) == [first.claim.contact_id]
        claim = store.claim_head(
            session=session, contact_id=first.claim.contact_id, now=at, lease=LEASE
        )
    assert claim is not None and claim.external_message_id == "m1"
    assert (claim.attempts, claim.failures) == (2, 1)


def test_an_expired_claim_is_taken_over_and_the_old_worker_cannot_finish_it(session_factory):
    first = _record(session_factory, _text())
    assert first.claim is not None
    later = NOW + LEASE + timedelta(seconds=1)
    with session_factory.begin() as session:
        assert store.due_heads(session=session, now=NOW, limit=10) == []
        assert store.due_heads(session=session, now=later, limit=10) == [first.claim.contact_id]
        taken = store.claim_head(
            session=session, contact_id=first.claim.contact_id, now=later, lease=LEASE
        )
    assert taken is not None and taken.attempts == 2
    lost = _complete(session_factory, first.claim, "dari pekerja yang mati")
    assert lost.lost and lost.replies == ()
    kept = _complete(session_factory, taken, "dari pekerja baru")
    assert not kept.lost
    with session_factory.begin() as session:
        replies = outbox.replies_to(session=session, inbound_id=taken.inbound_id)
    assert [r.reply.text for r in replies] == ["dari pekerja baru"]


def test_released_claims_are_due_at_once(session_factory):
    first = _record(session_factory, _text())
    assert first.claim is not None
    with session_factory.begin() as session:
        assert store.release(session=session, claims=[first.claim], now=NOW) == 1
        assert store.due_heads(session=session, now=NOW, limit=10) == [first.claim.contact_id]


def test_a_claim_taken_over_meanwhile_is_not_given_back_by_the_old_worker(session_factory):
    first = _record(session_factory, _text())
    assert first.claim is not None
    later = NOW + LEASE + timedelta(seconds=1)
    with session_factory.begin() as session:
        taken = store.claim_head(
            session=session, contact_id=first.claim.contact_id, now=later, lease=LEASE
        )
        assert taken is not None
        assert store.release(session=session, claims=[first.claim], now=later) == 0
        assert store.release(session=session, claims=[taken], now=later) == 1


def test_due_heads_are_oldest_first_and_skip_busy_contacts(session_factory):
    claims = [_record(session_factory, _text("m", user=f"u{i}")).claim for i in range(3)]
    ids = []
    with session_factory.begin() as session:
        for claim in claims:
            assert claim is not None
            store.release(session=session, claims=[claim], now=NOW)
            ids.append(claim.contact_id)
        assert store.due_heads(session=session, now=NOW, limit=2) == ids[:2]
        assert (
            store.due_heads(session=session, now=NOW, limit=2, exclude=frozenset(ids[:1]))
            == ids[1:]
        )


def test_a_button_is_recorded_only_when_it_was_offered_to_that_contact(session_factory):
    first = _record(session_factory, _text("m1", user="alice"))
    assert first.claim is not None
    with session_factory.begin() as session:
        store.complete(
            session=session, claim=first.claim, now=NOW, delivered=True,
            replies=[Reply(text="?", buttons=(Button("Kuota", "/ask_quota"),))],
        )  # fmt: skip
    offered = Inbound.button("webchat", "alice", "m2", "/ask_quota")
    assert _record(session_factory, offered).claim is not None
    with pytest.raises(PayloadRefused):
        _record(session_factory, Inbound.button("webchat", "bob", "m2", "/ask_quota"))
    with pytest.raises(PayloadRefused):
        _record(session_factory, Inbound.button("webchat", "alice", "m3", "/restart"))


def test_completing_sets_the_language_and_the_given_up_state(session_factory):
    first = _record(session_factory, _text())
    assert first.claim is not None
    with session_factory.begin() as session:
        store.complete(
            session=session, claim=first.claim, replies=[], delivered=False, now=NOW,
            status=InboundStatus.GIVEN_UP, language="en",
        )  # fmt: skip
    again = _record(session_factory, _text("m2"))
    assert again.claim is not None and again.claim.language == "en"
    assert again.claim.failures == 0
