"""Inbox tables: contacts, inbound messages (de-duplicated per contact) and the outbox.

Every state machine has one `Enum` here, next to the column that stores it.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)

from bot.db.base import Base, UTCDateTime, utcnow


class HandledBy(str, Enum):
    """Who answers a contact: the assistant, or a person who has taken over."""

    BOT = "bot"
    OPERATOR = "operator"


class InboundKind(str, Enum):
    """What a citizen sent, as the inbox treats it."""

    TEXT = "text"  # typed text: always language understanding, never parsed as /intent{…}
    BUTTON = "button"  # the payload of a button the assistant offered to this contact
    EVENT = "event"  # something the channel reports (start, location, media…): bot/inbox/events.py


class InboundStatus(str, Enum):
    """The life of an inbound message.

    received → processing (a lease until `lease_until`) → processed | retrying | given_up.
    A contact's messages are processed in id order: a later message stays `received` while an
    earlier one is unfinished. A claim whose worker died is taken over when its lease expires.
    """

    RECEIVED = "received"
    PROCESSING = "processing"
    RETRYING = "retrying"  # failed; tried again at `next_attempt_at`
    PROCESSED = "processed"
    HANDED_OVER = "handed_over"  # arrived while a person handled the conversation
    GIVEN_UP = "given_up"  # the retry budget ran out: the citizen was told; kept for a person


UNFINISHED_INBOUND = (InboundStatus.RECEIVED, InboundStatus.PROCESSING, InboundStatus.RETRYING)


class OutboxStatus(str, Enum):
    """The life of a reply in the outbox (bot/inbox/outbox.py).

    Push channels: pending → sending (a lease until `next_attempt_at`) → sent | pending (retry)
    | failed. Pull channels (the web chat): pending → delivered when returned to the client.
    """

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"


UNFINISHED_OUTBOX = (OutboxStatus.PENDING, OutboxStatus.SENDING)


class Contact(Base):
    """A citizen on one channel, mapped to an opaque conversation id that Rasa sees."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    # The channel's user id (a Telegram chat id, a WhatsApp number); for the web chat the
    # SHA-256 of the conversation's secret token, so a stolen database grants no access.
    external_id = Column(String(128), nullable=False)
    conversation_id = Column(String(64), nullable=False, unique=True)
    handled_by = Column(String(16), nullable=False, default=HandledBy.BOT.value)
    active = Column(Boolean, nullable=False, default=True)
    language = Column(String(8), nullable=False, default="id")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)


class InboundMessage(Base):
    """One message from a citizen; unique per contact and the channel's message id."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("contact_id", "external_message_id"),
        Index("ix_inbound_messages_status_next_attempt", "status", "next_attempt_at"),
        Index("ix_inbound_messages_contact_id_status", "contact_id", "status"),
    )

    id = Column(Integer, primary_key=True)
    contact_id = Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False)
    channel = Column(String(32), nullable=False)
    external_message_id = Column(String(128), nullable=False)
    kind = Column(String(16), nullable=False, default=InboundKind.TEXT.value)
    text = Column(Text, nullable=True)  # typed text, or a channel event's detail
    payload = Column(Text, nullable=True)  # a button's payload, or a channel event's name
    status = Column(String(16), nullable=False, default=InboundStatus.RECEIVED.value)
    attempts = Column(Integer, nullable=False, default=0)  # times handed to Rasa
    failures = Column(Integer, nullable=False, default=0)  # failures that count to the budget
    last_error = Column(String(500), nullable=True)
    received_at = Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_at = Column(UTCDateTime, nullable=True)
    lease_until = Column(UTCDateTime, nullable=True)
    next_attempt_at = Column(UTCDateTime, nullable=True)
    processed_at = Column(UTCDateTime, nullable=True)


class OutboundMessage(Base):
    """A reply waiting for, or done with, delivery through its channel (the outbox)."""

    __tablename__ = "outbound_messages"
    __table_args__ = (
        Index("ix_outbound_messages_contact_id_id", "contact_id", "id"),
        Index("ix_outbound_messages_status_next_attempt", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    contact_id = Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False)
    inbound_id = Column(
        Integer, ForeignKey("inbound_messages.id", ondelete="SET NULL"), nullable=True
    )
    channel = Column(String(32), nullable=False)
    # {"text": str | None, "buttons": [{"title": str, "payload": str}], "image": str | None}
    body = Column(JSON, nullable=False)
    status = Column(String(16), nullable=False, default=OutboxStatus.PENDING.value)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(500), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    next_attempt_at = Column(UTCDateTime, nullable=True)
    sent_at = Column(UTCDateTime, nullable=True)
