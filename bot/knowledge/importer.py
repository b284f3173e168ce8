"""Import and export the FAQ as CSV or Excel (.xlsx): validate every row, then upsert.

Columns (header row required, any order): question, answer, category (required); key, examples,
language, status, valid_from, valid_until, source (optional). Indonesian headers work too
(pertanyaan, jawaban, kategori, kunci, contoh, bahasa, status, berlaku_mulai, berlaku_sampai,
sumber). Extra example questions are separated by "|" or line breaks. Nothing is written when any
row is bad; re-importing the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from bot.import_report import ImportReport
from bot.knowledge import store
from bot.knowledge.models import LANGUAGES, STATUSES
from bot.knowledge.store import EntryData

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
)
REQUIRED = ("question", "answer", "category")
HEADER_ALIASES = {
    "pertanyaan": "question",
    "jawaban": "answer",
    "kategori": "category",
    "kunci": "key",
    "contoh": "examples",
    "contoh_pertanyaan": "examples",
    "example_questions": "examples",
    "bahasa": "language",
    "berlaku_mulai": "valid_from",
    "berlaku_sampai": "valid_until",
    "sumber": "source",
    "source_url": "source",
}
STATUS_ALIASES = {"terbit": "published", "draf": "draft", "arsip": "archived"}
LANGUAGE_ALIASES = {"indonesia": "id", "ind": "id", "english": "en", "inggris": "en", "eng": "en"}
KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]{0,79}")
MAX_ANSWER = 3500  # leaves room under Telegram's 4,096-character message limit
MAX_QUESTION = 500


class UnreadableFileError(ValueError):
    """Raised when the file is not a CSV or .xlsx file we can read."""


@dataclass(frozen=True)
class FaqRow:
    line: int
    key: str | None
    data: EntryData


def _header(name: object) -> str:
    text = re.sub(r"[\s-]+", "_", str(name or "").strip().lower())
    return HEADER_ALIASES.get(text, text)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_records(path: Path) -> list[tuple[int, dict[str, str]]]:
    """Return (line number, record) pairs; line 1 is the header row."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise UnreadableFileError(f"{path.name}: use a .csv or .xlsx file")


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFileError(f"{path.name}: not UTF-8 text (save the CSV as UTF-8)") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    first_row = next(reader, None)
    if first_row is None:
        return []
    header = [_header(name) for name in first_row]
    records: list[tuple[int, dict[str, str]]] = [(1, {"__header__": ",".join(header)})]
    start = reader.line_num + 1
    for row in reader:
        if any(cell.strip() for cell in row):
            records.append((start, _record(header, row)))
        start = reader.line_num + 1
    return records


def _read_xlsx(path: Path) -> list[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise UnreadableFileError(f"{path.name}: not a readable .xlsx file ({exc})") from None
    try:
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        return []
    header = [_header(name) for name in rows[0]]
    records: list[tuple[int, dict[str, str]]] = [(1, {"__header__": ",".join(header)})]
    for number, row in enumerate(rows[1:], start=2):
        cells = [_cell(value) for value in row]
        if any(cells):
            records.append((number, _record(header, cells)))
    return records


def _record(header: list[str], cells: list[str]) -> dict[str, str]:
    return {name: cells[i].strip() if i < len(cells) else "" for i, name in enumerate(header)}


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
    problems = [f"{name} is required" for name in REQUIRED if not record.get(name)]
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
    if len(record.get("answer", "")) > MAX_ANSWER:
        problems.append(f"answer is longer than {MAX_ANSWER} characters")
    if len(record.get("question", "")) > MAX_QUESTION:
        problems.append(f"question is longer than {MAX_QUESTION} characters")
    source = record.get("source", "")
    if source and not re.match(r"https?://\S+$", source):
        problems.append(f"source {source!r} is not an http(s) link")
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
    data = EntryData(
        category=record["category"].strip().lower(),
        question=record["question"],
        answer=record["answer"],
        examples=split_examples(record.get("examples", "")),
        language=language,
        status=status,
        valid_from=dates[0],
        valid_until=dates[1],
        source_url=source or None,
    )
    return FaqRow(line, key, data)


def parse_rows(records: list[tuple[int, dict[str, str]]]) -> tuple[list[FaqRow], list]:
    """Validate records; return the good rows and every (line, reason) problem."""
    errors: list[tuple[int, str]] = []
    if not records:
        return [], [(1, "the file is empty (a header row is required)")]
    header = records[0][1]["__header__"].split(",")
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    if missing:
        errors.append((1, f"missing column(s): {', '.join(missing)}"))
    if unknown:
        errors.append((1, f"unknown column(s): {', '.join(unknown)}"))
    if errors:
        return [], errors
    rows: list[FaqRow] = []
    keys: dict[str, int] = {}
    questions: dict[str, int] = {}
    for line, record in records[1:]:
        try:
            row = _row(line, record)
        except ValueError as exc:
            errors.append((line, str(exc)))
            continue
        question = " ".join(row.data.question.lower().split())
        if row.key and row.key in keys:
            errors.append((line, f"key {row.key!r} repeats line {keys[row.key]}"))
        elif question in questions:
            errors.append((line, f"question repeats line {questions[question]}"))
        else:
            if row.key:
                keys[row.key] = line
            questions[question] = line
            rows.append(row)
    if not rows and not errors:
        errors.append((1, "the file has no rows"))
    return rows, errors


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
        records = read_records(path)
    except UnreadableFileError as exc:
        report.errors.append((1, str(exc)))
        return report
    rows, report.errors = parse_rows(records)
    if report.errors:
        return report
    taken = {entry.key for entry in store.list_entries(session=session)}
    for row in rows:
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
            ]
        )
    return rows


def export_faq_file(path: Path, *, session: Session) -> int:
    """Write every entry to a CSV or .xlsx file; return how many entries were written."""
    rows = export_rows(session=session)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "faq"
        for row in rows:
            sheet.append(row)
        workbook.save(path)
    elif path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    else:
        raise UnreadableFileError(f"{path.name}: use a .csv or .xlsx file")
    return len(rows) - 1
