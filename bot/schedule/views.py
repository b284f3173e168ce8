"""Plain, immutable views that query functions return; safe to use after the session closes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time


@dataclass(frozen=True)
class OfficeView:
    key: str
    name: str
    short_name: str
    address: str
    city: str
    timezone: str
    phone: str | None = None
    maps_url: str | None = None
    notes: str | None = None
    service_keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServiceView:
    key: str
    name: str
    category: str  # "passport", "addon" or "case" (requirements for a situation)
    description: str
    fee: int | None  # rupiah; None when the service has no fee of its own
    fee_note: str | None
    requirements: tuple[str, ...]
    notes: str | None = None


@dataclass(frozen=True)
class HoursView:
    """Opening hours of one weekday (0 = Monday); `opens is None` means closed all day."""

    weekday: int
    opens: time | None
    closes: time | None
    break_start: time | None = None
    break_end: time | None = None


@dataclass(frozen=True)
class DayScheduleView:
    """Whether an office serves the public on a date, and when."""

    office_key: str
    day: date
    is_open: bool
    hours: HoursView | None
    closure_reason: str | None = None  # e.g. "Hari Natal", "Cuti bersama", "Sabtu/Minggu"


@dataclass(frozen=True)
class OfficeStatusView:
    """The office's state at one instant, with the next time it opens when it is closed."""

    office_key: str
    at: datetime
    is_open: bool
    on_break: bool
    today: DayScheduleView
    closes_at: datetime | None = None
    next_opening: datetime | None = None
    next_opening_reason_skipped: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class QuotaReleaseView:
    office_key: str
    office_name: str
    service_key: str | None
    service_name: str | None
    opens_at: datetime  # aware
    slots: int | None
    booking_channel: str
    note: str | None = None
