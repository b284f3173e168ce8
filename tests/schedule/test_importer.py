"""CSV import of quota releases and closures: validation, idempotence, Excel quirks."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.schedule.importer import import_schedule_file, import_schedule_text
from bot.schedule.models import Closure, QuotaRelease

WIB = ZoneInfo("Asia/Jakarta")

GOOD = """type,office,date,time,service,slots,channel,note,kind
quota,pontianak,2027-03-05,14:00,,200,,Kuota pekan 8-12 Maret,
kuota,kanim skw,17/03/2027,10.00,e-paspor-5,25,M-Paspor,,
closure,semua,2027-02-05,,,,,Cuti bersama Imlek,cuti_bersama
tutup,mpp,2027-02-10,,,,,Pemeliharaan gedung MPP,
"""


def _count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_good_file(seeded, tmp_path) -> None:
    path = tmp_path / "jadwal.csv"
    path.write_text(GOOD, encoding="utf-8")
    releases, closures = _count(seeded, QuotaRelease), _count(seeded, Closure)
    report = import_schedule_file(path, session=seeded)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert _count(seeded, QuotaRelease) == releases + 2
    assert _count(seeded, Closure) == closures + 2
    release = seeded.execute(
        select(QuotaRelease).where(QuotaRelease.opens_at == datetime(2027, 3, 17, 10, tzinfo=WIB))
    ).scalar_one()
    assert (release.office.key, release.service.key, release.slots) == (
        "singkawang",
        "e-paspor-5",
        25,
    )
    everyone = seeded.execute(select(Closure).where(Closure.day == date(2027, 2, 5))).scalar_one()
    assert everyone.office_id is None and everyone.kind == "cuti_bersama"
    assert everyone.source == "import"


def test_reimport_changes_nothing_and_updates_changed_rows(seeded, tmp_path) -> None:
    path = tmp_path / "jadwal.csv"
    path.write_text(GOOD, encoding="utf-8")
    import_schedule_file(path, session=seeded)
    total = _count(seeded, QuotaRelease) + _count(seeded, Closure)
    again = import_schedule_file(path, session=seeded)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 4, [])
    path.write_text(GOOD.replace(",200,", ",180,"), encoding="utf-8")
    changed = import_schedule_file(path, session=seeded)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 3)
    assert _count(seeded, QuotaRelease) + _count(seeded, Closure) == total
    slots = seeded.execute(
        select(QuotaRelease.slots).where(
            QuotaRelease.opens_at == datetime(2027, 3, 5, 14, tzinfo=WIB)
        )
    ).scalar_one()
    assert slots == 180


def test_bad_rows_are_all_reported_and_nothing_is_imported(seeded, tmp_path) -> None:
    bad = (
        "type,office,date,time,service,slots,channel,note,kind\n"
        "quota,pontianak,2027-01-08,14:00,,200,,,\n"  # line 2: fine
        "quota,jakarta,2027-01-08,14:00,,200,,,\n"  # line 3: unknown office
        "quota,pontianak,2027-02-30,14:00,,,,,\n"  # line 4: no such date
        "quota,pontianak,2027-01-09,,,,,,\n"  # line 5: no time
        "quota,pontianak,2027-01-10,25:00,,,,,\n"  # line 6: bad time
        "quota,pontianak,2027-01-11,09:00,,-5,,,\n"  # line 7: bad slots
        "closure,all,2027-02-05,,,,,,\n"  # line 8: no reason
        "libur,pontianak,2027-02-05,,,,,Libur,\n"  # line 9: bad type
        "quota,mpp,2027-01-12,09:00,hilang,,,,\n"  # line 10: MPP does not offer it
        "quota,pontianak,08/01/2027,14.00,,200,,,\n"  # line 11: duplicate of line 2
        "closure,pontianak,2027-02-06,,,,,Rapat,holiday\n"  # line 12: bad kind
    )
    path = tmp_path / "salah.csv"
    path.write_text(bad, encoding="utf-8")
    before = _count(seeded, QuotaRelease), _count(seeded, Closure)
    report = import_schedule_file(path, session=seeded)
    assert [line for line, _ in report.errors] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    messages = dict(report.errors)
    assert "jakarta" in messages[3]
    assert "does not exist" in messages[4]
    assert "time is required" in messages[5]
    assert "duplicate of line 2" in messages[11]
    assert "hilang" in messages[10]
    assert report.created == report.updated == 0
    assert (_count(seeded, QuotaRelease), _count(seeded, Closure)) == before


def test_semicolon_file_with_bom_and_indonesian_headers(seeded, tmp_path) -> None:
    text = (
        "tipe;kantor;tanggal;jam;layanan;slot;kanal;catatan;kind\r\n"
        "kuota;Singkawang;10/03/2027;10.00;;60;;Kuota, pekan depan;\r\n"
        "tutup;;2027-03-01;;;;;Libur contoh;cuti_bersama\r\n"
    )
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    report = import_schedule_file(path, session=seeded)
    assert report.errors == []
    assert report.created == 2
    closure = seeded.execute(select(Closure).where(Closure.day == date(2027, 3, 1))).scalar_one()
    assert closure.office_id is None
    note = seeded.execute(
        select(QuotaRelease.note).where(
            QuotaRelease.opens_at == datetime(2027, 3, 10, 10, tzinfo=WIB)
        )
    ).scalar_one()
    assert note == "Kuota, pekan depan"


def test_header_problems_are_reported_on_line_1(seeded) -> None:
    report = import_schedule_text("tipe,kantor,slotz\nquota,pontianak,1\n", session=seeded)
    assert [line for line, _ in report.errors] == [1, 1]
    assert "slotz" in report.errors[0][1] + report.errors[1][1]
    assert import_schedule_text("", session=seeded).errors[0][0] == 1


def test_non_utf8_file_is_rejected(seeded, tmp_path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "type,office,date,time,note\nclosure,all,2027-02-05,,Libur café\n".encode("latin-1")
    )
    report = import_schedule_file(path, session=seeded)
    assert report.errors and report.errors[0][0] == 2
