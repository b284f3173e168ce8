"""Opening-hours arithmetic: national holidays, closures, the state of an office at an instant.

Pure functions over views, so that they are easy to test; `queries.py` loads the data.
Precedence of reasons for a closed day: the office's own closure, an all-office closure
(cuti bersama), a national holiday (`holidays.Indonesia`, Indonesian names), then the weekday
having no opening hours (weekend).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

from bot.schedule.dates import DAY_NAMES, format_date_id
from bot.schedule.views import DayScheduleView, HoursView, OfficeStatusView

SEARCH_DAYS = 60


@functools.lru_cache(maxsize=16)
def national_holidays(year: int) -> Mapping[date, str]:
    """Return Indonesia's national public holidays of a year with their Indonesian names."""
    calendar = holidays.country_holidays("ID", years=year, language="id")
    return dict(calendar.items())


def holiday_name(day: date) -> str | None:
    """Return the national holiday's name on `day`, or None on an ordinary day."""
    return national_holidays(day.year).get(day)


def no_hours_reason(weekday: int) -> str:
    """Explain why a weekday without opening hours is closed."""
    if weekday >= 5:
        return f"Libur akhir pekan (hari {DAY_NAMES[weekday]})"
    return f"Tidak ada layanan pada hari {DAY_NAMES[weekday]}"


def closed_hours(weekday: int) -> HoursView:
    """Return the hours view of a weekday on which the office is closed."""
    return HoursView(weekday=weekday, opens=None, closes=None)


def day_schedule_for(
    office_key: str,
    day: date,
    hours: Mapping[int, HoursView],
    closures: Mapping[date, str],
) -> DayScheduleView:
    """Decide whether the office serves the public on `day`, and why not when it does not.

    Args:
        office_key: the office's key, copied into the view.
        day: the local calendar day.
        hours: opening hours by weekday; a missing weekday means closed.
        closures: closure reasons by day, already merged for this office.
    """
    weekly = hours.get(day.weekday())
    reason = closures.get(day) or holiday_name(day)
    if reason is None and (weekly is None or weekly.opens is None):
        reason = no_hours_reason(day.weekday())
    if reason is not None:
        return DayScheduleView(office_key, day, False, weekly, closure_reason=reason)
    return DayScheduleView(office_key, day, True, weekly)


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


def office_status_at(
    office_key: str,
    at: datetime,
    zone: ZoneInfo,
    hours: Mapping[int, HoursView],
    closures: Mapping[date, str],
) -> OfficeStatusView:
    """Return whether the office is open, on break or closed at `at`, and when it opens next.

    `closes_at` is the end of today's service (the break is in `today.hours`) while the office
    is open or on its break. `next_opening_reason_skipped` lists the holidays and closures
    (not plain weekends) between now and the next opening, as "Kamis, 24 Desember 2026: ...".
    `closures` must cover today and the next SEARCH_DAYS days.
    """
    if at.tzinfo is None:
        raise ValueError("at must be an aware datetime")
    local = at.astimezone(zone)
    today = day_schedule_for(office_key, local.date(), hours, closures)
    now = local.time().replace(tzinfo=None)
    if today.is_open and today.hours is not None:
        window = today.hours
        assert window.opens is not None and window.closes is not None
        closes_at = _at(today.day, window.closes, zone)
        if now < window.opens:
            opening = _at(today.day, window.opens, zone)
            return OfficeStatusView(office_key, at, False, False, today, next_opening=opening)
        in_break = (
            window.break_start is not None
            and window.break_end is not None
            and window.break_start <= now < window.break_end
        )
        if in_break:
            assert window.break_end is not None
            back = _at(today.day, window.break_end, zone)
            return OfficeStatusView(office_key, at, False, True, today, closes_at, back)
        if now < window.closes:
            return OfficeStatusView(office_key, at, True, False, today, closes_at=closes_at)
    skipped: list[str] = []
    if not today.is_open and today.hours is not None and today.hours.opens is not None:
        skipped.append(f"{format_date_id(today.day)}: {today.closure_reason}")
    for offset in range(1, SEARCH_DAYS + 1):
        day = today.day + timedelta(days=offset)
        schedule = day_schedule_for(office_key, day, hours, closures)
        if schedule.is_open and schedule.hours is not None and schedule.hours.opens is not None:
            opening = _at(day, schedule.hours.opens, zone)
            return OfficeStatusView(
                office_key,
                at,
                False,
                False,
                today,
                next_opening=opening,
                next_opening_reason_skipped=tuple(skipped),
            )
        weekly = hours.get(day.weekday())
        if weekly is not None and weekly.opens is not None:
            skipped.append(f"{format_date_id(day)}: {schedule.closure_reason}")
    return OfficeStatusView(
        office_key, at, False, False, today, next_opening_reason_skipped=tuple(skipped)
    )
