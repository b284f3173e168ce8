"""Knowledge-base reads and writes; each takes `session=`, never commits, and returns views.

Every write that can change what citizens are told bumps the knowledge-base revision counter, so
answer-time caches in every process rebuild within their check interval.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from rapidfuzz import fuzz
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from bot.db.base import utcnow
from bot.knowledge.entries import EntryData
from bot.knowledge.models import (
    EDITABLE_FIELDS,
    KnowledgeEntry,
    KnowledgeRevision,
    KnowledgeState,
    UnansweredQuestion,
)
from bot.knowledge.normalize import normalize
from bot.knowledge.views import EntryView, RevisionView, UnansweredGroup
from bot.logging_setup import mask_personal_data

STATE_ID = 1
# How often an answer-time cache (FAQ index, staff vocabulary) reads the revision counter.
CHECK_INTERVAL_SECONDS = 2.0
GROUP_SIMILARITY = 80  # token_set_ratio of normalised texts that counts as "the same question"


class UnknownEntryError(LookupError):
    """Raised when no entry has the given key."""


class UnknownRevisionError(LookupError):
    """Raised when an entry has no revision with the given number."""


def entry_view(entry: KnowledgeEntry) -> EntryView:
    """Convert an entry row to its view."""
    return EntryView(
        key=entry.key,
        category=entry.category,
        question=entry.question,
        answer=entry.answer,
        examples=tuple(entry.example_list()),
        language=entry.language,
        status=entry.status,
        valid_from=entry.valid_from,
        valid_until=entry.valid_until,
        source_url=entry.source_url,
        delivery=entry.delivery,
        summary=entry.summary,
        version=entry.version,
        updated_at=entry.updated_at,
        updated_by=entry.updated_by,
    )


def current_revision(*, session: Session) -> int:
    """Return the knowledge-base revision counter (0 when nothing was ever changed)."""
    value = session.execute(
        select(KnowledgeState.revision).where(KnowledgeState.id == STATE_ID)
    ).scalar_one_or_none()
    return int(value or 0)


def bump_revision(*, session: Session) -> None:
    """Increase the revision counter atomically (creating its row when missing)."""
    result = session.execute(
        update(KnowledgeState)
        .where(KnowledgeState.id == STATE_ID)
        .values(revision=KnowledgeState.revision + 1, updated_at=utcnow())
    )
    if not result.rowcount:
        session.add(KnowledgeState(id=STATE_ID, revision=1, updated_at=utcnow()))
    session.flush()


def _entry(session: Session, key: str) -> KnowledgeEntry:
    entry = session.execute(
        select(KnowledgeEntry).where(KnowledgeEntry.key == key)
    ).scalar_one_or_none()
    if entry is None:
        raise UnknownEntryError(key)
    return entry


def get_entry(*, session: Session, key: str) -> EntryView | None:
    """Return one entry by key, whatever its status."""
    try:
        return entry_view(_entry(session, key))
    except UnknownEntryError:
        return None


def list_entries(*, session: Session, status: str | None = None) -> list[EntryView]:
    """Return entries ordered by category and key, optionally of one status."""
    statement = select(KnowledgeEntry).order_by(KnowledgeEntry.category, KnowledgeEntry.key)
    if status:
        statement = statement.where(KnowledgeEntry.status == status)
    return [entry_view(entry) for entry in session.execute(statement).scalars()]


def _servable(today: date) -> list:
    return [
        KnowledgeEntry.status == "published",
        or_(KnowledgeEntry.valid_from.is_(None), KnowledgeEntry.valid_from <= today),
        or_(KnowledgeEntry.valid_until.is_(None), KnowledgeEntry.valid_until >= today),
    ]


def published_entries(*, session: Session, today: date) -> list[EntryView]:
    """Return the entries citizens may be told today: published and within their validity."""
    statement = select(KnowledgeEntry).where(*_servable(today)).order_by(KnowledgeEntry.key)
    return [entry_view(entry) for entry in session.execute(statement).scalars()]


def published_entries_with_keys(
    *, session: Session, keys: Iterable[str], today: date
) -> list[EntryView]:
    """Return those of the entries `keys` that are published and valid today."""
    statement = select(KnowledgeEntry).where(KnowledgeEntry.key.in_(list(keys)), *_servable(today))
    return [entry_view(entry) for entry in session.execute(statement).scalars()]


def published_entry(*, session: Session, key: str, today: date) -> EntryView | None:
    """Return one entry when it is published and valid today."""
    statement = select(KnowledgeEntry).where(KnowledgeEntry.key == key, *_servable(today))
    entry = session.execute(statement).scalar_one_or_none()
    return entry_view(entry) if entry is not None else None


def find_by_question(*, session: Session, question: str) -> EntryView | None:
    """Return the entry whose main question is the same text (ignoring case and spacing)."""
    wanted = " ".join(question.lower().split())
    for entry in session.execute(select(KnowledgeEntry)).scalars():
        if " ".join(entry.question.lower().split()) == wanted:
            return entry_view(entry)
    return None


def _record(
    session: Session, entry: KnowledgeEntry, changed: Iterable[str], author: str, note: str | None
) -> None:
    number = (entry.revisions[-1].number + 1) if entry.revisions else 1
    entry.version = number
    entry.updated_at = utcnow()
    entry.updated_by = author
    entry.revisions.append(
        KnowledgeRevision(
            number=number,
            snapshot=entry.snapshot(),
            changed_fields=",".join(changed),
            author=author,
            note=note,
            created_at=entry.updated_at,
        )
    )
    bump_revision(session=session)


def save_entry(
    *, session: Session, key: str, data: EntryData, author: str, note: str | None = None
) -> str:
    """Create or update an entry; return "created", "updated" or "unchanged"."""
    entry = session.execute(
        select(KnowledgeEntry).where(KnowledgeEntry.key == key)
    ).scalar_one_or_none()
    values = data.values()
    if entry is None:
        entry = KnowledgeEntry(key=key, created_at=utcnow(), **values)
        session.add(entry)
        session.flush()
        _record(session, entry, EDITABLE_FIELDS, author, note or "created")
        return "created"
    changed = [name for name, value in values.items() if getattr(entry, name) != value]
    if not changed:
        return "unchanged"
    for name in changed:
        setattr(entry, name, values[name])
    _record(session, entry, changed, author, note)
    return "updated"


def edit_entry(
    *,
    session: Session,
    key: str,
    author: str,
    note: str | None = None,
    **changes: object,
) -> EntryView:
    """Change some fields of an entry (validated as a whole) and record a revision."""
    entry = _entry(session, key)
    current = entry_view(entry)
    fields: dict[str, object] = {
        "category": current.category,
        "question": current.question,
        "answer": current.answer,
        "examples": current.examples,
        "language": current.language,
        "status": current.status,
        "valid_from": current.valid_from,
        "valid_until": current.valid_until,
        "source_url": current.source_url,
        "delivery": current.delivery,
        "summary": current.summary,
    }
    fields.update({name: value for name, value in changes.items() if value is not None})
    save_entry(session=session, key=key, data=EntryData(**fields), author=author, note=note)  # type: ignore[arg-type]
    return entry_view(entry)


def history(*, session: Session, key: str) -> list[RevisionView]:
    """Return an entry's revisions, oldest first."""
    entry = _entry(session, key)
    return [
        RevisionView(
            number=revision.number,
            author=revision.author,
            created_at=revision.created_at,
            changed_fields=tuple(f for f in revision.changed_fields.split(",") if f),
            note=revision.note,
            snapshot=dict(revision.snapshot),
        )
        for revision in entry.revisions
    ]


def restore_revision(*, session: Session, key: str, number: int, author: str) -> EntryView:
    """Write an old revision's fields back as a new revision; the history is kept."""
    entry = _entry(session, key)
    old = next((r for r in entry.revisions if r.number == number), None)
    if old is None:
        raise UnknownRevisionError(f"{key} has no revision {number}")
    snapshot = dict(old.snapshot)
    for name in ("valid_from", "valid_until"):
        snapshot[name] = date.fromisoformat(snapshot[name]) if snapshot.get(name) else None
    snapshot["examples"] = tuple((snapshot.get("examples") or "").splitlines())
    data = EntryData(**snapshot)
    save_entry(
        session=session, key=key, data=data, author=author, note=f"restored revision {number}"
    )
    return entry_view(entry)


def log_unanswered(
    *,
    session: Session,
    text: str,
    best_key: str | None = None,
    best_score: float | None = None,
    now: datetime | None = None,
) -> None:
    """Keep a question that got no good answer, with NIK, phone numbers and tokens masked."""
    masked = mask_personal_data(text.strip())[:1000]
    session.add(
        UnansweredQuestion(
            text=masked,
            normalized=" ".join(w for w in normalize(masked).split() if not w.isdigit())[:1000],
            best_key=best_key,
            best_score=best_score,
            created_at=now or utcnow(),
        )
    )


def unanswered_groups(
    *, session: Session, since: datetime | None = None, limit: int = 50
) -> list[UnansweredGroup]:
    """Group unanswered questions by similarity; the most recently asked group comes first."""
    statement = select(UnansweredQuestion).order_by(
        UnansweredQuestion.created_at.desc(), UnansweredQuestion.id.desc()
    )
    if since is not None:
        statement = statement.where(and_(UnansweredQuestion.created_at >= since))
    groups: list[dict] = []
    for row in session.execute(statement.limit(5000)).scalars():
        for group in groups:
            if fuzz.token_set_ratio(row.normalized, group["normalized"]) >= GROUP_SIMILARITY:
                group["count"] += 1
                break
        else:
            groups.append(
                {
                    "normalized": row.normalized,
                    "example": row.text,
                    "count": 1,
                    "last_asked": row.created_at,
                    "best_key": row.best_key,
                }
            )
    return [
        UnansweredGroup(g["example"], g["count"], g["last_asked"], g["best_key"])
        for g in groups[:limit]
    ]
