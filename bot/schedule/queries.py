"""Read-only schedule queries; each takes `session=`, never commits, and returns views."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from bot.db.base import utcnow
from bot.schedule.dates import WIB
from bot.schedule.hours import SEARCH_DAYS, closed_hours, day_schedule_for, office_status_at
from bot.schedule.models import Closure, Office, OpeningHours, QuotaRelease, Service
from bot.schedule.views import (
    DayScheduleView,
    HoursView,
    OfficeStatusView,
    OfficeView,
    QuotaReleaseView,
    ServiceView,
)


class UnknownOfficeError(LookupError):
    """Raised when an office key does not exist."""


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def office_view(office: Office) -> OfficeView:
    """Convert an office row to its view."""
    services = sorted(office.services, key=lambda service: (service.sort_order, service.key))
    return OfficeView(
        key=office.key,
        name=office.name,
        short_name=office.short_name,
        address=office.address,
        city=office.city,
        timezone=office.timezone,
        phone=office.phone,
        maps_url=office.maps_url,
        notes=office.notes,
        service_keys=tuple(service.key for service in services),
    )


def service_view(service: Service) -> ServiceView:
    """Convert a service row to its view."""
    return ServiceView(
        key=service.key,
        name=service.name,
        category=service.category,
        description=service.description,
        fee=service.fee,
        fee_note=service.fee_note,
        requirements=tuple(service.requirement_list()),
        notes=service.notes,
    )


def _offices(session: Session) -> list[Office]:
    statement = select(Office).options(selectinload(Office.services)).order_by(Office.id)
    return list(session.execute(statement).scalars())


def _office(session: Session, key: str) -> Office:
    office = session.execute(select(Office).where(Office.key == key)).scalar_one_or_none()
    if office is None:
        raise UnknownOfficeError(key)
    return office


def list_offices(*, session: Session) -> list[OfficeView]:
    """Return every office in the order they were created."""
    return [office_view(office) for office in _offices(session)]


def get_office(key: str, *, session: Session) -> OfficeView | None:
    """Return the office with this key, or None."""
    statement = select(Office).where(Office.key == key).options(selectinload(Office.services))
    office = session.execute(statement).scalar_one_or_none()
    return office_view(office) if office is not None else None


def office_terms(office: Office) -> list[str]:
    """Return the normalised names an office may be called by."""
    terms = [office.key, office.name, office.short_name, *office.alias_list()]
    return [term for term in (_normalise(t) for t in terms) if term]


def match_office(text: str, offices: list[Office], *, exact: bool = False) -> Office | None:
    """Pick the office whose key, name or alias appears in `text` (the longest match wins)."""
    wanted = _normalise(text)
    if not wanted:
        return None
    best: tuple[int, Office] | None = None
    for office in offices:
        for term in office_terms(office):
            if wanted == term or wanted.replace(" ", "") == term.replace(" ", ""):
                return office
            found = not exact and f" {term} " in f" {wanted} "
            if found and (best is None or len(term) > best[0]):
                best = (len(term), office)
    return best[1] if best is not None else None


def find_office(text: str, *, session: Session) -> OfficeView | None:
    """Find the office a citizen means ("kanim ptk", "mpp", "skw"), or None."""
    office = match_office(text, _offices(session))
    return office_view(office) if office is not None else None


def list_services(*, session: Session, category: str | None = None) -> list[ServiceView]:
    """Return the services, optionally of one category, in display order."""
    statement = select(Service).order_by(Service.sort_order, Service.key)
    if category is not None:
        statement = statement.where(Service.category == category)
    return [service_view(service) for service in session.execute(statement).scalars()]


def get_service(key: str, *, session: Session) -> ServiceView | None:
    """Return the service with this key, or None."""
    service = session.execute(select(Service).where(Service.key == key)).scalar_one_or_none()
    return service_view(service) if service is not None else None


def find_services(key: str, *, session: Session) -> list[ServiceView]:
    """Return the service `key`, or its variants ("e-paspor" gives e-paspor-5 and e-paspor-10)."""
    statement = (
        select(Service)
        .where(or_(Service.key == key, Service.key.like(f"{key}-%")))
        .order_by(Service.sort_order, Service.key)
    )
    return [service_view(service) for service in session.execute(statement).scalars()]


def services_for_office(office_key: str, *, session: Session) -> list[ServiceView]:
    """Return the services an office offers; raise UnknownOfficeError for an unknown key."""
    office = _office(session, office_key)
    services = sorted(office.services, key=lambda service: (service.sort_order, service.key))
    return [service_view(service) for service in services]


def _hours(session: Session, office: Office) -> dict[int, HoursView]:
    rows = session.execute(select(OpeningHours).where(OpeningHours.office_id == office.id))
    return {
        row.weekday: HoursView(row.weekday, row.opens, row.closes, row.break_start, row.break_end)
        for row in rows.scalars()
    }


def _closures(session: Session, office: Office, start: date, end: date) -> dict[date, str]:
    """Return closure reasons by day; the office's own closure beats an all-office one."""
    statement = select(Closure).where(
        Closure.day >= start,
        Closure.day <= end,
        or_(Closure.office_id == office.id, Closure.office_id.is_(None)),
    )
    reasons: dict[date, str] = {}
    for closure in session.execute(statement).scalars():
        if closure.office_id is not None or closure.day not in reasons:
            reasons[closure.day] = closure.reason
    return reasons


def weekly_hours(office_key: str, *, session: Session) -> list[HoursView]:
    """Return the office's hours for Monday to Sunday; closed days have `opens=None`."""
    hours = _hours(session, _office(session, office_key))
    return [hours.get(weekday, closed_hours(weekday)) for weekday in range(7)]


def day_schedule(office_key: str, day: date, *, session: Session) -> DayScheduleView:
    """Return whether the office is open on `day`, with its hours or the closure reason."""
    office = _office(session, office_key)
    closures = _closures(session, office, day, day)
    return day_schedule_for(office_key, day, _hours(session, office), closures)


def office_status(office_key: str, at: datetime, *, session: Session) -> OfficeStatusView:
    """Return the office's state at `at` and its next opening within 60 days."""
    office = _office(session, office_key)
    zone = ZoneInfo(office.timezone)
    today = at.astimezone(zone).date()
    closures = _closures(session, office, today, today + timedelta(days=SEARCH_DAYS))
    return office_status_at(office_key, at, zone, _hours(session, office), closures)


def _release_view(release: QuotaRelease) -> QuotaReleaseView:
    return QuotaReleaseView(
        office_key=release.office.key,
        office_name=release.office.name,
        service_key=release.service.key if release.service else None,
        service_name=release.service.name if release.service else None,
        opens_at=release.opens_at,
        slots=release.slots,
        booking_channel=release.booking_channel,
        note=release.note,
    )


def upcoming_releases(
    *,
    session: Session,
    now: datetime | None = None,
    office_key: str | None = None,
    service_key: str | None = None,
    start: date | None = None,
    end: date | None = None,
    limit: int = 5,
) -> list[QuotaReleaseView]:
    """Return quota releases after `now` (default: the current time), soonest first.

    `start`/`end` limit the release dates (WIB, inclusive). A service filter also returns
    releases for all services (service NULL), since those include the asked-for service;
    a service key that is not in the database therefore gives only those general releases.
    An unknown office key matches nothing.
    """
    now = now or utcnow()
    statement = (
        select(QuotaRelease)
        .join(Office, QuotaRelease.office_id == Office.id)
        .where(QuotaRelease.opens_at > now)
        .options(selectinload(QuotaRelease.office), selectinload(QuotaRelease.service))
        .order_by(QuotaRelease.opens_at, Office.id, QuotaRelease.id)
        .limit(limit)
    )
    if office_key is not None:
        statement = statement.where(Office.key == office_key)
    if service_key is not None:
        service_ids = select(Service.id).where(Service.key == service_key).scalar_subquery()
        statement = statement.where(
            or_(QuotaRelease.service_id.is_(None), QuotaRelease.service_id == service_ids)
        )
    if start is not None:
        statement = statement.where(QuotaRelease.opens_at >= datetime.combine(start, time(), WIB))
    if end is not None:
        after = datetime.combine(end + timedelta(days=1), time(), WIB)
        statement = statement.where(QuotaRelease.opens_at < after)
    return [_release_view(release) for release in session.execute(statement).scalars()]
