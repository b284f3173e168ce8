"""Demo data so that a fresh install answers at once; every figure is sample data to replace.

`seed_demo` only adds what is missing, so it is safe to run again and never overwrites a row
that staff have edited.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.knowledge.demo import seed_faq
from bot.schedule.dates import format_range_id
from bot.schedule.hours import holiday_name
from bot.schedule.models import Closure, Office, OpeningHours, QuotaRelease, Service

DEMO_SOURCE = "demo-sample"
RELEASE_WEEKS = 8
PASSPORTS = ("paspor-biasa-5", "paspor-biasa-10", "e-paspor-5", "e-paspor-10")
CASES = ("baru", "penggantian", "anak", "hilang", "rusak")

OFFICES = [
    {
        "key": "pontianak",
        "name": "Kantor Imigrasi Kelas I TPI Pontianak",
        "short_name": "Kanim Pontianak",
        "address": "Jl. Letjen Sutoyo, Kota Pontianak, Kalimantan Barat (alamat contoh)",
        "city": "Pontianak",
        "notes": "Kantor utama. Melayani semua layanan paspor, termasuk paspor hilang dan rusak.",
        "aliases": "kanim pontianak, kanim ptk, kantor imigrasi pontianak, imigrasi pontianak, "
        "imigrasi ptk, pontianak, ptk",
        "services": (*PASSPORTS, "percepatan", *CASES),
    },
    {
        "key": "mpp-pontianak",
        "name": "Unit Layanan Paspor Mal Pelayanan Publik (MPP) Pontianak",
        "short_name": "ULP MPP Pontianak",
        "address": "Gedung Mal Pelayanan Publik Kota Pontianak (alamat contoh)",
        "city": "Pontianak",
        "notes": "Khusus permohonan paspor (baru, penggantian, dan anak). Pengurusan paspor hilang "
        "atau rusak dilayani di Kantor Imigrasi Pontianak.",
        "aliases": "mpp, mpp pontianak, mpp ptk, mal pelayanan publik, mal pelayanan publik "
        "pontianak, ulp mpp, unit layanan paspor",
        "services": (*PASSPORTS, "baru", "penggantian", "anak"),
    },
    {
        "key": "singkawang",
        "name": "Kantor Imigrasi Kelas II TPI Singkawang",
        "short_name": "Kanim Singkawang",
        "address": "Kota Singkawang, Kalimantan Barat (alamat contoh)",
        "city": "Singkawang",
        "notes": "Melayani semua layanan paspor.",
        "aliases": "kanim singkawang, kanim skw, kantor imigrasi singkawang, imigrasi singkawang, "
        "singkawang, skw",
        "services": (*PASSPORTS, "percepatan", *CASES),
    },
]

# weekday: (opens, closes, break_start, break_end); Saturday and Sunday have no row (closed).
HOURS = {
    **{day: (time(8), time(16), time(12), time(13)) for day in range(4)},
    4: (time(8), time(16, 30), time(11, 30), time(13)),
}

# office key: (weekday, time, slots) of the weekly quota release in M-Paspor.
RELEASES = {
    "pontianak": (4, time(14), 200),
    "mpp-pontianak": (1, time(9), 50),
    "singkawang": (2, time(10), 60),
}

PAYMENT_NOTE = (
    "Pembayaran hanya melalui kode billing resmi (bank, kantor pos, atau e-commerce), "
    "tidak ada pembayaran tunai di kantor. Bila ada yang meminta uang tambahan, itu pungli; "
    "mohon laporkan kepada kami."
)
CHILD_VALIDITY = "Paspor masa berlaku 10 tahun hanya untuk pemohon berusia 17 tahun ke atas."
NEW_ADULT = (
    "e-KTP\nKartu Keluarga (KK)\nSalah satu dokumen: akta kelahiran, ijazah, buku nikah/akta "
    "perkawinan, atau surat baptis yang memuat nama, tempat dan tanggal lahir, serta nama "
    "orang tua"
)
BY_PASSPORT = (
    "Biaya sesuai jenis paspor yang dipilih: paspor biasa Rp350.000 (5 tahun) atau Rp650.000 "
    "(10 tahun); e-paspor Rp650.000 (5 tahun) atau Rp950.000 (10 tahun)."
)
ORIGINALS = (
    "Bawa dokumen asli. Bila ada data yang berbeda antardokumen, petugas dapat meminta dokumen "
    "tambahan; tanyakan langsung kepada petugas, bukan kepada calo."
)


def _passport(key: str, name: str, years: int, fee: int, order: int) -> dict:
    note = CHILD_VALIDITY if years == 10 else "Jenis 5 tahun ini juga untuk anak di bawah 17 tahun."
    return {
        "key": key,
        "name": f"{name}, 48 halaman, masa berlaku {years} tahun",
        "category": "passport",
        "description": f"{name} 48 halaman dengan masa berlaku {years} tahun.",
        "fee": fee,
        "fee_note": f"Rp{fee:,}".replace(",", ".") + " (PNBP, angka contoh). " + note,
        "requirements": NEW_ADULT,
        "notes": PAYMENT_NOTE,
        "sort_order": order,
    }


SERVICES = [
    _passport("paspor-biasa-5", "Paspor biasa (non-elektronik)", 5, 350_000, 10),
    _passport("paspor-biasa-10", "Paspor biasa (non-elektronik)", 10, 650_000, 11),
    _passport("e-paspor-5", "E-paspor (elektronik)", 5, 650_000, 12),
    _passport("e-paspor-10", "E-paspor (elektronik)", 10, 950_000, 13),
    {
        "key": "percepatan",
        "name": "Layanan percepatan paspor (selesai di hari yang sama)",
        "category": "addon",
        "description": "Paspor selesai pada hari yang sama dengan wawancara.",
        "fee": 1_000_000,
        "fee_note": "Rp1.000.000 di luar biaya paspor.",
        "requirements": "",
        "notes": "Tanpa layanan percepatan, paspor selesai 4 hari kerja setelah wawancara.",
        "sort_order": 20,
    },
    {
        "key": "baru",
        "name": "Permohonan paspor baru (dewasa)",
        "category": "case",
        "description": "Untuk WNI berusia 17 tahun ke atas yang belum pernah memiliki paspor.",
        "fee": None,
        "fee_note": BY_PASSPORT,
        "requirements": NEW_ADULT,
        "notes": ORIGINALS,
        "sort_order": 30,
    },
    {
        "key": "penggantian",
        "name": "Penggantian paspor (habis masa berlaku atau halaman penuh)",
        "category": "case",
        "description": "Untuk paspor yang sudah habis masa berlakunya atau halamannya penuh.",
        "fee": None,
        "fee_note": BY_PASSPORT,
        "requirements": "e-KTP\nPaspor lama",
        "notes": ORIGINALS,
        "sort_order": 31,
    },
    {
        "key": "anak",
        "name": "Paspor anak (di bawah 17 tahun)",
        "category": "case",
        "description": "Anak di bawah 17 tahun mendapat paspor dengan masa berlaku 5 tahun.",
        "fee": None,
        "fee_note": "Biaya sesuai jenis paspor 5 tahun: paspor biasa Rp350.000 atau e-paspor "
        "Rp650.000.",
        "requirements": "Akta kelahiran anak\nKartu Keluarga (KK)\ne-KTP kedua orang tua\n"
        "Paspor orang tua (bila ada)\nBuku nikah/akta perkawinan orang tua",
        "notes": "Anak wajib datang bersama orang tua. " + ORIGINALS,
        "sort_order": 32,
    },
    {
        "key": "hilang",
        "name": "Penggantian paspor hilang",
        "category": "case",
        "description": "Untuk paspor yang hilang. Petugas akan melakukan pemeriksaan (BAP) "
        "sebelum paspor pengganti diterbitkan.",
        "fee": 1_000_000,
        "fee_note": "Denda Rp1.000.000 ditambah biaya paspor sesuai jenis yang dipilih. Tidak ada "
        "denda bila paspor hilang karena bencana alam, dengan surat keterangan dari instansi "
        "berwenang.",
        "requirements": "Surat keterangan hilang dari kepolisian\ne-KTP\nKartu Keluarga (KK)\n"
        "Dokumen pendukung (akta kelahiran, ijazah, atau buku nikah)",
        "notes": "Hanya dilayani di kantor imigrasi, tidak di MPP. " + ORIGINALS,
        "sort_order": 33,
    },
    {
        "key": "rusak",
        "name": "Penggantian paspor rusak",
        "category": "case",
        "description": "Untuk paspor yang rusak sehingga tidak dapat dipakai lagi.",
        "fee": 500_000,
        "fee_note": "Denda Rp500.000 ditambah biaya paspor sesuai jenis yang dipilih. Tidak ada "
        "denda bila paspor rusak karena bencana alam, dengan surat keterangan dari instansi "
        "berwenang.",
        "requirements": "Paspor yang rusak\ne-KTP\nKartu Keluarga (KK)",
        "notes": "Hanya dilayani di kantor imigrasi, tidak di MPP. " + ORIGINALS,
        "sort_order": 34,
    },
]


def database_is_empty(*, session: Session) -> bool:
    """Return True when no office exists yet."""
    return session.execute(select(Office.id).limit(1)).first() is None


def sample_cuti_bersama(year: int) -> dict[date, str]:
    """Return made-up cuti bersama days next to Idul Fitri and Christmas (not the official list)."""
    calendar = holidays.country_holidays("ID", years=year, language="en_US")
    days: dict[date, str] = {}
    fitri = sorted(calendar.get_named("Eid al-Fitr"))
    if fitri:
        for day in (fitri[0] - timedelta(1), fitri[-1] + timedelta(1), fitri[-1] + timedelta(2)):
            days[day] = "Cuti bersama Idul Fitri"
    for day in (date(year, 12, 24), date(year, 12, 26)):
        days[day] = "Cuti bersama Hari Raya Natal"
    suffix = " (contoh, sesuaikan dengan SKB resmi)"
    return {
        day: reason + suffix
        for day, reason in days.items()
        if day.year == year and day.weekday() < 5 and holiday_name(day) is None
    }


def weekly_release_times(weekday: int, moment: time, now: datetime, zone: ZoneInfo) -> list:
    """Return the next RELEASE_WEEKS release instants on `weekday` at `moment` after `now`."""
    local = now.astimezone(zone)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    first = datetime.combine(day, moment, zone)
    if first <= local:
        first += timedelta(days=7)
    return [first + timedelta(weeks=week) for week in range(RELEASE_WEEKS)]


def _release_note(opens_at: datetime) -> str:
    monday = opens_at.date() + timedelta(days=7 - opens_at.weekday())
    return f"Kuota untuk pekan berikutnya ({format_range_id(monday, monday + timedelta(4))})"


def seed_demo(*, session: Session, now: datetime) -> int:
    """Add the demo offices, services, hours, sample closures and releases; return rows added."""
    added = 0
    services = {service.key: service for service in session.execute(select(Service)).scalars()}
    for data in SERVICES:
        if data["key"] not in services:
            services[data["key"]] = Service(**data)
            session.add(services[data["key"]])
            added += 1
    offices = {office.key: office for office in session.execute(select(Office)).scalars()}
    for data in OFFICES:
        fields = {name: value for name, value in data.items() if name != "services"}
        office = offices.get(data["key"])
        if office is None:
            office = offices[data["key"]] = Office(timezone="Asia/Jakarta", **fields)
            session.add(office)
            added += 1
        for key in data["services"]:
            if services[key] not in office.services:
                office.services.append(services[key])
                added += 1
        existing = {hours.weekday for hours in office.hours}
        for weekday, (opens, closes, break_start, break_end) in HOURS.items():
            if weekday not in existing:
                office.hours.append(
                    OpeningHours(
                        weekday=weekday,
                        opens=opens,
                        closes=closes,
                        break_start=break_start,
                        break_end=break_end,
                    )
                )
                added += 1
    session.flush()
    added += _seed_closures(session, now) + _seed_releases(session, now, offices)
    session.flush()
    return added + seed_faq(session=session)


def _seed_closures(session: Session, now: datetime) -> int:
    year = now.astimezone(ZoneInfo("Asia/Jakarta")).year
    added = 0
    existing = set(
        session.execute(select(Closure.day).where(Closure.office_id.is_(None))).scalars()
    )
    for day, reason in {**sample_cuti_bersama(year), **sample_cuti_bersama(year + 1)}.items():
        if day not in existing:
            session.add(
                Closure(
                    office_id=None, day=day, reason=reason, kind="cuti_bersama", source=DEMO_SOURCE
                )
            )
            added += 1
    return added


def _seed_releases(session: Session, now: datetime, offices: dict[str, Office]) -> int:
    added = 0
    for key, (weekday, moment, slots) in RELEASES.items():
        office = offices[key]
        existing = set(
            session.execute(
                select(QuotaRelease.opens_at).where(
                    QuotaRelease.office_id == office.id, QuotaRelease.service_id.is_(None)
                )
            ).scalars()
        )
        for opens_at in weekly_release_times(weekday, moment, now, ZoneInfo(office.timezone)):
            if opens_at not in existing:
                session.add(
                    QuotaRelease(
                        office_id=office.id,
                        opens_at=opens_at,
                        slots=slots,
                        booking_channel="M-Paspor",
                        note=_release_note(opens_at),
                    )
                )
                added += 1
    return added
