"""Inbox tables: contacts, inbound messages (de-duplicated) and the outbox."""

from __future__ import annotations

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


class Contact(Base):
    """A citizen on one channel, mapped to an opaque conversation id that Rasa sees."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    external_id = Column(String(128), nullable=False)
    conversation_id = Column(String(64), nullable=False, unique=True)
    # "bot" while the assistant answers; "operator" while a person has taken over.
    handled_by = Column(String(16), nullable=False, default="bot")
    active = Column(Boolean, nullable=False, default=True)
    language = Column(String(8), nullable=False, default="id")
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at = Column(UTCDateTime, nullable=False, default=utcnow)


class InboundMessage(Base):
    """One message from a citizen; unique per channel and the channel's message id."""

    __tablename__ = "inbound_messages"
    __table_args__ = (
        UniqueConstraint("channel", "external_message_id"),
        Index("ix_inbound_messages_status_next_attempt", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True)
    contact_id = Column(Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False)
    channel = Column(String(32), nullable=False)
    external_message_id = Column(String(128), nullable=False)
    text = Column(Text, nullable=True)
    payload = Column(Text, nullable=True)
    # received -> processing -> processed | failed (retried until max attempts) | dead
    status = Column(String(16), nullable=False, default="received")
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(500), nullable=True)
    received_at = Column(UTCDateTime, nullable=False, default=utcnow)
    claimed_at = Column(UTCDateTime, nullable=True)
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
    # pending -> sent (pushed to the channel) | delivered (returned in a synchronous answer)
    # | failed (retries exhausted); push channels lease a row as "sending" until next_attempt_at
    # (bot/channels/outbox_store.py)
    status = Column(String(16), nullable=False, default="pending")
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(String(500), nullable=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    next_attempt_at = Column(UTCDateTime, nullable=True)
    sent_at = Column(UTCDateTime, nullable=True)
