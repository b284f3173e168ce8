"""Import and export the FAQ as CSV or Excel (.xlsx): validate every row, then upsert.

Columns (header row required, any order): question and answer (required); category, key,
examples, language, status, valid_from, valid_until, source, delivery, summary (optional).
Indonesian headers work too (pertanyaan, jawaban, kategori, kunci, contoh, bahasa,
berlaku_mulai, berlaku_sampai, sumber, pengiriman, ringkasan), and a link column under a common
name (answer_link, link, url, tautan) is the source. Extra example questions are separated by
"|" or line breaks. `delivery` is `parts` (default; also bagian, lengkap) or `summary` (also
ringkasan: the summary, then the source link; both are then required), see
`bot.knowledge.entries`.

Files are taken as staff have them, e.g. a public FAQ saved from a website: columns we do not
know are ignored, and an entry without a category (no column, or an empty cell) is filed under
"umum" (the category only groups entries for staff; citizens never see it). Both are reported
as warnings, as are answers whose list items or sentences look run together
(`bot.knowledge.run_together`). Warnings never stop an import. Errors do: nothing is written
when any row is bad, and every bad row is reported. Re-importing the same file changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from bot.import_report import ImportReport
from bot.knowledge import store
from bot.knowledge.entries import EntryData, content_problems
from bot.knowledge.models import LANGUAGES, STATUSES, Delivery
from bot.knowledge.run_together import run_together_warning
from bot.knowledge.sheets import Sheet, UnreadableFileError, read_sheet, write_sheet

COLUMNS = (
    "key",
    "question",
    "answer",
    "category",
    "examples",
    "language",
    "status",
    "valid_from",
    "valid_until",
    "source",
    "delivery",
    "summary",
)
REQUIRED = ("question", "answer")
DEFAULT_CATEGORY = "umum"
HEADER_ALIASES = {
    "pertanyaan": "question",
    "jawaban": "answer",
    "kategori": "category",
    "kunci": "key",
    "contoh": "examples",
    "contoh_pertanyaan": "examples",
    "example_questions": "examples",
    "bahasa": "language",
    "lang": "language",
    "berlaku_mulai": "valid_from",
    "berlaku_sampai": "valid_until",
    "sumber": "source",
    "source_url": "source",
    "answer_link": "source",
    "link": "source",
    "url": "source",
    "tautan": "source",
    "pengiriman": "delivery",
    "ringkasan": "summary",
}
DELIVERY_ALIASES = {"bagian": "parts", "lengkap": "parts", "ringkasan": "summary"}
STATUS_ALIASES = {"terbit": "published", "draf": "draft", "arsip": "archived"}
LANGUAGE_ALIASES = {"indonesia": "id", "ind": "id", "english": "en", "inggris": "en", "eng": "en"}
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")


@dataclass(frozen=True)
class FaqRow:
    line: int
    key: str | None
    data: EntryData
    warnings: tuple[str, ...] = ()


@dataclass
class ParsedFile:
    """The good rows of a file, and every error and warning with its line."""

    rows: list[FaqRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)


def _header(name: str) -> str:
    text = re.sub(r"[\s-]+", "_", name.strip().lower())
    return HEADER_ALIASES.get(text, text)


def _parse_date(value: str, column: str) -> date | None:
    if not value:
        return None
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    local = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if iso:
        parts = (int(iso[1]), int(iso[2]), int(iso[3]))
    elif local:
        parts = (int(local[3]), int(local[2]), int(local[1]))
    else:
        raise ValueError(f"{column} {value!r} is not YYYY-MM-DD or DD/MM/YYYY")
    try:
        return date(*parts)
    except ValueError:
        raise ValueError(f"{column} {value!r} does not exist") from None


def split_examples(value: str) -> tuple[str, ...]:
    """Split an examples cell on "|" and line breaks."""
    return tuple(part.strip() for part in re.split(r"[|\n]", value) if part.strip())


def _row(line: int, record: dict[str, str]) -> FaqRow:
    category = record.get("category", "").lower()
    source, summary = record.get("source") or None, record.get("summary") or None
    delivery = record.get("delivery", "").lower() or Delivery.PARTS.value
    delivery = DELIVERY_ALIASES.get(delivery, delivery)
    problems = content_problems(
        question=record.get("question", ""),
        answer=record.get("answer", ""),
        category=category,
        source_url=source,
        delivery=delivery,
        summary=summary,
    )
    key = record.get("key", "").lower() or None
    if key and not KEY_PATTERN.fullmatch(key):
        problems.append(f"key {key!r} may use only a-z, 0-9, '.', '_' and '-' (max 80)")
    language = record.get("language", "").lower() or "id"
    language = LANGUAGE_ALIASES.get(language, language)
    if language not in LANGUAGES:
        problems.append(f"language {language!r} must be id or en")
    status = record.get("status", "").lower() or "published"
    status = STATUS_ALIASES.get(status, status)
    if status not in STATUSES:
        problems.append(f"status {status!r} must be draft, published or archived")
    dates: list[date | None] = []
    for column in ("valid_from", "valid_until"):
        try:
            dates.append(_parse_date(record.get(column, ""), column))
        except ValueError as exc:
            problems.append(str(exc))
            dates.append(None)
    if dates[0] and dates[1] and dates[1] < dates[0]:
        problems.append("valid_until is before valid_from")
    if problems:
        raise ValueError("; ".join(problems))
    warnings = [run_together_warning(name, record.get(name, "")) for name in ("answer", "summary")]
    if not category and "category" in record:
        warnings.append(f"no category; filed under {DEFAULT_CATEGORY!r}")
    data = EntryData(
        category=category or DEFAULT_CATEGORY,
        question=record["question"],
        answer=record["answer"],
        examples=split_examples(record.get("examples", "")),
        language=language,
        status=status,
        valid_from=dates[0],
        valid_until=dates[1],
        source_url=source,
        delivery=delivery,
        summary=summary,
    )
    return FaqRow(line, key, data, tuple(w for w in warnings if w))


def _columns(header: list[str], parsed: ParsedFile) -> list[str] | None:
    """Return the header as column names (None: unusable); warn of what is ignored or filled."""
    names = [_header(name) for name in header]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        parsed.errors.append((1, f"missing column(s): {', '.join(missing)}"))
    twice = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    for name in twice:
        given = ", ".join(raw.strip() for raw, n in zip(header, names, strict=True) if n == name)
        parsed.errors.append((1, f"{given}: these columns all mean {name}; keep one"))
    unknown = [
        raw.strip() for raw, name in zip(header, names, strict=True) if name and name not in COLUMNS
    ]
    if unknown:
        parsed.warnings.append((1, f"ignored unknown column(s): {', '.join(unknown)}"))
    if "category" not in names:
        parsed.warnings.append(
            (1, f"no category column; every entry is filed under {DEFAULT_CATEGORY!r}")
        )
    if missing or twice:
        return None
    return [name if name in COLUMNS else "" for name in names]


def parse_sheet(sheet: Sheet | None) -> ParsedFile:
    """Validate a file's rows; return the good rows and every error and warning by line."""
    parsed = ParsedFile()
    if sheet is None:
        parsed.errors.append((1, "the file is empty (a header row is required)"))
        return parsed
    columns = _columns(sheet.header, parsed)
    if columns is None:
        return parsed
    keys: dict[str, int] = {}
    questions: dict[str, int] = {}
    for line, cells in sheet.rows:
        record = {
            name: cells[i] if i < len(cells) else "" for i, name in enumerate(columns) if name
        }
        try:
            row = _row(line, record)
        except ValueError as exc:
            parsed.errors.append((line, str(exc)))
            continue
        parsed.warnings += [(line, warning) for warning in row.warnings]
        question = " ".join(row.data.question.lower().split())
        if row.key and row.key in keys:
            parsed.errors.append((line, f"key {row.key!r} repeats line {keys[row.key]}"))
        elif question in questions:
            parsed.errors.append((line, f"question repeats line {questions[question]}"))
        else:
            if row.key:
                keys[row.key] = line
            questions[question] = line
            parsed.rows.append(row)
    if not parsed.rows and not parsed.errors:
        parsed.errors.append((1, "the file has no rows"))
    return parsed


def slug(text: str, taken: set[str]) -> str:
    """Make a stable, unique key from a question."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower()).split()[:6]
    base = "-".join(words)[:70].strip("-") or "faq"
    key, number = base, 2
    while key in taken:
        key, number = f"{base}-{number}", number + 1
    return key


def import_faq_file(path: Path, *, session: Session, author: str) -> ImportReport:
    """Validate the whole file; when clean, upsert by key (else by question)."""
    report = ImportReport()
    try:
        sheet = read_sheet(path)
    except UnreadableFileError as exc:
        report.errors.append((1, str(exc)))
        return report
    parsed = parse_sheet(sheet)
    report.errors, report.warnings = parsed.errors, parsed.warnings
    if report.errors:
        return report
    taken = {entry.key for entry in store.list_entries(session=session)}
    for row in parsed.rows:
        key = row.key
        if key is None:
            existing = store.find_by_question(session=session, question=row.data.question)
            key = existing.key if existing else slug(row.data.question, taken)
        taken.add(key)
        outcome = store.save_entry(
            session=session, key=key, data=row.data, author=author, note=f"import {path.name}"
        )
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def export_rows(*, session: Session) -> list[list[str]]:
    """Return the header and one row per entry, in the import format."""
    rows = [list(COLUMNS)]
    for entry in store.list_entries(session=session):
        rows.append(
            [
                entry.key,
                entry.question,
                entry.answer,
                entry.category,
                " | ".join(entry.examples),
                entry.language,
                entry.status,
                entry.valid_from.isoformat() if entry.valid_from else "",
                entry.valid_until.isoformat() if entry.valid_until else "",
                entry.source_url or "",
                entry.delivery,
                entry.summary or "",
            ]
        )
    return rows


def export_faq_file(path: Path, *, session: Session) -> int:
    """Write every entry to a CSV or .xlsx file; return how many entries were written."""
    rows = export_rows(session=session)
    write_sheet(path, rows)
    return len(rows) - 1
