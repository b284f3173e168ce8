"""Contacts: a citizen on one channel, and the opaque conversation id Rasa knows them by."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.inbox.models import Contact, HandledBy


def get_or_create(
    *, session: Session, channel: str, external_id: str, lock: bool = False
) -> Contact:
    """Return the contact for a channel user, creating it with a fresh opaque conversation id.

    `lock` takes the contact's row lock (PostgreSQL) until the transaction ends, so one
    contact's messages are recorded one at a time across replicas.
    """
    query = select(Contact).where(Contact.channel == channel, Contact.external_id == external_id)
    if lock:
        query = query.with_for_update()
    contact = session.execute(query).scalar_one_or_none()
    if contact is not None:
        return contact
    try:
        with session.begin_nested():
            contact = Contact(
                channel=channel,
                external_id=external_id,
                conversation_id=uuid.uuid4().hex,
                handled_by=HandledBy.BOT.value,
                active=True,
                language="id",
            )
            session.add(contact)
    except IntegrityError:  # another replica created it first
        contact = session.execute(query).scalar_one()
    return contact


def find(*, session: Session, channel: str, external_id: str) -> Contact | None:
    """Return the contact of a channel user, or None when it never wrote."""
    return session.execute(
        select(Contact).where(Contact.channel == channel, Contact.external_id == external_id)
    ).scalar_one_or_none()
