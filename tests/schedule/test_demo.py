"""Demo data: idempotent, and it covers the facts sheet."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.schedule import queries
from bot.schedule.demo import database_is_empty, sample_cuti_bersama, seed_demo
from bot.schedule.models import Closure, Office, OpeningHours, QuotaRelease, Service

WIB = ZoneInfo("Asia/Jakarta")


def _counts(session) -> tuple[int, ...]:
    models = (Office, Service, OpeningHours, Closure, QuotaRelease)
    return tuple(
        session.execute(select(func.count()).select_from(model)).scalar_one() for model in models
    )


def test_seed_is_idempotent(session, now) -> None:
    assert database_is_empty(session=session)
    assert seed_demo(session=session, now=now) > 0
    assert not database_is_empty(session=session)
    first = _counts(session)
    assert seed_demo(session=session, now=now) == 0
    assert _counts(session) == first
    assert first[:3] == (3, 10, 15)


def test_seed_keeps_staff_edits(session, now) -> None:
    seed_demo(session=session, now=now)
    office = session.execute(select(Office).where(Office.key == "pontianak")).scalar_one()
    office.address = "Alamat asli kantor"
    session.flush()
    seed_demo(session=session, now=now)
    assert queries.get_office("pontianak", session=session).address == "Alamat asli kantor"


def test_fees_cover_the_facts(seeded) -> None:
    fees = {s.key: s.fee for s in queries.list_services(session=seeded)}
    assert fees["paspor-biasa-5"] == 350_000
    assert fees["paspor-biasa-10"] == 650_000
    assert fees["e-paspor-5"] == 650_000
    assert fees["e-paspor-10"] == 950_000
    assert fees["percepatan"] == 1_000_000
    assert fees["hilang"] == 1_000_000
    assert fees["rusak"] == 500_000
    lost = queries.get_service("hilang", session=seeded)
    assert "bencana alam" in lost.fee_note and "biaya paspor" in lost.fee_note
    assert any("kepolisian" in line for line in lost.requirements)
    assert "17 tahun" in queries.get_service("paspor-biasa-10", session=seeded).fee_note
    assert "tunai" in queries.get_service("e-paspor-5", session=seeded).notes


def test_requirements_cover_the_facts(seeded) -> None:
    new = queries.get_service("baru", session=seeded).requirements
    assert new[:2] == ("e-KTP", "Kartu Keluarga (KK)") and "surat baptis" in new[2]
    assert queries.get_service("penggantian", session=seeded).requirements == (
        "e-KTP",
        "Paspor lama",
    )
    child = queries.get_service("anak", session=seeded)
    assert "e-KTP kedua orang tua" in child.requirements and "orang tua" in child.notes
    assert "Paspor yang rusak" in queries.get_service("rusak", session=seeded).requirements


def test_offices_hours_and_mpp_scope(seeded) -> None:
    for key in ("pontianak", "mpp-pontianak", "singkawang"):
        office = queries.get_office(key, session=seeded)
        assert office is not None and office.address and office.timezone == "Asia/Jakarta"
        hours = queries.weekly_hours(key, session=seeded)
        assert [h.opens is not None for h in hours] == [True] * 5 + [False] * 2
    mpp = set(queries.get_office("mpp-pontianak", session=seeded).service_keys)
    assert not mpp & {"hilang", "rusak"}
    assert {"hilang", "rusak"} <= set(queries.get_office("singkawang", session=seeded).service_keys)


def test_weekly_releases_for_eight_weeks(seeded, now) -> None:
    expected = {"pontianak": (4, 14, 200), "mpp-pontianak": (1, 9, 50), "singkawang": (2, 10, 60)}
    for key, (weekday, hour, slots) in expected.items():
        releases = queries.upcoming_releases(session=seeded, now=now, office_key=key, limit=20)
        assert len(releases) == 8
        for release in releases:
            local = release.opens_at.astimezone(WIB)
            assert (local.weekday(), local.hour, release.slots) == (weekday, hour, slots)
            assert release.booking_channel == "M-Paspor"
            assert release.note.startswith("Kuota untuk pekan berikutnya")
        assert releases[-1].opens_at - releases[0].opens_at == timedelta(weeks=7)


def test_sample_cuti_bersama_is_marked_as_sample(seeded, now) -> None:
    closures = seeded.execute(select(Closure)).scalars().all()
    years = {closure.day.year for closure in closures}
    assert years == {2026, 2027}
    assert all(c.source == "demo-sample" and "contoh" in c.reason for c in closures)
    assert all(c.kind == "cuti_bersama" and c.day.weekday() < 5 for c in closures)
    assert date(2026, 12, 24) in sample_cuti_bersama(2026)


def test_releases_are_after_now_even_late_on_release_day(session) -> None:
    friday_after_release = datetime(2026, 12, 4, 15, 0, tzinfo=WIB)
    seed_demo(session=session, now=friday_after_release)
    first = queries.upcoming_releases(
        session=session, now=friday_after_release, office_key="pontianak"
    )[0]
    assert first.opens_at == datetime(2026, 12, 11, 14, 0, tzinfo=WIB)
