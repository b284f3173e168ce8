"""Office state at an instant: before opening, on break, after closing, holidays, closures."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.schedule.hours import day_schedule_for, holiday_name, office_status_at
from bot.schedule.views import HoursView

WIB = ZoneInfo("Asia/Jakarta")
HOURS = {
    **{day: HoursView(day, time(8), time(16), time(12), time(13)) for day in range(4)},
    4: HoursView(4, time(8), time(16, 30), time(11, 30), time(13)),
}
CUTI = {date(2026, 12, 24): "Cuti bersama Hari Raya Natal"}


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


def status(moment: datetime, closures: dict[date, str] | None = None):
    return office_status_at("pontianak", moment, WIB, HOURS, closures or {})


def test_national_holidays_have_indonesian_names() -> None:
    assert holiday_name(date(2026, 12, 25)) == "Hari Raya Natal"
    assert holiday_name(date(2026, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert holiday_name(date(2026, 12, 23)) is None


@pytest.mark.parametrize(
    ("moment", "is_open", "on_break", "closes_at", "next_opening"),
    [
        # Tuesday 1 December 2026
        (at(1, 7, 59), False, False, None, at(1, 8)),
        (at(1, 8), True, False, at(1, 16), None),
        (at(1, 11, 59), True, False, at(1, 16), None),
        (at(1, 12), False, True, at(1, 16), at(1, 13)),
        (at(1, 12, 30), False, True, at(1, 16), at(1, 13)),
        (at(1, 13), True, False, at(1, 16), None),
        (at(1, 16), False, False, None, at(2, 8)),
        (at(1, 21), False, False, None, at(2, 8)),
        # Friday 4 December: break from 11.30, open until 16.30
        (at(4, 11, 30), False, True, at(4, 16, 30), at(4, 13)),
        (at(4, 16, 15), True, False, at(4, 16, 30), None),
        (at(4, 16, 30), False, False, None, at(7, 8)),
        # Saturday and Sunday
        (at(5, 10), False, False, None, at(7, 8)),
        (at(6, 10), False, False, None, at(7, 8)),
    ],
)
def test_status(moment, is_open, on_break, closes_at, next_opening) -> None:
    found = status(moment)
    assert (found.is_open, found.on_break) == (is_open, on_break)
    assert found.closes_at == closes_at
    assert found.next_opening == next_opening


def test_status_accepts_utc_and_uses_office_time() -> None:
    found = status(datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc))  # 09.00 WIB
    assert found.is_open
    assert found.today.day == date(2026, 12, 1)


def test_weekend_reason() -> None:
    found = status(at(5, 10))
    assert not found.today.is_open
    assert "Sabtu" in (found.today.closure_reason or "")
    assert found.next_opening_reason_skipped == ()


def test_christmas_is_closed_with_its_name() -> None:
    schedule = day_schedule_for("pontianak", date(2026, 12, 25), HOURS, {})
    assert not schedule.is_open
    assert schedule.closure_reason == "Hari Raya Natal"


def test_cuti_bersama_closes_the_day() -> None:
    found = status(at(24, 9), CUTI)
    assert not found.is_open and not found.on_break
    assert found.today.closure_reason == "Cuti bersama Hari Raya Natal"
    assert found.next_opening == at(28, 8)


def test_next_opening_skips_a_long_weekend() -> None:
    # Wednesday 23 December after closing: Thu cuti bersama, Fri Christmas, then the weekend.
    found = status(at(23, 17), CUTI)
    assert found.next_opening == at(28, 8)
    assert found.next_opening_reason_skipped == (
        "Kamis, 24 Desember 2026: Cuti bersama Hari Raya Natal",
        "Jumat, 25 Desember 2026: Hari Raya Natal",
    )


def test_office_closure_beats_ordinary_hours() -> None:
    closures = {date(2026, 12, 2): "Pemeliharaan sistem"}
    found = status(at(2, 9), closures)
    assert not found.is_open
    assert found.today.closure_reason == "Pemeliharaan sistem"
    assert found.next_opening == at(3, 8)


def test_no_opening_within_the_search_window() -> None:
    closures = {date(2026, 12, 1) + timedelta(days=n): "Renovasi" for n in range(70)}
    found = status(at(1, 9), closures)
    assert found.next_opening is None
    assert not found.is_open


def test_naive_instant_is_rejected() -> None:
    with pytest.raises(ValueError):
        status(datetime(2026, 12, 1, 9))
