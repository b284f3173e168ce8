"""The rows of a staff spreadsheet: a CSV file (UTF-8, comma or semicolon) or an .xlsx file.

Kept apart from the FAQ's columns and rules so that the importer reads as the rules alone.
Line numbers are the ones staff see in their editor: the header is line 1, and a CSV row that
holds line breaks inside quotes is numbered by the line it starts on.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path


class UnreadableFileError(ValueError):
    """Raised when the file is not a CSV or .xlsx file we can read."""


@dataclass(frozen=True)
class Sheet:
    """A header row and the non-empty rows under it, each with its line number."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_sheet(path: Path) -> Sheet | None:
    """Return the file's header and rows; None when it has no header row at all."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(path)
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    raise UnreadableFileError(f"{path.name}: use a .csv or .xlsx file")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_csv(path: Path) -> Sheet | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFileError(f"{path.name}: not UTF-8 text (save the CSV as UTF-8)") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return None
    rows: list[tuple[int, list[str]]] = []
    start = reader.line_num + 1
    for row in reader:
        cells = [cell.strip() for cell in row]
        if any(cells):
            rows.append((start, cells))
        start = reader.line_num + 1
    return Sheet(header, rows)


def _read_xlsx(path: Path) -> Sheet | None:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a bad file
        raise UnreadableFileError(f"{path.name}: not a readable .xlsx file ({exc})") from None
    try:
        sheet = workbook.worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not values:
        return None
    rows = [
        (number, cells)
        for number, cells in enumerate(([_cell(v) for v in row] for row in values[1:]), start=2)
        if any(cells)
    ]
    return Sheet([_cell(name) for name in values[0]], rows)


def write_sheet(path: Path, rows: list[list[str]]) -> None:
    """Write rows (the header first) to a CSV or .xlsx file, chosen by the file's suffix."""
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
