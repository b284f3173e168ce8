"""Import quota releases and closures from a staff CSV file: validate everything, then upsert.

Columns (header row required): type, office, date, time, service, slots, channel, note, kind.
UTF-8 with or without BOM, comma or semicolon delimited. Nothing is written when any row is bad.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.import_report import ImportReport
from bot.schedule.models import DEFAULT_BOOKING_CHANNEL, Closure, Office, QuotaRelease, Service
from bot.schedule.queries import match_office

COLUMNS = ("type", "office", "date", "time", "service", "slots", "channel", "note", "kind")
HEADER_ALIASES = {
    "tipe": "type",
    "kantor": "office",
    "tanggal": "date",
    "jam": "time",
    "waktu": "time",
    "layanan": "service",
    "slot": "slots",
    "kanal": "channel",
    "catatan": "note",
    "keterangan": "note",
    "alasan": "note",
}
TYPE_ALIASES = {"quota": "quota", "kuota": "quota", "closure": "closure", "tutup": "closure"}
KIND_ALIASES = {"office": "office", "cuti_bersama": "cuti_bersama", "cuti bersama": "cuti_bersama"}
ALL_OFFICES = {"", "semua", "all"}


@dataclass(frozen=True)
class _Row:
    line: int
    type: str
    office: Office | None
    service: Service | None = None
    day: date | None = None
    opens_at: datetime | None = None
    slots: int | None = None
    channel: str = DEFAULT_BOOKING_CHANNEL
    note: str | None = None
    kind: str = "office"

    def key(self) -> tuple[object, ...]:
        office_id = self.office.id if self.office else None
        if self.type == "quota":
            service_id = self.service.id if self.service else None
            return ("quota", office_id, service_id, self.opens_at)
        return ("closure", office_id, self.day)


def _parse_date(value: str) -> date:
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value)
    local = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if not value:
        raise ValueError("date is required")
    if not iso and not local:
        raise ValueError(f"date {value!r} is not YYYY-MM-DD or DD/MM/YYYY")
    parts = (iso[1], iso[2], iso[3]) if iso else (local[3], local[2], local[1]) if local else ()
    year, month, day = (int(part) for part in parts)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"date {value!r} does not exist") from None


def _parse_time(value: str) -> time:
    match = re.fullmatch(r"(\d{1,2})[:.](\d{2})", value)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"time {value!r} is not HH:MM or HH.MM")
    return time(int(match[1]), int(match[2]))


def _parse_slots(value: str) -> int | None:
    if value == "":
        return None
    if not value.isdigit() or int(value) <= 0:
        raise ValueError(f"slots {value!r} is not a positive whole number")
    return int(value)


class _Validator:
    """Turns CSV records into rows, collecting every problem instead of stopping at the first."""

    def __init__(self, offices: list[Office], services: list[Service]) -> None:
        self.offices = offices
        self.services = {service.key: service for service in services}

    def row(self, line: int, record: dict[str, str]) -> _Row:
        row_type = TYPE_ALIASES.get(record.get("type", "").lower())
        if row_type is None:
            raise ValueError(f"type {record.get('type', '')!r} must be quota or closure")
        day = _parse_date(record.get("date", ""))
        if row_type == "closure":
            return self._closure(line, record, day)
        return self._quota(line, record, day)

    def _office(self, value: str) -> Office:
        if not value:
            raise ValueError("office is required for a quota row")
        office = match_office(value, self.offices, exact=True)
        if office is None:
            raise ValueError(f"unknown office {value!r}")
        return office

    def _quota(self, line: int, record: dict[str, str], day: date) -> _Row:
        office = self._office(record.get("office", ""))
        if not record.get("time"):
            raise ValueError("time is required for a quota row")
        moment = _parse_time(record["time"])
        service = None
        if record.get("service"):
            service = self.services.get(record["service"].lower())
            if service is None:
                raise ValueError(f"unknown service {record['service']!r}")
            if service not in office.services:
                raise ValueError(f"office {office.key} does not offer {service.key}")
        return _Row(
            line=line,
            type="quota",
            office=office,
            service=service,
            opens_at=datetime.combine(day, moment, ZoneInfo(office.timezone)),
            slots=_parse_slots(record.get("slots", "")),
            channel=record.get("channel") or DEFAULT_BOOKING_CHANNEL,
            note=record.get("note") or None,
        )

    def _closure(self, line: int, record: dict[str, str], day: date) -> _Row:
        value = record.get("office", "")
        office = None if value.lower() in ALL_OFFICES else self._office(value)
        if not record.get("note"):
            raise ValueError("note (the reason for the closure) is required for a closure row")
        kind = KIND_ALIASES.get((record.get("kind") or "office").lower().replace("-", "_"))
        if kind is None:
            raise ValueError(f"kind {record.get('kind')!r} must be cuti_bersama or office")
        for column in ("time", "service", "slots"):
            if record.get(column):
                raise ValueError(f"{column} is only used for quota rows; leave it empty")
        return _Row(
            line=line, type="closure", office=office, day=day, note=record["note"], kind=kind
        )


def _decode(data: bytes, report: ImportReport) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        for number, raw in enumerate(data.split(b"\n"), start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                report.errors.append((number, "not UTF-8 text; save the file as CSV UTF-8"))
                return None
        report.errors.append((1, "not UTF-8 text; save the file as CSV UTF-8"))
        return None


def _records(text: str, report: ImportReport) -> list[tuple[int, dict[str, str]]]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        report.errors.append((1, "the file is empty; the first line must be the header row"))
        return []
    names = [HEADER_ALIASES.get(cell.strip().lower(), cell.strip().lower()) for cell in header]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        report.errors.append((1, f"unknown column(s): {', '.join(unknown)}"))
    missing = [name for name in ("type", "office", "date") if name not in names]
    if missing:
        report.errors.append((1, f"missing column(s): {', '.join(missing)}"))
    if report.errors:
        return []
    records = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(names):
            report.errors.append(
                (reader.line_num, f"{len(cells)} cells but the header has {len(names)}")
            )
            continue
        records.append(
            (reader.line_num, {n: c.strip() for n, c in zip(names, cells, strict=False)})
        )
    return records


def _apply(row: _Row, session: Session, report: ImportReport) -> None:
    office_id = row.office.id if row.office else None
    if row.type == "quota":
        assert row.office is not None
        service_id = row.service.id if row.service else None
        release = session.execute(
            select(QuotaRelease).where(
                QuotaRelease.office_id == office_id,
                QuotaRelease.opens_at == row.opens_at,
                QuotaRelease.service_id.is_(None)
                if service_id is None
                else QuotaRelease.service_id == service_id,
            )
        ).scalar_one_or_none()
        values = {"slots": row.slots, "booking_channel": row.channel, "note": row.note}
        if release is None:
            session.add(
                QuotaRelease(
                    office_id=office_id, service_id=service_id, opens_at=row.opens_at, **values
                )
            )
            report.created += 1
        elif any(getattr(release, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(release, name, value)
            report.updated += 1
        else:
            report.unchanged += 1
        return
    closure = session.execute(
        select(Closure).where(
            Closure.day == row.day,
            Closure.office_id.is_(None) if office_id is None else Closure.office_id == office_id,
        )
    ).scalar_one_or_none()
    if closure is None:
        session.add(
            Closure(
                office_id=office_id, day=row.day, reason=row.note, kind=row.kind, source="import"
            )
        )
        report.created += 1
    elif (closure.reason, closure.kind) != (row.note, row.kind):
        closure.reason, closure.kind, closure.source = row.note, row.kind, "import"
        report.updated += 1
    else:
        report.unchanged += 1


def import_schedule_text(text: str, *, session: Session) -> ImportReport:
    """Validate every row, then upsert them all, or nothing when any row is bad."""
    report = ImportReport()
    records = _records(text.lstrip("\ufeff"), report)
    offices = list(session.execute(select(Office)).scalars())
    validator = _Validator(offices, list(session.execute(select(Service)).scalars()))
    rows: list[_Row] = []
    seen: dict[tuple[object, ...], int] = {}
    for line, record in records:
        try:
            row = validator.row(line, record)
        except ValueError as exc:
            report.errors.append((line, str(exc)))
            continue
        if row.key() in seen:
            report.errors.append((line, f"duplicate of line {seen[row.key()]}"))
            continue
        seen[row.key()] = line
        rows.append(row)
    if not rows and not report.errors:
        report.errors.append((1, "the file has a header but no rows"))
    if report.errors:
        report.errors.sort()
        return report
    for row in rows:
        _apply(row, session, report)
    session.flush()
    return report


def import_schedule_file(path: Path | str, *, session: Session) -> ImportReport:
    """Import a CSV file from disk; see `import_schedule_text`."""
    report = ImportReport()
    text = _decode(Path(path).read_bytes(), report)
    if text is None:
        return report
    return import_schedule_text(text, session=session)
