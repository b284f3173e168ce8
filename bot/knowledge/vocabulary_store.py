"""Staff vocabulary reads and writes; each takes `session=` and never commits.

Every write bumps the knowledge-base revision counter, so the FAQ index of every process and
the language model's tokenizer pick the change up within their check interval (about 2 s).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.base import utcnow
from bot.import_report import ImportReport
from bot.knowledge import store
from bot.knowledge.models import VocabularyTerm
from bot.knowledge.sheets import read_sheet, write_sheet
from bot.knowledge.vocabulary import (
    TermView,
    VocabularyError,
    builtin_meaning,
    builtin_terms,
    clean_term,
    validate,
)

CHECK_INTERVAL_SECONDS = store.CHECK_INTERVAL_SECONDS
COLUMNS = {
    "term": ("term", "istilah", "kata"),
    "standard": ("standard", "baku", "kata baku", "artinya", "arti"),
    "kind": ("kind", "jenis"),
}
KIND_NAMES = {"same": "same", "sama": "same", "related": "related", "terkait": "related"}
T = TypeVar("T")


def _view(row: VocabularyTerm) -> TermView:
    return TermView(row.term, row.standard, row.kind, False, row.added_by, row.added_at)


def staff_terms(*, session: Session) -> list[TermView]:
    """Return the active staff terms, alphabetically."""
    statement = (
        select(VocabularyTerm).where(VocabularyTerm.active.is_(True)).order_by(VocabularyTerm.term)
    )
    return [_view(row) for row in session.execute(statement).scalars()]


def all_terms(*, session: Session) -> list[TermView]:
    """Return the built-in terms, then the active staff terms."""
    return [*builtin_terms(), *staff_terms(session=session)]


def _row(session: Session, term: str) -> VocabularyTerm | None:
    return session.execute(
        select(VocabularyTerm).where(VocabularyTerm.term == term)
    ).scalar_one_or_none()


def _save(session: Session, checked: TermView, author: str) -> str:
    """Write a checked term; return "created", "updated" or "unchanged"."""
    row = _row(session, checked.term)
    now = utcnow()
    if row is None:
        session.add(
            VocabularyTerm(
                term=checked.term,
                standard=checked.standard,
                kind=checked.kind,
                active=True,
                added_by=author,
                added_at=now,
                changed_by=author,
                changed_at=now,
            )
        )
        result = "created"
    elif row.active and (row.standard, row.kind) == (checked.standard, checked.kind):
        return "unchanged"
    else:
        if not row.active:
            row.added_by, row.added_at = author, now
        row.standard, row.kind, row.active = checked.standard, checked.kind, True
        row.changed_by, row.changed_at = author, now
        result = "updated"
    session.flush()
    store.bump_revision(session=session)
    return result


def add_term(
    *, session: Session, term: str, standard: str, author: str, kind: str = "same"
) -> TermView:
    """Add a staff term (or bring back a removed one); raise `VocabularyError` when not allowed."""
    checked = validate(term, standard, kind, staff_terms(session=session))
    _save(session, checked, author)
    return checked


def remove_term(*, session: Session, term: str, author: str) -> TermView:
    """Deactivate a staff term; built-in terms cannot be removed."""
    cleaned = clean_term(term)
    row = _row(session, cleaned)
    if row is None or not row.active:
        if builtin_meaning(cleaned) is not None:
            raise VocabularyError(f"{cleaned!r} is built in and cannot be removed")
        raise VocabularyError(f"{cleaned!r} is not in the staff vocabulary")
    row.active = False
    row.changed_by, row.changed_at = author, utcnow()
    session.flush()
    store.bump_revision(session=session)
    return _view(row)


def _columns(header: list[str]) -> dict[str, int]:
    names = [" ".join(name.lower().replace("_", " ").split()) for name in header]
    found: dict[str, int] = {}
    for column, aliases in COLUMNS.items():
        for position, name in enumerate(names):
            if name in aliases:
                found.setdefault(column, position)
    return found


def import_terms(path: Path, *, session: Session, author: str) -> ImportReport:
    """Import terms from CSV or .xlsx (term, standard, optional kind); all or nothing.

    A term already present with another standard word is updated; every row is checked against
    the file's other rows and the terms already stored.
    """
    report = ImportReport()
    sheet = read_sheet(path)
    if sheet is None:
        report.errors.append((1, "the file is empty: a header row (term,standard,kind) is needed"))
        return report
    columns = _columns(sheet.header)
    missing = [name for name in ("term", "standard") if name not in columns]
    if missing:
        report.errors.append((1, f"missing column(s): {', '.join(missing)}"))
        return report
    kept = {t.term: t for t in staff_terms(session=session)}
    checked: list[tuple[int, TermView]] = []
    lines: dict[str, int] = {}
    for line, cells in sheet.rows:

        def cell(name: str, cells: list[str] = cells) -> str:
            position = columns.get(name)
            return cells[position].strip() if position is not None and position < len(cells) else ""

        kind = KIND_NAMES.get(cell("kind").lower() or "same")
        if kind is None:
            report.errors.append((line, f"kind must be same or related, not {cell('kind')!r}"))
            continue
        term = clean_term(cell("term"))
        if term and term in lines:
            report.errors.append((line, f"{term!r} is already on line {lines[term]}"))
            continue
        lines[term] = line
        others = [t for name, t in kept.items() if name != term]
        try:
            view = validate(term, cell("standard"), kind, others)
        except VocabularyError as exc:
            report.errors.append((line, str(exc)))
            continue
        kept[view.term] = view
        checked.append((line, view))
    if report.errors:
        return report
    for _line, view in checked:
        outcome = _save(session, view, author)
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def export_terms(path: Path, *, session: Session) -> int:
    """Write the active staff terms to CSV or .xlsx in the import format; return how many."""
    terms = staff_terms(session=session)
    rows = [["term", "standard", "kind", "added_by", "added_at"]]
    rows += [
        [
            t.term,
            t.standard,
            t.kind,
            t.added_by or "",
            t.added_at.date().isoformat() if t.added_at else "",
        ]
        for t in terms
    ]
    write_sheet(path, rows)
    return len(terms)


@dataclass
class VocabularyCache(Generic[T]):
    """A value built from the active staff terms, rebuilt when the knowledge base changed.

    The revision counter is read at most once per `check_interval` seconds, so a vocabulary
    change reaches the process within that interval; `build` runs once per change.
    """

    build: Callable[[Sequence[TermView]], T]
    check_interval: float = CHECK_INTERVAL_SECONDS
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _value: T | None = None
    _revision: int | None = None
    _checked: float = -math.inf
    builds: int = 0

    def current(self, *, session: Session) -> T:
        """Return the value for the current vocabulary, checking the counter when it is due."""
        with self._lock:
            moment = self.clock()
            if self._value is not None and moment - self._checked < self.check_interval:
                return self._value
            revision = store.current_revision(session=session)
            self._checked = moment
            if self._value is None or revision != self._revision:
                self._value = self.build(staff_terms(session=session))
                self._revision = revision
                self.builds += 1
            return self._value
