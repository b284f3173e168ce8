"""Importing and exporting FAQ files: all-or-nothing, every bad row reported, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.knowledge import store
from bot.knowledge.entries import MAX_ANSWER
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


def test_missing_columns_stop_the_import_and_unknown_ones_are_ignored(session_factory, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("pertanyaan,jawab\nApa?,Ya.\n", encoding="utf-8")
    report = _import(session_factory, path)
    assert report.errors == [(1, "missing column(s): answer")]
    assert report.warnings == [
        (1, "ignored unknown column(s): jawab"),
        (1, "no category column; every entry is filed under 'umum'"),
    ]


def test_a_file_as_staff_have_it_imports_with_warnings(session_factory, tmp_path) -> None:
    path = tmp_path / "situs.csv"
    path.write_text(
        "topic,Question,Answer Link,answer,type\n"
        "FAQ,Apa itu VoA?,https://imigrasi.go.id/faq/voa,Visa saat kedatangan.,faq\n",
        encoding="utf-8",
    )
    report = _import(session_factory, path)
    assert (report.created, report.errors) == (1, [])
    assert report.warnings == [
        (1, "ignored unknown column(s): topic, type"),
        (1, "no category column; every entry is filed under 'umum'"),
    ]
    with session_factory.begin() as session:
        (entry,) = store.list_entries(session=session)
    assert (entry.category, entry.source_url) == ("umum", "https://imigrasi.go.id/faq/voa")


@pytest.mark.parametrize("header", ["answer_link", "link", "url", "tautan", "sumber", "source"])
def test_link_columns_are_the_source(session_factory, tmp_path, header) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(f"question,answer,{header}\nA?,B.,https://x.id/a\n", encoding="utf-8")
    assert _import(session_factory, path).errors == []
    with session_factory.begin() as session:
        (entry,) = store.list_entries(session=session)
    assert entry.source_url == "https://x.id/a"


def test_two_columns_that_mean_the_same_are_refused(session_factory, tmp_path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text("question,answer,link,sumber\nA?,B.,https://x.id,https://y.id\n")
    report = _import(session_factory, path)
    assert report.errors == [(1, "link, sumber: these columns all mean source; keep one")]


def test_an_empty_category_is_filed_under_umum_with_a_warning(session_factory, tmp_path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text("question,answer,category\nA?,B.,\nC?,D.,visa\n", encoding="utf-8")
    report = _import(session_factory, path)
    assert (report.created, report.errors) == (2, [])
    assert report.warnings == [(2, "no category; filed under 'umum'")]
    with session_factory.begin() as session:
        categories = [entry.category for entry in store.list_entries(session=session)]
    assert sorted(categories) == ["umum", "visa"]


def test_answers_up_to_the_limit_are_kept_whole(session_factory, tmp_path) -> None:
    sentence = "Kalimat panjang untuk jawaban resmi. "
    longest = (sentence * (MAX_ANSWER // len(sentence) + 1))[:MAX_ANSWER].strip()
    path = tmp_path / "faq.csv"
    path.write_text(f'question,answer\nPanjang?,"{longest}"\nTerlalu?,"{longest}xx"\n')
    report = _import(session_factory, path)
    assert report.errors == [(3, f"answer is {len(longest) + 2:,} characters; at most 10,000 fit")]
    path.write_text(f'question,answer\nPanjang?,"{longest}"\n')
    assert _import(session_factory, path).errors == []
    with session_factory.begin() as session:
        (entry,) = store.list_entries(session=session)
    assert entry.answer == longest


def test_run_together_answers_are_flagged_but_imported(session_factory, tmp_path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(
        "question,answer\nRTO?,Silakan lakukan:Keluar akunClear cache pada browser.\n"
        "Biasa?,Buka aplikasi M-Paspor di iPhone. Siapkan e-KTP.\n",
        encoding="utf-8",
    )
    report = _import(session_factory, path)
    assert (report.created, report.errors) == (2, [])
    lines = [(line, reason.split(",")[0]) for line, reason in report.warnings]
    assert lines == [
        (1, "no category column; every entry is filed under 'umum'"),
        (2, "answer seems to run list items or sentences together in 2 places"),
    ]
    assert 'e.g. "Silakan lakukan:Keluar akunClear…"; add' in report.warnings[1][1]


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


def test_delivery_and_summary_columns_with_indonesian_names(session_factory, tmp_path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(
        "pertanyaan,jawaban,tautan,pengiriman,ringkasan\n"
        "Syarat ITAS?,Panjang sekali.,https://imigrasi.go.id/itas,ringkasan,Lihat daftar resmi.\n"
        "Biaya?,Rp650.000.,,,\n"
        "Lama?,Empat hari kerja.,,bagian,\n",
        encoding="utf-8",
    )
    report = _import(session_factory, path)
    assert (report.created, report.errors) == (3, [])
    with session_factory.begin() as session:
        entries = {e.question: e for e in store.list_entries(session=session)}
    itas = entries["Syarat ITAS?"]
    assert (itas.delivery, itas.summary) == ("summary", "Lihat daftar resmi.")
    assert [entries[q].delivery for q in ("Biaya?", "Lama?")] == ["parts", "parts"]


def test_a_summary_row_without_summary_or_link_is_an_error(session_factory, tmp_path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(
        "question,answer,source,delivery,summary\n"
        "A?,Jawab.,,summary,Ringkas.\n"
        "B?,Jawab.,https://x.id/b,summary,\n"
        "C?,Jawab.,https://x.id/c,pdf,\n",
        encoding="utf-8",
    )
    assert _import(session_factory, path).errors == [
        (2, "delivery summary needs a source link"),
        (3, "delivery summary needs a summary"),
        (4, "delivery 'pdf' must be parts or summary"),
    ]


def test_delivery_and_summary_round_trip_through_export(session_factory, tmp_path) -> None:
    source = tmp_path / "faq.csv"
    source.write_text(
        "key,question,answer,source,delivery,summary\n"
        "itas,Syarat ITAS?,Panjang.,https://x.id/itas,summary,Lihat daftar resmi.\n",
        encoding="utf-8",
    )
    _import(session_factory, source)
    with session_factory.begin() as session:
        export_faq_file(tmp_path / "out.csv", session=session)
    header, row = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert header.endswith(",source,delivery,summary")
    assert row.endswith(",https://x.id/itas,summary,Lihat daftar resmi.")
    report = _import(session_factory, tmp_path / "out.csv")
    assert (report.unchanged, report.errors) == (1, [])
