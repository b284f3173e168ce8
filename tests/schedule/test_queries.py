"""Schedule queries on SQLite and PostgreSQL, against the demo data."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.schedule import queries
from bot.schedule.models import Closure, Office, QuotaRelease, Service

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("pontianak", "pontianak"),
        ("Pontianak", "pontianak"),
        ("kanim ptk", "pontianak"),
        ("KANIM  PTK", "pontianak"),
        ("kanimptk", "pontianak"),
        ("Kantor Imigrasi Kelas I TPI Pontianak", "pontianak"),
        ("mpp", "mpp-pontianak"),
        ("MPP-Pontianak", "mpp-pontianak"),
        ("kuota di mpp pontianak ada?", "mpp-pontianak"),
        ("mal pelayanan publik", "mpp-pontianak"),
        ("skw", "singkawang"),
        ("singkawang", "singkawang"),
        ("kalau di imigrasi singkawang gimana", "singkawang"),
        ("jakarta", None),
        ("", None),
    ],
)
def test_find_office(seeded, text, key) -> None:
    found = queries.find_office(text, session=seeded)
    assert (found.key if found else None) == key


def test_list_and_get_offices(seeded) -> None:
    offices = queries.list_offices(session=seeded)
    assert [office.key for office in offices] == ["pontianak", "mpp-pontianak", "singkawang"]
    mpp = queries.get_office("mpp-pontianak", session=seeded)
    assert mpp is not None and mpp.timezone == "Asia/Jakarta"
    assert "hilang" not in mpp.service_keys and "e-paspor-10" in mpp.service_keys
    assert queries.get_office("nope", session=seeded) is None


def test_services(seeded) -> None:
    passports = queries.list_services(session=seeded, category="passport")
    assert [s.key for s in passports] == [
        "paspor-biasa-5",
        "paspor-biasa-10",
        "e-paspor-5",
        "e-paspor-10",
    ]
    assert len(queries.list_services(session=seeded)) == 10
    child = queries.get_service("anak", session=seeded)
    assert child is not None and "Akta kelahiran anak" in child.requirements
    assert queries.get_service("visa", session=seeded) is None
    variants = queries.find_services("e-paspor", session=seeded)
    assert [s.key for s in variants] == ["e-paspor-5", "e-paspor-10"]
    assert [s.key for s in queries.find_services("rusak", session=seeded)] == ["rusak"]


def test_services_for_office(seeded) -> None:
    mpp = {s.key for s in queries.services_for_office("mpp-pontianak", session=seeded)}
    main = {s.key for s in queries.services_for_office("pontianak", session=seeded)}
    assert {"hilang", "rusak"} & mpp == set()
    assert {"hilang", "rusak", "percepatan", "e-paspor-5"} <= main
    with pytest.raises(queries.UnknownOfficeError):
        queries.services_for_office("nope", session=seeded)


def test_weekly_hours(seeded) -> None:
    hours = queries.weekly_hours("singkawang", session=seeded)
    assert [h.weekday for h in hours] == list(range(7))
    assert hours[0].opens.hour == 8 and hours[0].closes.hour == 16
    assert (hours[4].closes.hour, hours[4].closes.minute) == (16, 30)
    assert (hours[4].break_start.hour, hours[4].break_start.minute) == (11, 30)
    assert hours[5].opens is None and hours[6].opens is None


def test_day_schedule(seeded) -> None:
    christmas = queries.day_schedule("pontianak", date(2026, 12, 25), session=seeded)
    assert not christmas.is_open and christmas.closure_reason == "Hari Raya Natal"
    cuti = queries.day_schedule("singkawang", date(2026, 12, 24), session=seeded)
    assert not cuti.is_open and "Cuti bersama" in (cuti.closure_reason or "")
    monday = queries.day_schedule("pontianak", date(2026, 11, 30), session=seeded)
    assert monday.is_open and monday.hours is not None
    with pytest.raises(queries.UnknownOfficeError):
        queries.day_schedule("nope", date(2026, 11, 30), session=seeded)


def test_office_specific_closure_only_closes_that_office(seeded) -> None:
    office_id = seeded.query(Office.id).filter(Office.key == "singkawang").scalar()
    seeded.add(Closure(office_id=office_id, day=date(2026, 12, 3), reason="Rapat dinas"))
    seeded.flush()
    closed = queries.day_schedule("singkawang", date(2026, 12, 3), session=seeded)
    assert closed.closure_reason == "Rapat dinas"
    assert queries.day_schedule("pontianak", date(2026, 12, 3), session=seeded).is_open


def test_office_status_skips_long_weekend(seeded) -> None:
    at = datetime(2026, 12, 23, 17, 0, tzinfo=WIB)
    found = queries.office_status("pontianak", at, session=seeded)
    assert not found.is_open
    assert found.next_opening == datetime(2026, 12, 28, 8, 0, tzinfo=WIB)
    assert len(found.next_opening_reason_skipped) == 2


def test_office_status_during_break(seeded) -> None:
    at = datetime(2026, 12, 4, 5, 0, tzinfo=timezone.utc)  # Friday 12.00 WIB
    found = queries.office_status("mpp-pontianak", at, session=seeded)
    assert found.on_break and not found.is_open
    assert found.next_opening == datetime(2026, 12, 4, 13, 0, tzinfo=WIB)


def test_upcoming_releases_never_returns_past_or_current(seeded, now) -> None:
    releases = queries.upcoming_releases(session=seeded, now=now, limit=50)
    assert releases and all(r.opens_at > now for r in releases)
    assert [r.opens_at for r in releases] == sorted(r.opens_at for r in releases)
    first = releases[0]
    assert (first.office_key, first.slots) == ("mpp-pontianak", 50)
    assert first.opens_at == datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
    at_release = queries.upcoming_releases(session=seeded, now=first.opens_at, limit=50)
    assert first.opens_at not in [r.opens_at for r in at_release]


def test_upcoming_releases_filters(seeded, now) -> None:
    pontianak = queries.upcoming_releases(session=seeded, now=now, office_key="pontianak")
    assert len(pontianak) == 5
    assert all(r.office_key == "pontianak" and r.slots == 200 for r in pontianak)
    assert pontianak[0].opens_at.astimezone(WIB) == datetime(2026, 12, 4, 14, tzinfo=WIB)
    next_week = queries.upcoming_releases(
        session=seeded, now=now, start=date(2026, 11, 30), end=date(2026, 12, 6), limit=10
    )
    assert [r.office_key for r in next_week] == ["mpp-pontianak", "singkawang", "pontianak"]
    assert queries.upcoming_releases(session=seeded, now=now, office_key="nope") == []


def test_upcoming_releases_service_filter(seeded, now) -> None:
    office = seeded.query(Office).filter(Office.key == "singkawang").one()
    e_paspor = seeded.query(Service).filter(Service.key == "e-paspor-5").one()
    special = datetime(2026, 11, 30, 8, 0, tzinfo=WIB)
    seeded.add(QuotaRelease(office_id=office.id, service_id=e_paspor.id, opens_at=special))
    seeded.flush()
    found = queries.upcoming_releases(session=seeded, now=now, service_key="e-paspor-5")
    assert found[0].service_key == "e-paspor-5" and found[0].opens_at == special
    others = queries.upcoming_releases(session=seeded, now=now, service_key="paspor-biasa-5")
    assert all(r.service_key is None for r in others)


def test_upcoming_releases_default_now_is_the_current_time(seeded) -> None:
    office = seeded.query(Office).filter(Office.key == "singkawang").one()
    real_now = datetime.now(timezone.utc).replace(microsecond=0)
    past, future = real_now - timedelta(hours=1), real_now + timedelta(days=400)
    for moment in (past, future):
        seeded.add(QuotaRelease(office_id=office.id, opens_at=moment, note="real clock"))
    seeded.flush()
    found = queries.upcoming_releases(session=seeded, office_key="singkawang", limit=100)
    moments = [r.opens_at for r in found if r.note == "real clock"]
    assert moments == [future]
