"""Answer-time retrieval: one in-process `FaqIndex` of the published entries, rebuilt on change.

The ranking itself is in `bot.knowledge.ranking`; this module keeps each process's index in step
with the database (revision counter, day of validity) and offers the query functions the
actions call.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot.knowledge import store, vocabulary_store
from bot.knowledge.ranking import DEFAULT_WEIGHTS, FaqIndex, Weights
from bot.knowledge.views import Match
from bot.knowledge.vocabulary import Vocabulary

__all__ = [
    "DEFAULT_WEIGHTS",
    "FaqIndex",
    "KnowledgeCache",
    "Weights",
    "cache_for",
    "published_match",
    "search",
]

CHECK_INTERVAL_SECONDS = store.CHECK_INTERVAL_SECONDS


@dataclass
class KnowledgeCache:
    """One process's index, rebuilt when the database revision counter or the day changes.

    The counter is read at most once per `check_interval` seconds, so a published edit or a
    vocabulary change (both bump the counter) reaches every process within that interval plus
    the rebuild time. The staff vocabulary is compiled once per rebuild.
    """

    check_interval: float = CHECK_INTERVAL_SECONDS
    clock: Callable[[], float] = time.monotonic
    weights: Weights = DEFAULT_WEIGHTS
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _index: FaqIndex | None = None
    _revision: int | None = None
    _day: date | None = None
    _checked: float = -math.inf
    builds: int = 0

    def index(self, *, session: Session, today: date) -> FaqIndex:
        """Return the current index, checking the revision counter when it is due."""
        with self._lock:
            moment = self.clock()
            fresh = moment - self._checked < self.check_interval and today == self._day
            if self._index is not None and fresh:
                return self._index
            revision = store.current_revision(session=session)
            self._checked = moment
            if self._index is None or revision != self._revision or today != self._day:
                entries = store.published_entries(session=session, today=today)
                terms = vocabulary_store.staff_terms(session=session)
                self._index = FaqIndex(entries, self.weights, Vocabulary(terms))
                self._revision, self._day = revision, today
                self.builds += 1
            return self._index


_CACHES: dict[str, KnowledgeCache] = {}
_CACHES_LOCK = threading.Lock()


def cache_for(session: Session) -> KnowledgeCache:
    """Return this process's cache for the session's database."""
    key = str(session.get_bind().url)
    with _CACHES_LOCK:
        if key not in _CACHES:
            _CACHES[key] = KnowledgeCache()
        return _CACHES[key]


def search(
    *,
    session: Session,
    query: str,
    today: date,
    limit: int = 3,
    cache: KnowledgeCache | None = None,
) -> list[Match]:
    """Rank the published, currently valid entries for a question (a query function)."""
    index = (cache or cache_for(session)).index(session=session, today=today)
    return index.search(query, limit=limit)


def published_match(*, session: Session, key: str, today: date) -> Match | None:
    """Return one entry as a match when it is published and valid today (button payloads)."""
    entry = store.published_entry(session=session, key=key, today=today)
    if entry is None:
        return None
    return Match(
        entry.key,
        entry.question,
        entry.answer,
        1.0,
        entry.question,
        delivery=entry.delivery,
        summary=entry.summary,
        source_url=entry.source_url,
    )
