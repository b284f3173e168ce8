"""Importing and exporting FAQ files: all-or-nothing, every bad row reported, idempotent."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook

from bot.knowledge import store
from bot.knowledge.importer import export_faq_file, import_faq_file

GOOD = (
    "key,question,answer,category,examples,language,status\n"
    "voa,Apa itu VoA?,VoA adalah visa saat kedatangan.,visa,visa on arrival apa | voa itu apa,"
    "id,published\n"
    ',Lupa kata sandi M-Paspor?,"Pilih *lupa kata sandi*.\nIkuti tautannya.",m-paspor,,,\n'
    "draft-one,Draft question?,Draft answer.,umum,,en,draft\n"
)


def _import(factory, path: Path):
    with factory.begin() as session:
        return import_faq_file(path, session=session, author="tester")


def test_good_csv_then_reimport_changes_nothing(session_factory, tmp_path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(GOOD, encoding="utf-8")
    report = _import(session_factory, path)
    assert (report.created, report.updated, report.unchanged, report.errors) == (3, 0, 0, [])
    again = _import(session_factory, path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    with session_factory.begin() as session:
        voa = store.get_entry(session=session, key="voa")
        keyless = store.find_by_question(session=session, question="lupa kata sandi m-paspor?")
        revision = store.current_revision(session=session)
    assert voa is not None and voa.examples == ("visa on arrival apa", "voa itu apa")
    assert keyless is not None and keyless.key == "lupa-kata-sandi-m-paspor"
    assert keyless.answer == "Pilih *lupa kata sandi*.\nIkuti tautannya."
    assert revision == 3  # the unchanged re-import did not bump the counter


def test_reimport_without_key_updates_by_question(session_factory, tmp_path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(GOOD, encoding="utf-8")
    _import(session_factory, path)
    path.write_text(GOOD.replace("Ikuti tautannya.", "Ikuti tautan di email."), encoding="utf-8")
    report = _import(session_factory, path)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)


def test_bad_csv_reports_every_bad_line_and_imports_nothing(session_factory, tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        "question;answer;category;language;status;valid_from;key\n"
        "Good?;Yes.;umum;id;published;;good\n"
        ";No question.;umum;id;published;;\n"
        "Lang?;Bad language.;umum;fr;published;;\n"
        "Status?;Bad status.;umum;id;live;2027-02-30;\n"
        "Good?;Same question again.;umum;id;published;;\n"
        "Key?;Bad key.;umum;id;published;;Bad Key!\n",
        encoding="utf-8",
    )
    report = _import(session_factory, path)
    assert [line for line, _ in report.errors] == [3, 4, 5, 6, 7]
    reasons = dict(report.errors)
    assert reasons[3] == "question is required"
    assert "language 'fr'" in reasons[4]
    assert "status 'live'" in reasons[5] and "valid_from '2027-02-30' does not exist" in reasons[5]
    assert reasons[6] == "question repeats line 2"
    assert "key 'bad key!'" in reasons[7]
    with session_factory.begin() as session:
        assert store.list_entries(session=session) == []


def test_missing_and_unknown_columns_are_reported(session_factory, tmp_path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("pertanyaan,jawab\nApa?,Ya.\n", encoding="utf-8")
    report = _import(session_factory, path)
    assert report.errors == [
        (1, "missing column(s): answer, category"),
        (1, "unknown column(s): jawab"),
    ]


def test_xlsx_import_with_indonesian_headers_and_bad_rows(session_factory, tmp_path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Pertanyaan", "Jawaban", "Kategori", "Kunci", "Contoh", "Berlaku sampai"])
    sheet.append(
        ["Apa itu ITAS?", "Izin tinggal terbatas.", "izin tinggal", "itas", "kitas apa", None]
    )
    sheet.append(["Apa itu ITAP?", None, "izin tinggal", "itap", None, "31/12/2027"])
    good = tmp_path / "good.xlsx"
    bad = tmp_path / "bad.xlsx"
    workbook.save(bad)
    report = _import(session_factory, bad)
    assert report.errors == [(3, "answer is required")]
    sheet.delete_rows(3)
    workbook.save(good)
    report = _import(session_factory, good)
    assert (report.created, report.errors) == (1, [])
    with session_factory.begin() as session:
        entry = store.get_entry(session=session, key="itas")
    assert entry is not None and entry.examples == ("kitas apa",) and entry.status == "published"


def test_unreadable_files_are_refused(session_factory, tmp_path) -> None:
    fake = tmp_path / "faq.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    assert "not a readable .xlsx" in _import(session_factory, fake).errors[0][1]
    other = tmp_path / "faq.pdf"
    other.write_text("x", encoding="utf-8")
    assert _import(session_factory, other).errors == [(1, "faq.pdf: use a .csv or .xlsx file")]


def test_export_round_trips_through_import(session_factory, tmp_path) -> None:
    source = tmp_path / "faq.csv"
    source.write_text(GOOD, encoding="utf-8")
    _import(session_factory, source)
    for name in ("out.csv", "out.xlsx"):
        with session_factory.begin() as session:
            assert export_faq_file(tmp_path / name, session=session) == 3
        report = _import(session_factory, tmp_path / name)
        assert (report.created, report.updated, report.unchanged, report.errors) == (0, 0, 3, [])
    rows = list(load_workbook(tmp_path / "out.xlsx").active.iter_rows(values_only=True))
    assert rows[0][:4] == ("key", "question", "answer", "category")
