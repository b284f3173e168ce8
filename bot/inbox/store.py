"""Database work of the inbox: record, claim, complete and retry inbound messages.

Guarantees (each backed by one statement, so they hold across gateway replicas):
- A message is recorded once per (contact, channel message id); the same id from another
  contact is that contact's own message.
- A contact's messages are processed in id order: a message is claimed only when no earlier
  message of the contact is unfinished (`claim_head`).
- A claim is a lease: a worker that dies leaves `processing` with `lease_until` in the past,
  and the next `due_heads` pass takes it over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.inbox import contacts, outbox
from bot.inbox.messages import Inbound, Reply, StoredReply
from bot.inbox.models import (
    UNFINISHED_INBOUND,
    Contact,
    InboundKind,
    InboundMessage,
    InboundStatus,
)
from bot.inbox.payloads import check_offered

S = InboundStatus


@dataclass(frozen=True)
class Claim:
    """The right to process one inbound message (held until `lease_until`)."""

    inbound_id: int
    contact_id: int
    conversation_id: str
    handled_by: str
    channel: str
    language: str
    kind: InboundKind
    text: str | None
    payload: str | None
    external_message_id: str
    attempts: int  # including this one
    failures: int  # earlier failures that counted against the retry budget

    @property
    def rasa_message_id(self) -> str:
        """The id Rasa stores on the user event, so a retry can find an earlier answer."""
        return f"in-{self.inbound_id}"


@dataclass(frozen=True)
class Recorded:
    """The result of recording a message: a claim to process it now, or why not."""

    status: InboundStatus
    claim: Claim | None = None
    duplicate: bool = False
    replies: tuple[StoredReply, ...] = ()


def _claim(contact: Contact, row: InboundMessage) -> Claim:
    return Claim(
        inbound_id=row.id,
        contact_id=contact.id,
        conversation_id=contact.conversation_id,
        handled_by=contact.handled_by,
        channel=row.channel,
        language=contact.language,
        kind=InboundKind(row.kind),
        text=row.text,
        payload=row.payload,
        external_message_id=row.external_message_id,
        attempts=row.attempts,
        failures=row.failures,
    )


def _earlier_unfinished(contact_id: int, inbound_id: int):  # noqa: ANN202 - a SQL expression
    earlier = InboundMessage.__table__.alias("earlier")
    return (
        select(earlier.c.id)
        .where(
            earlier.c.contact_id == contact_id,
            earlier.c.id < inbound_id,
            earlier.c.status.in_([s.value for s in UNFINISHED_INBOUND]),
        )
        .exists()
    )


def record(*, session: Session, message: Inbound, now: datetime, lease: timedelta) -> Recorded:
    """Record an incoming message once; claim it when no earlier message of its contact waits.

    Raises PayloadRefused for a button payload this contact was not offered (nothing is kept).
    """
    contact = contacts.get_or_create(
        session=session, channel=message.channel, external_id=message.user_id, lock=True
    )
    contact.last_seen_at = now
    contact.active = True  # it wrote to us: reachable again even if it had blocked the bot
    if message.language:
        contact.language = message.language
    existing = session.execute(
        select(InboundMessage).where(
            InboundMessage.contact_id == contact.id,
            InboundMessage.external_message_id == message.message_id,
        )
    ).scalar_one_or_none()
    if existing is not None:
        return Recorded(
            status=S(existing.status),
            duplicate=True,
            replies=outbox.replies_to(session=session, inbound_id=existing.id),
        )
    if message.kind == InboundKind.BUTTON:
        check_offered(session=session, contact_id=contact.id, payload=message.payload or "")
    row = InboundMessage(
        contact_id=contact.id,
        channel=message.channel,
        external_message_id=message.message_id,
        kind=message.kind.value,
        text=message.text,
        payload=message.payload,
        status=S.RECEIVED.value,
        attempts=0,
        failures=0,
        received_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # the same delivery reached another replica a moment ago
        return Recorded(status=S.PROCESSING, duplicate=True)
    head = not session.execute(select(_earlier_unfinished(contact.id, row.id))).scalar()
    if not head:
        return Recorded(status=S.RECEIVED)
    row.status, row.attempts = S.PROCESSING.value, 1
    row.claimed_at, row.lease_until = now, now + lease
    return Recorded(status=S.PROCESSING, claim=_claim(contact, row))


def _eligible(now: datetime):  # noqa: ANN202 - a SQL expression
    return or_(
        InboundMessage.status == S.RECEIVED.value,
        and_(InboundMessage.status == S.RETRYING.value, InboundMessage.next_attempt_at <= now),
        and_(InboundMessage.status == S.PROCESSING.value, InboundMessage.lease_until < now),
    )


def due_heads(
    *, session: Session, now: datetime, limit: int, exclude: frozenset[int] = frozenset()
) -> list[int]:
    """Return contacts whose oldest unfinished message may be claimed now, oldest first."""
    heads = (
        select(func.min(InboundMessage.id))
        .where(InboundMessage.status.in_([s.value for s in UNFINISHED_INBOUND]))
        .group_by(InboundMessage.contact_id)
        .scalar_subquery()
    )
    query = (
        select(InboundMessage.contact_id)
        .where(InboundMessage.id.in_(heads), _eligible(now))
        .order_by(InboundMessage.id)
        .limit(limit + len(exclude))
    )
    return [c for c in session.execute(query).scalars() if c not in exclude][:limit]


def claim_head(
    *, session: Session, contact_id: int, now: datetime, lease: timedelta
) -> Claim | None:
    """Claim the contact's oldest unfinished message when it may be processed now (CAS)."""
    row = session.execute(
        select(InboundMessage)
        .where(
            InboundMessage.contact_id == contact_id,
            InboundMessage.status.in_([s.value for s in UNFINISHED_INBOUND]),
        )
        .order_by(InboundMessage.id)
        .limit(1)
    ).scalar_one_or_none()
    if row is None:
        return None
    taken = session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == row.id, _eligible(now))
        .values(
            status=S.PROCESSING.value,
            claimed_at=now,
            lease_until=now + lease,
            attempts=InboundMessage.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        return None
    session.refresh(row)
    contact = session.get(Contact, contact_id)
    assert contact is not None
    return _claim(contact, row)


@dataclass(frozen=True)
class Completed:
    """The stored replies of a processed message, and whether the contact has more waiting."""

    replies: tuple[StoredReply, ...]
    more_waiting: bool
    lost: bool = False  # the claim had expired and another worker took the message


def _held(session: Session, claim: Claim) -> InboundMessage | None:
    """Return the claimed row, or None when the claim was lost (expired and taken over)."""
    row = session.get(InboundMessage, claim.inbound_id, with_for_update=True)
    if row is None or row.status != S.PROCESSING.value or row.attempts != claim.attempts:
        return None
    return row


def complete(
    *,
    session: Session,
    claim: Claim,
    replies: list[Reply],
    delivered: bool,
    now: datetime,
    status: InboundStatus = S.PROCESSED,
    language: str | None = None,
) -> Completed:
    """Put the replies in the outbox and finish the message, in one transaction."""
    row = _held(session, claim)
    if row is None:
        return Completed(replies=(), more_waiting=True, lost=True)
    if language is not None:
        contact = session.get(Contact, row.contact_id)
        if contact is not None:
            contact.language = language
    if status == S.GIVEN_UP:
        row.failures += 1
    stored = outbox.add_replies(
        session=session, inbound=row, replies=replies, delivered=delivered, now=now
    )
    row.status, row.processed_at = status.value, now
    row.lease_until = row.next_attempt_at = None
    if status == S.PROCESSED:
        row.last_error = None
    more = session.execute(
        select(InboundMessage.id)
        .where(
            InboundMessage.contact_id == row.contact_id,
            InboundMessage.status.in_([s.value for s in UNFINISHED_INBOUND]),
        )
        .limit(1)
    ).first()
    return Completed(replies=stored, more_waiting=more is not None)


def retry_later(*, session: Session, claim: Claim, error: str, at: datetime, counts: bool) -> int:
    """Keep a message whose processing failed for another try at `at`; return its failures."""
    row = _held(session, claim)
    if row is None:
        return claim.failures
    if counts:
        row.failures += 1
    row.status, row.next_attempt_at, row.lease_until = S.RETRYING.value, at, None
    row.last_error = error[:500]
    return int(row.failures)


def release(*, session: Session, claims: list[Claim], now: datetime) -> int:
    """Give claims back (a stopping worker): retried at once by whoever runs next.

    A claim that expired and was taken over meanwhile (another attempt) is left alone.
    """
    released = 0
    for claim in claims:
        released += session.execute(
            update(InboundMessage)
            .where(
                InboundMessage.id == claim.inbound_id,
                InboundMessage.status == S.PROCESSING.value,
                InboundMessage.attempts == claim.attempts,
            )
            .values(status=S.RETRYING.value, next_attempt_at=now, lease_until=None)
            .execution_options(synchronize_session=False)
        ).rowcount
    return released


def unfinished_count(*, session: Session, contact_id: int) -> int:
    """Return how many of a contact's messages still wait for an answer."""
    return int(
        session.execute(
            select(func.count(InboundMessage.id)).where(
                InboundMessage.contact_id == contact_id,
                InboundMessage.status.in_([s.value for s in UNFINISHED_INBOUND]),
            )
        ).scalar_one()
    )
