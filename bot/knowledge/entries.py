"""What an FAQ entry may hold: its editable fields, validated, and the limits behind the rules.

The rules live here once, for every way an entry is written: `faq import` (which reports each
bad row with its line), `faq edit` and `faq restore`.

A long answer reaches the citizen in one of two ways, chosen per entry by staff (`delivery`):
`parts`, the default, sends the whole answer (the inbox splits it into the channel's messages,
bot/inbox/splitting.py); `summary` sends a short summary written by staff followed by the
link to the official source, for answers that read better on the source page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bot.knowledge.models import LANGUAGES, STATUSES, Delivery

MAX_QUESTION = 500
MAX_ANSWER = 10_000  # the longest official answers are ~6,200; channels send it in parts
MAX_SUMMARY = 1_000  # with the link, one message on every channel
MAX_CATEGORY = 80  # knowledge_entries.category
MAX_SOURCE = 500  # knowledge_entries.source_url
DELIVERIES = tuple(mode.value for mode in Delivery)
_LINK = re.compile(r"https?://\S+")


def content_problems(
    *,
    question: str,
    answer: str,
    category: str,
    source_url: str | None,
    delivery: str,
    summary: str | None,
) -> list[str]:
    """Return every reason the texts of an entry cannot be kept (none: they can)."""
    problems = [f"{name} is required" for name, text in (("question", question),
                ("answer", answer)) if not text.strip()]  # fmt: skip
    for name, text, limit in (
        ("question", question, MAX_QUESTION),
        ("answer", answer, MAX_ANSWER),
        ("category", category, MAX_CATEGORY),
        ("summary", summary or "", MAX_SUMMARY),
        ("source", source_url or "", MAX_SOURCE),
    ):
        if len(text) > limit:
            problems.append(f"{name} is {len(text):,} characters; at most {limit:,} fit")
    if source_url and not _LINK.fullmatch(source_url):
        problems.append(f"source {source_url!r} is not an http(s) link")
    if delivery not in DELIVERIES:
        problems.append(f"delivery {delivery!r} must be {' or '.join(DELIVERIES)}")
    elif delivery == Delivery.SUMMARY.value:
        problems += [
            f"delivery summary needs a {name}"
            for name, text in (("summary", summary), ("source link", source_url))
            if not (text or "").strip()
        ]
    return problems


@dataclass(frozen=True)
class EntryData:
    """The editable fields of an entry, validated."""

    category: str
    question: str
    answer: str
    examples: tuple[str, ...] = ()
    language: str = "id"
    status: str = "published"
    valid_from: date | None = None
    valid_until: date | None = None
    source_url: str | None = None
    delivery: str = Delivery.PARTS.value
    summary: str | None = None

    def __post_init__(self) -> None:
        problems = content_problems(
            question=self.question,
            answer=self.answer,
            category=self.category,
            source_url=self.source_url,
            delivery=self.delivery,
            summary=self.summary,
        )
        if self.status not in STATUSES:
            problems.append(f"status {self.status!r} must be one of {', '.join(STATUSES)}")
        if self.language not in LANGUAGES:
            problems.append(f"language {self.language!r} must be one of {', '.join(LANGUAGES)}")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            problems.append("valid_until is before valid_from")
        if problems:
            raise ValueError("; ".join(problems))

    def values(self) -> dict[str, object]:
        return {
            "category": self.category,
            "question": self.question.strip(),
            "answer": self.answer.strip(),
            "examples": "\n".join(e.strip() for e in self.examples if e.strip()),
            "language": self.language,
            "status": self.status,
            "valid_from": self.valid_from,
            "valid_until": self.valid_until,
            "source_url": self.source_url or None,
            "delivery": self.delivery,
            "summary": (self.summary or "").strip() or None,
        }
