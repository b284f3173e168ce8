"""Knowledge-base tables: FAQ entries, revisions, change counter, unanswered log, vocabulary."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base, UTCDateTime, utcnow

STATUSES = ("draft", "published", "archived")
LANGUAGES = ("id", "en")


class Delivery(str, Enum):
    """How an entry's answer reaches the citizen (bot/knowledge/entries.py says why)."""

    PARTS = "parts"  # the whole answer, in as many messages as the channel needs
    SUMMARY = "summary"  # the summary staff wrote, then the link to the official source


# The fields a revision snapshots and a restore writes back.
EDITABLE_FIELDS = (
    "category",
    "question",
    "answer",
    "examples",
    "language",
    "status",
    "valid_from",
    "valid_until",
    "source_url",
    "delivery",
    "summary",
)


class KnowledgeEntry(Base):
    """One FAQ entry: a main question, its answer and extra example questions (one per line)."""

    __tablename__ = "knowledge_entries"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'published', 'archived')", name="status"),
        CheckConstraint("language IN ('id', 'en')", name="language"),
        CheckConstraint("delivery IN ('parts', 'summary')", name="delivery"),
        Index("ix_knowledge_entries_status", "status"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    key: Mapped[str] = Column(String(80), nullable=False, unique=True)
    category: Mapped[str] = Column(String(80), nullable=False, default="umum")
    question: Mapped[str] = Column(Text, nullable=False)
    answer: Mapped[str] = Column(Text, nullable=False)
    examples: Mapped[str] = Column(Text, nullable=False, default="")  # one per line
    language: Mapped[str] = Column(String(2), nullable=False, default="id")
    status: Mapped[str] = Column(String(16), nullable=False, default="draft")
    valid_from: Mapped[date | None] = Column(Date)
    valid_until: Mapped[date | None] = Column(Date)
    source_url: Mapped[str | None] = Column(String(500))
    delivery: Mapped[str] = Column(String(16), nullable=False, default=Delivery.PARTS.value)
    summary: Mapped[str | None] = Column(Text)
    version: Mapped[int] = Column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str] = Column(String(100), nullable=False, default="system")

    revisions: Mapped[list[KnowledgeRevision]] = relationship(
        "KnowledgeRevision",
        back_populates="entry",
        cascade="all, delete-orphan",
        order_by="KnowledgeRevision.number",
    )

    def example_list(self) -> list[str]:
        """Return the non-empty extra example questions."""
        return [line.strip() for line in (self.examples or "").splitlines() if line.strip()]

    def snapshot(self) -> dict[str, str | None]:
        """Return the editable fields as JSON-safe values (dates as ISO strings)."""
        values: dict[str, str | None] = {}
        for name in EDITABLE_FIELDS:
            value = getattr(self, name)
            values[name] = value.isoformat() if isinstance(value, date) else value
        return values


class KnowledgeRevision(Base):
    """A snapshot of an entry after one change: who, when, what changed; restorable."""

    __tablename__ = "knowledge_revisions"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    entry_id: Mapped[int] = Column(
        Integer, ForeignKey("knowledge_entries.id", ondelete="CASCADE"), nullable=False
    )
    number: Mapped[int] = Column(Integer, nullable=False)
    snapshot: Mapped[dict] = Column(JSON, nullable=False)
    changed_fields: Mapped[str] = Column(String(300), nullable=False, default="")
    author: Mapped[str] = Column(String(100), nullable=False)
    note: Mapped[str | None] = Column(String(300))
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)

    entry: Mapped[KnowledgeEntry] = relationship("KnowledgeEntry", back_populates="revisions")


class KnowledgeState(Base):
    """A single row whose `revision` grows on every change; answer-time caches compare it."""

    __tablename__ = "knowledge_state"

    id: Mapped[int] = Column(Integer, primary_key=True)
    revision: Mapped[int] = Column(Integer, nullable=False, default=0)
    updated_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)


class VocabularyKind(str, Enum):
    """How a staff term counts when questions are matched (bot/knowledge/vocabulary.py)."""

    SAME = "same"  # rewritten to the standard word in questions and entries
    RELATED = "related"  # the standard word is also looked for, at a lower weight


class VocabularyTerm(Base):
    """A word or short phrase staff added, and the standard word it means (or is related to).

    The built-in word lists (bot/knowledge/lexicon.py, bot/nlu/lexicon.py) stay in code; this
    table holds only what staff add. A removed term is kept, inactive, with who removed it.
    """

    __tablename__ = "vocabulary"
    __table_args__ = (CheckConstraint("kind IN ('same', 'related')", name="kind"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    term: Mapped[str] = Column(String(80), nullable=False, unique=True)
    standard: Mapped[str] = Column(String(80), nullable=False)
    kind: Mapped[str] = Column(String(16), nullable=False, default=VocabularyKind.SAME.value)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    added_by: Mapped[str] = Column(String(100), nullable=False)
    added_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
    changed_by: Mapped[str] = Column(String(100), nullable=False)
    changed_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)


class UnansweredQuestion(Base):
    """A citizen question the knowledge base had no good answer for (personal data masked)."""

    __tablename__ = "unanswered_questions"
    __table_args__ = (Index("ix_unanswered_questions_created_at", "created_at"),)

    id: Mapped[int] = Column(Integer, primary_key=True)
    text: Mapped[str] = Column(Text, nullable=False)
    normalized: Mapped[str] = Column(Text, nullable=False, default="")
    best_key: Mapped[str | None] = Column(String(80))
    best_score: Mapped[float | None] = Column(Float)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)
