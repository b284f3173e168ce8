"""Colloquial Indonesian date expressions resolved against fixed clocks."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from bot.schedule.dates import (
    DateRange,
    format_date_id,
    format_datetime_id,
    parse_date_expression,
)

WIB = timezone(timedelta(hours=7))
# Saturday 28 November 2026, 10.00 WIB (given in UTC to check the conversion).
SATURDAY = datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc)
# Wednesday 2 December 2026, 09.00 WIB.
WEDNESDAY = datetime(2026, 12, 2, 9, 0, tzinfo=WIB)
# Thursday 31 December 2026, 20.00 WIB: year rollover.
NEW_YEARS_EVE = datetime(2026, 12, 31, 20, 0, tzinfo=WIB)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


@pytest.mark.parametrize(
    ("text", "now", "start", "end"),
    [
        ("hari ini", SATURDAY, d(11, 28), d(11, 28)),
        ("hr ini buka gak?", SATURDAY, d(11, 28), d(11, 28)),
        ("skrg", SATURDAY, d(11, 28), d(11, 28)),
        ("kuota sekarang", SATURDAY, d(11, 28), d(11, 28)),
        ("today", SATURDAY, d(11, 28), d(11, 28)),
        ("besok", SATURDAY, d(11, 29), d(11, 29)),
        ("bsk buka?", SATURDAY, d(11, 29), d(11, 29)),
        ("Besuk kantor buka ga", SATURDAY, d(11, 29), d(11, 29)),
        ("tomorrow", WEDNESDAY, d(12, 3), d(12, 3)),
        ("lusa", SATURDAY, d(11, 30), d(11, 30)),
        ("besok lusa", WEDNESDAY, d(12, 4), d(12, 4)),
        ("kemarin", SATURDAY, d(11, 27), d(11, 27)),
        ("kemaren kuota habis", WEDNESDAY, d(12, 1), d(12, 1)),
        ("minggu ini", SATURDAY, d(11, 23), d(11, 29)),
        ("mgg ini ada kuota?", WEDNESDAY, d(11, 30), d(12, 6)),
        ("minggu ini buka?", SATURDAY, d(11, 23), d(11, 29)),
        ("minggu depan", SATURDAY, d(11, 30), d(12, 6)),
        ("ada kuota mgg dpn?", WEDNESDAY, d(12, 7), d(12, 13)),
        ("pekan depan", WEDNESDAY, d(12, 7), d(12, 13)),
        ("next week", SATURDAY, d(11, 30), d(12, 6)),
        ("minggu lalu", WEDNESDAY, d(11, 23), d(11, 29)),
        ("bulan depan", SATURDAY, d(12, 1), d(12, 31)),
        ("bulan depan", NEW_YEARS_EVE, d(1, 1, 2027), d(1, 31, 2027)),
        ("2 minggu lagi", WEDNESDAY, d(12, 14), d(12, 20)),
        ("3 hari lagi", WEDNESDAY, d(12, 5), d(12, 5)),
        ("senin", SATURDAY, d(11, 30), d(11, 30)),
        ("hari rabu", WEDNESDAY, d(12, 2), d(12, 2)),  # today counts
        ("kamis", WEDNESDAY, d(12, 3), d(12, 3)),
        ("jumat ini", WEDNESDAY, d(12, 4), d(12, 4)),
        ("jum'at", WEDNESDAY, d(12, 4), d(12, 4)),
        ("Jum’at buka jam berapa", WEDNESDAY, d(12, 4), d(12, 4)),
        ("jumaat", WEDNESDAY, d(12, 4), d(12, 4)),
        ("jmt", WEDNESDAY, d(12, 4), d(12, 4)),
        ("friday", WEDNESDAY, d(12, 4), d(12, 4)),
        ("jumat depan", WEDNESDAY, d(12, 11), d(12, 11)),
        ("next friday", WEDNESDAY, d(12, 11), d(12, 11)),
        ("selasa depan", SATURDAY, d(12, 1), d(12, 1)),
        ("senin minggu depan", WEDNESDAY, d(12, 7), d(12, 7)),
        ("minggu depan hari rabu", WEDNESDAY, d(12, 9), d(12, 9)),
        ("sabtu", WEDNESDAY, d(12, 5), d(12, 5)),
        ("minggu", WEDNESDAY, d(12, 6), d(12, 6)),  # bare "minggu" is Sunday
        ("hari minggu buka?", WEDNESDAY, d(12, 6), d(12, 6)),
        ("hari minggu ini", WEDNESDAY, d(12, 6), d(12, 6)),
        ("hari minggu depan", WEDNESDAY, d(12, 13), d(12, 13)),
        ("ahad", WEDNESDAY, d(12, 6), d(12, 6)),
        ("kamis lalu", WEDNESDAY, d(11, 26), d(11, 26)),
        ("akhir pekan", WEDNESDAY, d(12, 5), d(12, 6)),
        ("tanggal 5 Desember", SATURDAY, d(12, 5), d(12, 5)),
        ("tgl 5 des", SATURDAY, d(12, 5), d(12, 5)),
        ("tgl 5 desembr", SATURDAY, d(12, 5), d(12, 5)),  # typo
        ("tgl 17 agustus", SATURDAY, d(8, 17, 2027), d(8, 17, 2027)),  # passed → next year
        ("5/12", SATURDAY, d(12, 5), d(12, 5)),
        ("27/11", SATURDAY, d(11, 27, 2027), d(11, 27, 2027)),
        ("28/11", SATURDAY, d(11, 28), d(11, 28)),
        ("5-12-2026", SATURDAY, d(12, 5), d(12, 5)),
        ("05/01/2027", SATURDAY, d(1, 5, 2027), d(1, 5, 2027)),
        ("2026-12-05", SATURDAY, d(12, 5), d(12, 5)),
        ("december 5", SATURDAY, d(12, 5), d(12, 5)),
        ("tanggal 2", SATURDAY, d(12, 2), d(12, 2)),
        ("tgl 3 bulan depan", WEDNESDAY, d(1, 3, 2027), d(1, 3, 2027)),
        ("besok", NEW_YEARS_EVE, d(1, 1, 2027), d(1, 1, 2027)),
        ("minggu depan", NEW_YEARS_EVE, d(1, 4, 2027), d(1, 10, 2027)),
        ("tgl 2 januari", NEW_YEARS_EVE, d(1, 2, 2027), d(1, 2, 2027)),
        ("5/1", NEW_YEARS_EVE, d(1, 5, 2027), d(1, 5, 2027)),
    ],
)
def test_parse_date_expression(text: str, now: datetime, start: date, end: date) -> None:
    found = parse_date_expression(text, now=now)
    assert found is not None, text
    assert (found.start, found.end) == (start, end)


def test_now_is_converted_to_wib_before_taking_the_date() -> None:
    # 18.00 UTC on Friday is already Saturday 01.00 WIB.
    late_friday_utc = datetime(2026, 11, 27, 18, 0, tzinfo=timezone.utc)
    assert parse_date_expression("hari ini", now=late_friday_utc) == DateRange(
        d(11, 28), d(11, 28), "hari ini (Sabtu, 28 November 2026)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "berapa biaya paspor?",
        "kuota ada?",
        "prosesnya 3-4 hari",
        "datang jam 14.00",
        "nomor saya 0812-3456-7890",
        "",
        "29/2",  # no 29 February within a year of 2026
    ],
)
def test_no_date_expression(text: str) -> None:
    assert parse_date_expression(text, now=SATURDAY) is None


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("besok", "besok (Minggu, 29 November 2026)"),
        ("minggu depan", "minggu depan (30 Nov–6 Des 2026)"),
        ("jumat", "Jumat ini (4 Desember 2026)"),
        ("jumat depan", "Jumat depan (4 Desember 2026)"),  # next calendar week
        ("tgl 5 des", "Sabtu, 5 Desember 2026"),
        ("bulan depan", "bulan depan (Desember 2026)"),
    ],
)
def test_labels(text: str, label: str) -> None:
    found = parse_date_expression(text, now=SATURDAY)
    assert found is not None
    assert found.label == label


def test_week_label_across_years() -> None:
    found = parse_date_expression("minggu ini", now=NEW_YEARS_EVE)
    assert found is not None
    assert found.label == "minggu ini (28 Des 2026–3 Jan 2027)"


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_date_expression("besok", now=datetime(2026, 11, 28, 10))


def test_format_date_id() -> None:
    assert format_date_id(d(12, 4)) == "Jumat, 4 Desember 2026"
    assert format_date_id(d(8, 17, 2027)) == "Selasa, 17 Agustus 2027"


def test_format_datetime_id_converts_to_the_time_zone() -> None:
    moment = datetime(2026, 12, 4, 7, 0, tzinfo=timezone.utc)
    assert format_datetime_id(moment, "Asia/Jakarta") == "Jumat, 4 Desember 2026 pukul 14.00 WIB"
    assert format_datetime_id(moment, "Asia/Makassar") == "Jumat, 4 Desember 2026 pukul 15.00 WITA"
