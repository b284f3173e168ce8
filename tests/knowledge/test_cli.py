"""The staff commands: faq import, export, list, show, edit, history, restore, unanswered."""

from __future__ import annotations

import pytest

from bot.db.engine import make_engine, make_session_factory
from bot.knowledge import store
from bot.knowledge.cli import register
from bot.settings import Settings
from tests.helpers.cli import command_runner


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}")


@pytest.fixture
def run(settings):
    return command_runner(register, settings)


def test_import_edit_restore_and_inspect(run, tmp_path, capsys) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(
        "key,question,answer,category\nvoa,Apa itu VoA?,Visa saat kedatangan.,visa\n",
        encoding="utf-8",
    )
    assert run("faq", "import", str(path), "--author", "ani") == 0
    assert "1 created" in capsys.readouterr().out
    assert run("faq", "edit", "voa", "--answer", "VoA berlaku 30 hari.", "--author", "budi") == 0
    assert "revision 2" in capsys.readouterr().out
    assert run("faq", "show", "voa") == 0
    assert "VoA berlaku 30 hari." in capsys.readouterr().out
    assert run("faq", "history", "voa") == 0
    history = capsys.readouterr().out.splitlines()
    assert len(history) == 2 and "ani" in history[0] and "budi" in history[1]
    assert run("faq", "restore", "voa", "1") == 0
    assert run("faq", "show", "voa") == 0
    assert "Visa saat kedatangan." in capsys.readouterr().out
    assert run("faq", "list") == 0
    assert "voa" in capsys.readouterr().out
    assert run("faq", "export", str(tmp_path / "out.xlsx")) == 0
    assert "Exported 1 entry" in capsys.readouterr().out
    assert run("faq", "show", "nope") == 1
    assert run("faq", "restore", "voa", "9") == 1


def test_edit_chooses_the_delivery_and_show_prints_it(run, tmp_path, capsys) -> None:
    path = tmp_path / "faq.csv"
    path.write_text("key,question,answer\nitas,Syarat ITAS?,Daftar panjang.\n", encoding="utf-8")
    assert run("faq", "import", str(path)) == 0
    assert run("faq", "edit", "itas", "--delivery", "summary") == 1
    assert capsys.readouterr().out.endswith(
        "Not saved: delivery summary needs a summary; delivery summary needs a source link\n"
    )
    link = "https://www.imigrasi.go.id/faq/itas"
    summary = "Syaratnya banyak.Lihat daftar lengkap di situs resmi."
    assert run("faq", "edit", "itas", "--delivery", "summary", "--summary", summary,
               "--source", link) == 0  # fmt: skip
    assert capsys.readouterr().out.splitlines() == [
        "warning: summary seems to run list items or sentences together in 1 place, "
        'e.g. "Syaratnya banyak.Lihat daftar lengkap…"; add line breaks or spaces',
        "itas is at revision 2 (published, summary).",
    ]
    assert run("faq", "show", "itas") == 0
    shown = capsys.readouterr().out
    assert "delivery:  summary" in shown and f"summary:   {summary}" in shown
    assert run("faq", "edit", "itas", "--delivery", "parts", "--summary", "") == 0
    assert run("faq", "show", "itas") == 0
    shown = capsys.readouterr().out
    assert "delivery:  parts" in shown and "summary:" not in shown


def test_bad_import_prints_every_line(run, tmp_path, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("question,answer,category\nA?,,umum\n,B.,umum\n", encoding="utf-8")
    assert run("faq", "import", str(path)) == 1
    out = capsys.readouterr().out
    assert "line 2: answer is required" in out and "line 3: question is required" in out
    assert "nothing was imported" in out
    assert run("faq", "import", str(tmp_path / "missing.csv")) == 1


def test_import_prints_warnings_and_goes_on(run, tmp_path, capsys) -> None:
    path = tmp_path / "situs.csv"
    path.write_text(
        "topic,question,answer,category\nFAQ,RTO?,Silakan lakukan:Keluar akun.,m-paspor\n",
        encoding="utf-8",
    )
    assert run("faq", "import", str(path)) == 0
    assert capsys.readouterr().out.splitlines() == [
        "line 1: warning: ignored unknown column(s): topic",
        "line 2: warning: answer seems to run list items or sentences together in 1 place, "
        'e.g. "Silakan lakukan:Keluar akun."; add line breaks or spaces',
        "Imported: 1 created, 0 updated, 0 unchanged; 2 warning(s).",
    ]


def test_unanswered_lists_groups(run, settings, capsys) -> None:
    assert run("faq", "unanswered") == 0
    assert "No unanswered questions." in capsys.readouterr().out
    factory = make_session_factory(make_engine(settings.database_url))
    with factory.begin() as session:
        store.log_unanswered(session=session, text="cara bikin npwp 6171012345678901")
        store.log_unanswered(session=session, text="cara bikin npwp online")
    assert run("faq", "unanswered") == 0
    out = capsys.readouterr().out
    assert "2x" in out and "6171012345678901" not in out


def test_an_english_counterpart_is_imported_with_lang_and_listed_with_its_language(
    run, tmp_path, capsys
) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(
        "key,question,answer,lang\n"
        "voa,Apa itu visa saat kedatangan?,Visa saat kedatangan.,id\n"
        "voa-en,What is a visa on arrival?,A visa you get when you arrive.,english\n",
        encoding="utf-8",
    )
    assert run("faq", "import", str(path)) == 0
    capsys.readouterr()
    assert run("faq", "list") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in lines] == [
        ["voa", "published", "id"],
        ["voa-en", "published", "en"],
    ]
    assert run("faq", "show", "voa-en") == 0
    assert "language: en" in capsys.readouterr().out
