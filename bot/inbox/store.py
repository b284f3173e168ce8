"""Database work of the inbox: claiming, completing and retrying messages; the outbox."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.inbox.messages import IncomingMessage, Reply, StoredReply
from bot.inbox.models import Contact, InboundMessage, OutboundMessage

RETRY_BACKOFF_SECONDS = (5, 15, 60, 300, 900)


@dataclass(frozen=True)
class Claim:
    """The right (or not) to process one inbound message.

    outcome: "process" (this worker answers it), "duplicate" (already answered), "busy"
    (another worker holds a fresh claim on it).
    """

    outcome: str
    inbound_id: int
    contact_id: int
    conversation_id: str
    handled_by: str
    content: str
    channel: str
    language: str
    replies: tuple[StoredReply, ...] = ()


def get_or_create_contact(*, session: Session, channel: str, external_id: str) -> Contact:
    """Return the contact for a channel user, creating it with a fresh opaque conversation id."""
    query = select(Contact).where(Contact.channel == channel, Contact.external_id == external_id)
    contact = session.execute(query).scalar_one_or_none()
    if contact is not None:
        return contact
    try:
        with session.begin_nested():
            contact = Contact(
                channel=channel,
                external_id=external_id,
                conversation_id=uuid.uuid4().hex,
                handled_by="bot",
                active=True,
                language="id",
            )
            session.add(contact)
    except IntegrityError:  # another replica created it first
        contact = session.execute(query).scalar_one()
    return contact


def _replies_of(session: Session, inbound_id: int) -> tuple[StoredReply, ...]:
    rows = session.execute(
        select(OutboundMessage)
        .where(OutboundMessage.inbound_id == inbound_id)
        .order_by(OutboundMessage.id)
    ).scalars()
    return tuple(StoredReply(id=row.id, reply=Reply.from_json(row.body)) for row in rows)


def _claim(contact: Contact, row: InboundMessage, outcome: str, **extra: object) -> Claim:
    return Claim(
        outcome=outcome,
        inbound_id=row.id,
        contact_id=contact.id,
        conversation_id=contact.conversation_id,
        handled_by=contact.handled_by,
        content=row.payload or row.text or "",
        channel=row.channel,
        language=contact.language,
        **extra,  # type: ignore[arg-type]
    )


def _try_take(session: Session, row: InboundMessage, now: datetime, stale_after: timedelta) -> bool:
    """Atomically move a message to "processing" unless a fresh claim exists (compare-and-set)."""
    result = session.execute(
        update(InboundMessage)
        .where(
            InboundMessage.id == row.id,
            InboundMessage.status != "processed",
            or_(
                InboundMessage.status != "processing",
                InboundMessage.claimed_at.is_(None),
                InboundMessage.claimed_at < now - stale_after,
            ),
        )
        .values(status="processing", claimed_at=now, attempts=InboundMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    taken = result.rowcount == 1
    session.refresh(row)
    return taken


def claim_inbound(
    *, session: Session, message: IncomingMessage, now: datetime, stale_after: timedelta
) -> Claim:
    """Record an incoming message once; tell the caller whether to process it."""
    contact = get_or_create_contact(
        session=session, channel=message.channel, external_id=message.user_id
    )
    contact.last_seen_at = now
    if message.language:
        contact.language = message.language
    query = select(InboundMessage).where(
        InboundMessage.channel == message.channel,
        InboundMessage.external_message_id == message.message_id,
    )
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        try:
            with session.begin_nested():
                row = InboundMessage(
                    contact_id=contact.id,
                    channel=message.channel,
                    external_message_id=message.message_id,
                    text=message.text,
                    payload=message.payload,
                    status="processing",
                    attempts=1,
                    received_at=now,
                    claimed_at=now,
                )
                session.add(row)
            return _claim(contact, row, "process")
        except IntegrityError:  # the same delivery arrived at another replica
            row = session.execute(query).scalar_one()
    if row.status == "processed":
        return _claim(contact, row, "duplicate", replies=_replies_of(session, row.id))
    if _try_take(session, row, now, stale_after):
        return _claim(contact, row, "process")
    return _claim(contact, row, "busy")


def complete_inbound(
    *, session: Session, inbound_id: int, replies: list[Reply], delivered: bool, now: datetime
) -> tuple[StoredReply, ...]:
    """Put the replies in the outbox and mark the message processed, in one transaction."""
    row = session.get(InboundMessage, inbound_id)
    if row is None:
        raise LookupError(f"inbound message {inbound_id} does not exist")
    stored = []
    for reply in replies:
        outbound = OutboundMessage(
            contact_id=row.contact_id,
            inbound_id=row.id,
            channel=row.channel,
            body=reply.to_json(),
            status="delivered" if delivered else "pending",
            attempts=0,
            created_at=now,
            next_attempt_at=None if delivered else now,
            sent_at=now if delivered else None,
        )
        session.add(outbound)
        session.flush()
        stored.append(StoredReply(id=outbound.id, reply=reply))
    row.status = "processed"
    row.processed_at = now
    row.last_error = None
    return tuple(stored)


def fail_inbound(
    *, session: Session, inbound_id: int, error: str, now: datetime, max_attempts: int
) -> int | None:
    """Keep a message whose processing failed; return seconds until its retry (None if dead)."""
    row = session.get(InboundMessage, inbound_id)
    if row is None:
        raise LookupError(f"inbound message {inbound_id} does not exist")
    row.last_error = error[:500]
    row.claimed_at = None
    if row.attempts >= max_attempts:
        row.status = "dead"
        row.next_attempt_at = None
        return None
    delay = RETRY_BACKOFF_SECONDS[min(row.attempts, len(RETRY_BACKOFF_SECONDS)) - 1]
    row.status = "failed"
    row.next_attempt_at = now + timedelta(seconds=delay)
    return delay


def due_retries(*, session: Session, now: datetime, limit: int = 20) -> list[int]:
    """Return ids of failed messages whose retry time has come, oldest first."""
    return list(
        session.execute(
            select(InboundMessage.id)
            .where(InboundMessage.status == "failed", InboundMessage.next_attempt_at <= now)
            .order_by(InboundMessage.id)
            .limit(limit)
        ).scalars()
    )


def claim_retry(
    *, session: Session, inbound_id: int, now: datetime, stale_after: timedelta
) -> Claim | None:
    """Claim a failed message for another attempt; None when someone else took it."""
    row = session.get(InboundMessage, inbound_id)
    if row is None or row.status != "failed":
        return None
    if not _try_take(session, row, now, stale_after):
        return None
    contact = session.get(Contact, row.contact_id)
    assert contact is not None
    return _claim(contact, row, "process")


def outbox_after(
    *, session: Session, channel: str, user_id: str, after_id: int, limit: int = 50
) -> tuple[StoredReply, ...]:
    """Return a contact's replies with an id above `after_id`; mark pending ones delivered."""
    contact = session.execute(
        select(Contact).where(Contact.channel == channel, Contact.external_id == user_id)
    ).scalar_one_or_none()
    if contact is None:
        return ()
    rows = list(
        session.execute(
            select(OutboundMessage)
            .where(and_(OutboundMessage.contact_id == contact.id, OutboundMessage.id > after_id))
            .order_by(OutboundMessage.id)
            .limit(limit)
        ).scalars()
    )
    for row in rows:
        if row.status == "pending":
            row.status = "delivered"
    return tuple(StoredReply(id=row.id, reply=Reply.from_json(row.body)) for row in rows)
