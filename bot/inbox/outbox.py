"""The outbox: replies waiting for, or done with, delivery (every database step of it).

States are `OutboxStatus` (bot/inbox/models.py). Push channels (Telegram, WhatsApp): a row
moves pending → sending (a lease until `next_attempt_at`) → sent | pending (retry) | failed.
Only the oldest unfinished row of a contact is ever claimed, so one contact's replies leave in
id order even while an earlier one waits for its retry. Pull channels (the web chat): pending →
delivered when the client receives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.inbox.messages import Reply, StoredReply
from bot.inbox.models import (
    UNFINISHED_OUTBOX,
    Contact,
    InboundMessage,
    OutboundMessage,
    OutboxStatus,
)

Out = OutboxStatus
UNFINISHED = [s.value for s in UNFINISHED_OUTBOX]
PROGRESS_KEY = "delivery"  # body[PROGRESS_KEY] = {"parts_sent": n} for multi-part messages


@dataclass(frozen=True)
class Outgoing:
    """One claimed reply, ready for a channel's send function."""

    id: int
    contact_id: int
    recipient: str  # the channel's user/chat id (contacts.external_id)
    reply: Reply
    attempts: int  # including this one
    parts_sent: int = 0  # parts of a split message already delivered by earlier attempts


# ----- writing replies --------------------------------------------------------------------


def add_replies(
    *,
    session: Session,
    inbound: InboundMessage,
    replies: list[Reply],
    delivered: bool,
    now: datetime,
) -> tuple[StoredReply, ...]:
    """Queue a message's replies (or record them delivered, for a synchronous answer)."""
    stored = []
    for reply in replies:
        row = OutboundMessage(
            contact_id=inbound.contact_id,
            inbound_id=inbound.id,
            channel=inbound.channel,
            body=reply.to_json(),
            status=(Out.DELIVERED if delivered else Out.PENDING).value,
            attempts=0,
            created_at=now,
            next_attempt_at=None if delivered else now,
            sent_at=now if delivered else None,
        )
        session.add(row)
        session.flush()
        stored.append(StoredReply(id=row.id, reply=reply, in_reply_to=inbound.external_message_id))
    return tuple(stored)


def _stored(rows: Any) -> tuple[StoredReply, ...]:
    return tuple(
        StoredReply(id=row.id, reply=Reply.from_json(row.body), in_reply_to=in_reply_to)
        for row, in_reply_to in rows
    )


def replies_to(*, session: Session, inbound_id: int) -> tuple[StoredReply, ...]:
    """Return the replies of one inbound message, in order."""
    rows = session.execute(
        select(OutboundMessage, InboundMessage.external_message_id)
        .join(InboundMessage, InboundMessage.id == OutboundMessage.inbound_id)
        .where(OutboundMessage.inbound_id == inbound_id)
        .order_by(OutboundMessage.id)
    ).all()
    return _stored(rows)


def fetch_after(
    *, session: Session, contact_id: int, after_id: int, limit: int = 50
) -> tuple[StoredReply, ...]:
    """Return a contact's replies with an id above `after_id`; pending ones become delivered."""
    rows = session.execute(
        select(OutboundMessage, InboundMessage.external_message_id)
        .outerjoin(InboundMessage, InboundMessage.id == OutboundMessage.inbound_id)
        .where(OutboundMessage.contact_id == contact_id, OutboundMessage.id > after_id)
        .order_by(OutboundMessage.id)
        .limit(limit)
    ).all()
    pending = [row.id for row, _ in rows if row.status == Out.PENDING.value]
    if pending:
        session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id.in_(pending), OutboundMessage.status == Out.PENDING.value)
            .values(status=Out.DELIVERED.value, next_attempt_at=None)
            .execution_options(synchronize_session=False)
        )
    return _stored(rows)


# ----- push delivery ----------------------------------------------------------------------


def claim_due(
    *,
    session: Session,
    channel: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    exclude_contacts: frozenset[int] = frozenset(),
) -> list[Outgoing]:
    """Claim the oldest unfinished reply of each contact whose time has come (compare-and-set).

    A row another worker holds is skipped until its lease runs out; a crashed worker's rows
    are taken over then. `exclude_contacts` are contacts that must wait (per-chat rate limit).
    """
    heads = (
        select(func.min(OutboundMessage.id))
        .where(OutboundMessage.channel == channel, OutboundMessage.status.in_(UNFINISHED))
        .group_by(OutboundMessage.contact_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(OutboundMessage, Contact.external_id)
        .join(Contact, Contact.id == OutboundMessage.contact_id)
        .where(OutboundMessage.id.in_(heads), OutboundMessage.next_attempt_at <= now)
        .order_by(OutboundMessage.id)
        .limit(limit + len(exclude_contacts))
    ).all()
    claimed: list[Outgoing] = []
    for row, recipient in rows:
        if row.contact_id in exclude_contacts or len(claimed) >= limit:
            continue
        taken = session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.id == row.id,
                OutboundMessage.status.in_(UNFINISHED),
                OutboundMessage.next_attempt_at <= now,
            )
            .values(
                status=Out.SENDING.value,
                next_attempt_at=now + lease,
                attempts=OutboundMessage.attempts + 1,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken != 1:
            continue  # another worker claimed it between our select and update
        progress = (row.body or {}).get(PROGRESS_KEY) or {}
        claimed.append(
            Outgoing(
                id=row.id,
                contact_id=row.contact_id,
                recipient=recipient,
                reply=Reply.from_json(row.body),
                attempts=row.attempts + 1,
                parts_sent=int(progress.get("parts_sent", 0)),
            )
        )
    return claimed


def _set_progress(row: OutboundMessage, parts_sent: int) -> None:
    body: dict[str, Any] = dict(row.body or {})
    body[PROGRESS_KEY] = {"parts_sent": parts_sent}
    row.body = body  # a new object, so the JSON column is written


def mark_sent(*, session: Session, outbound_id: int, now: datetime) -> None:
    """Record a successful delivery."""
    row = session.get(OutboundMessage, outbound_id)
    if row is not None:
        row.status, row.sent_at, row.next_attempt_at, row.last_error = (
            Out.SENT.value,
            now,
            None,
            None,
        )


def reschedule(
    *, session: Session, outbound_id: int, at: datetime, error: str, parts_sent: int
) -> None:
    """Put a reply back in the queue for another attempt at `at`."""
    _set_outcome(session, outbound_id, Out.PENDING, at, error, parts_sent)


def mark_failed(*, session: Session, outbound_id: int, error: str, parts_sent: int = 0) -> None:
    """Give up on one reply."""
    _set_outcome(session, outbound_id, Out.FAILED, None, error, parts_sent)


def _set_outcome(
    session: Session,
    outbound_id: int,
    status: OutboxStatus,
    next_attempt_at: datetime | None,
    error: str,
    parts_sent: int,
) -> None:
    row = session.get(OutboundMessage, outbound_id)
    if row is None:
        return
    row.status, row.next_attempt_at, row.last_error = status.value, next_attempt_at, error[:500]
    if parts_sent:
        _set_progress(row, parts_sent)


def release(*, session: Session, outbound_ids: list[int], now: datetime) -> int:
    """Give leases back (a stopping sender): the rows are due again at once."""
    if not outbound_ids:
        return 0
    return int(
        session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.id.in_(outbound_ids),
                OutboundMessage.status == Out.SENDING.value,
            )
            .values(status=Out.PENDING.value, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def deactivate_contact(*, session: Session, contact_id: int, error: str) -> int:
    """Mark a contact unreachable (blocked the bot); fail its unsent replies. Return how many."""
    contact = session.get(Contact, contact_id)
    if contact is not None:
        contact.active = False
    return int(
        session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.contact_id == contact_id,
                OutboundMessage.status.in_(UNFINISHED),
            )
            .values(status=Out.FAILED.value, next_attempt_at=None, last_error=error[:500])
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def next_due_at(*, session: Session, channel: str) -> datetime | None:
    """Return when the next unfinished reply of the channel becomes due (None when idle)."""
    return session.execute(
        select(func.min(OutboundMessage.next_attempt_at)).where(
            OutboundMessage.channel == channel, OutboundMessage.status.in_(UNFINISHED)
        )
    ).scalar_one_or_none()


def button_payload(
    *, session: Session, channel: str, recipient: str, outbound_id: int, index: int
) -> str | None:
    """Return the payload of button `index` of a reply sent to `recipient`, else None."""
    body = session.execute(
        select(OutboundMessage.body)
        .join(Contact, Contact.id == OutboundMessage.contact_id)
        .where(
            OutboundMessage.id == outbound_id,
            OutboundMessage.channel == channel,
            Contact.channel == channel,
            Contact.external_id == recipient,
        )
    ).scalar_one_or_none()
    if not isinstance(body, dict):
        return None
    buttons = Reply.from_json(body).buttons
    if not 0 <= index < len(buttons):
        return None
    return buttons[index].payload or None
