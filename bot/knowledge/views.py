"""Plain, immutable views of knowledge-base rows; safe to use after the session closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class EntryView:
    key: str
    category: str
    question: str
    answer: str
    examples: tuple[str, ...]
    language: str
    status: str
    valid_from: date | None = None
    valid_until: date | None = None
    source_url: str | None = None
    delivery: str = "parts"
    summary: str | None = None
    version: int = 1
    updated_at: datetime | None = None
    updated_by: str = ""

    def questions(self) -> tuple[str, ...]:
        """Return the main question followed by the extra example questions."""
        return (self.question, *self.examples)


@dataclass(frozen=True)
class RevisionView:
    number: int
    author: str
    created_at: datetime
    changed_fields: tuple[str, ...]
    note: str | None
    snapshot: dict


@dataclass(frozen=True)
class Match:
    """A retrieved entry: `matched` is the question that matched best.

    `score` is in [0, 1]: how well the citizen's question matches the entry's own questions,
    the value the action's thresholds compare. The order of a result list also weighs the
    answer text, so a later match may show a higher score.
    """

    key: str
    question: str
    answer: str
    score: float
    matched: str
    delivery: str = "parts"  # how the answer reaches the citizen (bot/knowledge/entries.py)
    summary: str | None = None
    source_url: str | None = None


@dataclass(frozen=True)
class UnansweredGroup:
    """Similar unanswered questions: the newest wording, how many, and when last asked."""

    example: str
    count: int
    last_asked: datetime
    best_key: str | None
