"""English forms of what the schedule database and its helpers give in Indonesian.

Dates and times are formatted here; service names come from a label map for the known service
keys (the database keeps one, Indonesian, name: a service staff add later keeps it). Closure
reasons the assistant itself derives (national holidays, no hours on a weekday) are given in
English; reasons staff wrote stay as written.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

import holidays

from bot.schedule import dates, hours

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

SERVICE_NAMES = {
    "paspor-biasa-5": "Ordinary passport (non-electronic), 48 pages, valid for 5 years",
    "paspor-biasa-10": "Ordinary passport (non-electronic), 48 pages, valid for 10 years",
    "e-paspor-5": "E-passport (electronic), 48 pages, valid for 5 years",
    "e-paspor-10": "E-passport (electronic), 48 pages, valid for 10 years",
    "percepatan": "Express passport service (ready on the same day)",
    "baru": "New passport (adults)",
    "penggantian": "Passport renewal (expired or pages full)",
    "anak": "Child's passport (under 17)",
    "hilang": "Lost passport replacement",
    "rusak": "Damaged passport replacement",
}


def service_name(key: str, indonesian_name: str) -> str:
    """Return the English name of a known service, else the database's own name."""
    return SERVICE_NAMES.get(key, indonesian_name)


def format_date(d: date) -> str:
    """Format a date for English replies: "Friday, 4 December 2026"."""
    return f"{DAY_NAMES[d.weekday()]}, {d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


def format_datetime(dt: datetime, tz: tzinfo | str = dates.WIB) -> str:
    """Format an aware datetime in `tz`: "Friday, 4 December 2026 at 14.00 WIB"."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    local = dt.astimezone(zone)
    abbreviation = dates.TZ_ABBREVIATIONS.get(str(zone)) or local.tzname() or str(zone)
    return f"{format_date(local.date())} at {local:%H.%M} {abbreviation}"


def format_period(start: date, end: date) -> str:
    """Format a day or a range of days: "Friday, 4 December 2026", "30 Nov–6 Dec 2026"."""
    if start == end:
        return format_date(start)
    first = f"{start.day} {MONTH_NAMES[start.month - 1][:3]}"
    if start.year != end.year:
        first += f" {start.year}"
    return f"{first}–{end.day} {MONTH_NAMES[end.month - 1][:3]} {end.year}"


def closure_reason(day: date, reason: str) -> str:
    """Return the English reason for a closed day when the assistant derived it, else `reason`."""
    if reason == hours.holiday_name(day):
        english = holidays.country_holidays("ID", years=day.year, language="en_US").get(day)
        return str(english) if english else reason
    if reason == hours.no_hours_reason(day.weekday()):
        name = DAY_NAMES[day.weekday()]
        return f"weekend ({name})" if day.weekday() >= 5 else f"no service on {name}s"
    return reason
