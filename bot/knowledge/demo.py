"""Seed the demo FAQ: adds missing entries only, so staff edits are never overwritten."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.knowledge.demo_entries import DEMO_FAQ
from bot.knowledge.entries import EntryData
from bot.knowledge.models import KnowledgeEntry
from bot.knowledge.store import save_entry

DEMO_AUTHOR = "demo-seed"


def knowledge_is_empty(*, session: Session) -> bool:
    """Return True when the knowledge base has no entry at all."""
    return session.execute(select(KnowledgeEntry.id).limit(1)).first() is None


def seed_faq(*, session: Session) -> int:
    """Add the demo FAQ entries that do not exist yet; return how many were added."""
    existing = set(session.execute(select(KnowledgeEntry.key)).scalars())
    added = 0
    for key, category, question, answer, examples in DEMO_FAQ:
        if key in existing:
            continue
        data = EntryData(category=category, question=question, answer=answer, examples=examples)
        save_entry(session=session, key=key, data=data, author=DEMO_AUTHOR)
        added += 1
    return added


def seed_faq_if_empty(*, session: Session) -> int:
    """Load the demo FAQ into an empty knowledge base (also into databases from before it)."""
    if not knowledge_is_empty(session=session):
        return 0
    added = seed_faq(session=session)
    print(f"Loaded {added} demo FAQ entries (empty knowledge base).")
    return added
