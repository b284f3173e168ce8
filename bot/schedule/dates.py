"""Understand colloquial Indonesian (and basic English) dates; format dates in Indonesian.

Decisions about the ambiguous word "minggu" (Sunday, or week):
- "minggu ini/depan/lalu", "mgg dpn", "pekan depan" mean a week (Monday to Sunday).
- "hari minggu", "hr minggu ini", "ahad" and a bare "minggu" mean Sunday.
- "<weekday> minggu depan" ("senin minggu depan") means that weekday in next week.
Other decisions: a bare weekday or "<weekday> ini" is its next occurrence (today counts);
"<weekday> depan" is that weekday in next calendar week; a day and month without a year that has
already passed this year means next year; "tanggal 5" alone means the next 5th of a month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")

DAY_NAMES = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
MONTH_NAMES = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
MONTH_SHORT = (
    "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des",
)  # fmt: skip
TZ_ABBREVIATIONS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA"}

_WEEKDAY_ALIASES = {
    0: "senin snin sen monday",
    1: "selasa slasa sls tuesday",
    2: "rabu rebo wednesday",
    3: "kamis kms thursday",
    4: "jumat jumaat jmt jumad jum friday",
    5: "sabtu sabtuu sbtu saturday",
    6: "minggu mgg ahad sunday",
}
WEEKDAYS = {alias: day for day, words in _WEEKDAY_ALIASES.items() for alias in words.split()}

_MONTH_ALIASES = {
    1: "januari jan january",
    2: "februari pebruari feb february",
    3: "maret mar march",
    4: "april apr",
    5: "mei may",
    6: "juni jun june",
    7: "juli jul july",
    8: "agustus agu agt ags agus august aug",
    9: "september sept sep",
    10: "oktober okt october oct",
    11: "november nopember nov nop",
    12: "desember des december dec",
}
MONTHS = {alias: month for month, words in _MONTH_ALIASES.items() for alias in words.split()}

_TODAY = r"hari ini|hr ini|hri ini|skrg|skrang|sekarang|sekarng|today|now"
_TOMORROW = r"besok|bsk|besuk|bsok|besog|tomorrow"
_DAY_AFTER = r"lusa|besok lusa|day after tomorrow"
_YESTERDAY = r"kemarin|kemaren|kmrn|kmarin|yesterday"
_WEEK = r"minggu|mgg|mingu|pekan|week"
_NEXT = r"depan|dpn|dpan|dep|next|yang akan datang|yad"
_THIS = r"ini|this"
_LAST = r"lalu|kemarin|kemaren|last"
_WEEKDAY = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of dates with a human Indonesian label."""

    start: date
    end: date
    label: str


def format_date_id(d: date) -> str:
    """Format a date the Indonesian way: "Jumat, 4 Desember 2026"."""
    return f"{DAY_NAMES[d.weekday()]}, {d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def format_datetime_id(dt: datetime, tz: tzinfo | str = WIB) -> str:
    """Format an aware datetime in `tz`: "Jumat, 4 Desember 2026 pukul 14.00 WIB"."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    local = dt.astimezone(zone)
    abbreviation = TZ_ABBREVIATIONS.get(str(zone)) or local.tzname() or str(zone)
    return f"{format_date_id(local.date())} pukul {local:%H.%M} {abbreviation}"


def format_range_id(start: date, end: date) -> str:
    """Format a date range compactly: "30 Nov–6 Des 2026"."""
    if start == end:
        return f"{start.day} {MONTH_SHORT[start.month - 1]} {start.year}"
    if start.year != end.year:
        return (
            f"{start.day} {MONTH_SHORT[start.month - 1]} {start.year}–"
            f"{end.day} {MONTH_SHORT[end.month - 1]} {end.year}"
        )
    if start.month != end.month:
        start_text = f"{start.day} {MONTH_SHORT[start.month - 1]}"
        return f"{start_text}–{end.day} {MONTH_SHORT[end.month - 1]} {end.year}"
    return f"{start.day}–{end.day} {MONTH_SHORT[end.month - 1]} {end.year}"


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "'").replace("`", "'")
    text = re.sub(r"(\w)'(\w)", r"\1\2", text)  # jum'at -> jumat
    text = re.sub(r"(?<!\d)[/\-.:]|[/\-.:](?!\d)", " ", text)  # keep 5/12, 14.00, 2026-12-05
    text = re.sub(r"[^\w/\-.:]+", " ", text)
    words = [_fix_typo(word) for word in text.split()]
    return " " + " ".join(words) + " "


_TYPO_TARGETS = (
    "januari", "februari", "agustus", "september", "oktober", "november", "desember", "selasa",
)  # fmt: skip


def _fix_typo(word: str) -> str:
    """Map a long word one edit away from a month or weekday name to that name."""
    if len(word) < 6 or word in MONTHS or word in WEEKDAYS:
        return word
    for target in _TYPO_TARGETS:
        if abs(len(target) - len(word)) <= 1 and _one_edit(word, target):
            return target
    return word


def _one_edit(a: str, b: str) -> bool:
    """Return True when a and b differ by one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _single(d: date, name: str | None = None) -> DateRange:
    label = f"{name} ({format_date_id(d)})" if name else format_date_id(d)
    return DateRange(d, d, label)


def _week_of(d: date) -> tuple[date, date]:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _month_range(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _day_month(day: int, month: int, year: int | None, today: date) -> DateRange | None:
    if year is not None:
        if year < 100:
            year += 2000
        found = _make_date(year, month, day)
        return _single(found) if found else None
    found = _make_date(today.year, month, day)
    if found is not None and found < today:
        found = _make_date(today.year + 1, month, day)
    if found is None:  # 29 February outside a leap year
        found = _make_date(today.year + 1, month, day)
    return _single(found) if found else None


def _explicit_date(text: str, today: date) -> DateRange | None:
    match = re.search(r" (\d{4})-(\d{1,2})-(\d{1,2}) ", text)
    if match:
        found = _make_date(int(match[1]), int(match[2]), int(match[3]))
        return _single(found) if found else None
    # Day/month needs a slash; with dashes a year is required ("3-4 hari" is not a date).
    match = re.search(r" (\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))? ", text) or re.search(
        r" (\d{1,2})-(\d{1,2})-(\d{4}|\d{2}) ", text
    )
    if match:
        year = int(match[3]) if match[3] else None
        return _day_month(int(match[1]), int(match[2]), year, today)
    match = re.search(rf" (\d{{1,2}}) ({_MONTH})(?: (\d{{4}}))? ", text)
    if match:
        year = int(match[3]) if match[3] else None
        return _day_month(int(match[1]), MONTHS[match[2]], year, today)
    match = re.search(rf" ({_MONTH}) (\d{{1,2}})(?: (\d{{4}}))? ", text)
    if match:
        year = int(match[3]) if match[3] else None
        return _day_month(int(match[2]), MONTHS[match[1]], year, today)
    match = re.search(r" (?:tanggal|tgl|tg|tangal|date) (\d{1,2}) ", text)
    if match:
        if re.search(rf" (?:bulan|bln) (?:{_NEXT}) ", text):
            year, month = _next_month(today)
            found = _make_date(year, month, int(match[1]))
            return _single(found) if found else None
        return _day_of_month(int(match[1]), today)
    return None


def _next_month(today: date) -> tuple[int, int]:
    return (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)


def _day_of_month(day: int, today: date) -> DateRange | None:
    year, month = today.year, today.month
    for _ in range(13):
        found = _make_date(year, month, day)
        if found is not None and found >= today:
            return _single(found)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def _weekday_label(d: date, today: date, suffix: str) -> DateRange:
    if d == today:
        return _single(d, "hari ini")
    if d == today + timedelta(days=1):
        return _single(d, "besok")
    name = DAY_NAMES[d.weekday()]
    return DateRange(d, d, f"{name} {suffix} ({d.day} {MONTH_NAMES[d.month - 1]} {d.year})")


def _in_week(weekday: int, today: date, modifier: str) -> DateRange:
    """Return the weekday in this week ("ini") or next week ("depan")."""
    monday, _ = _week_of(today)
    if re.fullmatch(_NEXT, modifier):
        monday += timedelta(days=7)
    found = monday + timedelta(days=weekday)
    return _weekday_label(found, today, "depan" if re.fullmatch(_NEXT, modifier) else "ini")


def _weekday_expression(text: str, today: date) -> DateRange | None:
    week, when = rf"(?:{_WEEK})", rf"({_NEXT}|{_THIS})"
    match = re.search(rf" (?:hari |hr )?({_WEEKDAY}) {week} {when} ", text)
    if match and (match[1] == "ahad" or WEEKDAYS[match[1]] != 6 or match[0][1] == "h"):
        return _in_week(WEEKDAYS[match[1]], today, match[2])
    match = re.search(rf" {week} {when} (?:hari |hr )?({_WEEKDAY}) ", text)
    if match:
        return _in_week(WEEKDAYS[match[2]], today, match[1])
    pattern = rf" (hari |hr |next |this )?({_WEEKDAY})(?: ({_NEXT}|{_THIS}|lalu))?(?= )"
    for match in re.finditer(pattern, text):
        prefix, word, modifier = match[1] or "", match[2], match[3]
        if WEEKDAYS[word] == 6 and word != "ahad" and not prefix.startswith("h"):
            if modifier is not None or re.match(r" \d| (?:lagi|kedepan) ", text[match.end() :]):
                continue  # "minggu ini/depan/lalu" is a week, handled elsewhere
            if text[: match.start() + 1].endswith(tuple(f" {n}" for n in range(10))):
                continue  # "2 minggu lagi"
        if modifier == "lalu":
            offset = (today.weekday() - WEEKDAYS[word]) % 7 or 7
            found = today - timedelta(days=offset)
            return _weekday_label(found, today, "lalu")
        if prefix == "next " or (modifier and re.fullmatch(_NEXT, modifier)):
            return _in_week(WEEKDAYS[word], today, "depan")
        offset = (WEEKDAYS[word] - today.weekday()) % 7
        return _weekday_label(today + timedelta(days=offset), today, "ini")
    return None


def _relative_expression(text: str, today: date) -> DateRange | None:
    week, month = rf"(?:{_WEEK})", r"(?:bulan|bln|month)"
    if re.search(r" (?:akhir pekan|akhir minggu|weekend) ", text):
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        sunday = saturday + timedelta(days=1)
        if today.weekday() == 6:
            saturday = sunday = today
        return DateRange(saturday, sunday, f"akhir pekan ({format_range_id(saturday, sunday)})")
    if re.search(rf" (?:{_DAY_AFTER}) ", text):
        return _single(today + timedelta(days=2), "lusa")
    if re.search(rf" {week} (?:{_NEXT}) ", text) or " next week " in text:
        start, end = _week_of(today + timedelta(days=7))
        return DateRange(start, end, f"minggu depan ({format_range_id(start, end)})")
    if re.search(rf" {week} (?:{_THIS}) ", text):
        start, end = _week_of(today)
        return DateRange(start, end, f"minggu ini ({format_range_id(start, end)})")
    if re.search(rf" {week} (?:{_LAST}) ", text):
        start, end = _week_of(today - timedelta(days=7))
        return DateRange(start, end, f"minggu lalu ({format_range_id(start, end)})")
    match = re.search(rf" (\d{{1,2}}) (hari|hr|{week}) (?:lagi|kedepan|ke depan) ", text)
    if match:
        count = int(match[1])
        if match[2] in ("hari", "hr"):
            return _single(today + timedelta(days=count), f"{count} hari lagi")
        start, end = _week_of(today + timedelta(days=7 * count))
        return DateRange(start, end, f"{count} minggu lagi ({format_range_id(start, end)})")
    if re.search(rf" {month} (?:{_NEXT}) ", text):
        year, number = _next_month(today)
        start, end = _month_range(year, number)
        return DateRange(start, end, f"bulan depan ({MONTH_NAMES[number - 1]} {year})")
    if re.search(rf" {month} (?:{_THIS}) ", text):
        start, end = _month_range(today.year, today.month)
        return DateRange(start, end, f"bulan ini ({MONTH_NAMES[today.month - 1]} {today.year})")
    if re.search(rf" (?:{_TOMORROW}) ", text):
        return _single(today + timedelta(days=1), "besok")
    if re.search(rf" (?:{_YESTERDAY}) ", text):
        return _single(today - timedelta(days=1), "kemarin")
    if re.search(rf" (?:{_TODAY}) ", text):
        return _single(today, "hari ini")
    return None


def parse_date_expression(text: str, *, now: datetime) -> DateRange | None:
    """Find a date expression in a message and resolve it in WIB; None when there is none."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    today = now.astimezone(WIB).date()
    normalised = _normalise(text)
    return (
        _explicit_date(normalised, today)
        or _weekday_expression(normalised, today)
        or _relative_expression(normalised, today)
    )
