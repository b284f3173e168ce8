"""The staff commands: vocab list, add, remove, import, export."""

from __future__ import annotations

import pytest

from bot.knowledge.vocabulary_cli import register
from bot.settings import Settings
from tests.helpers.cli import command_runner


@pytest.fixture
def run(tmp_path):
    return command_runner(register, Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}"))


def test_add_list_remove(run, capsys) -> None:
    assert run("vocab", "list", "--staff") == 0
    assert capsys.readouterr().out == "No staff terms.\n"
    assert run("vocab", "add", "Pojok ASI", "ruang laktasi", "--author", "ani") == 0
    assert run("vocab", "add", "kepo", "tanya", "--related", "--author", "ani") == 0
    assert capsys.readouterr().out.splitlines() == [
        "Added: 'pojok asi' means 'ruang laktasi'.",
        "Added: 'kepo' is related to 'tanya'.",
    ]
    assert run("vocab", "list", "--staff") == 0
    staff = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in staff] == [
        ["kepo", "tanya", "related"],
        ["pojok", "asi", "ruang"],
    ]
    assert all(" ani " in line for line in staff)
    assert run("vocab", "list") == 0
    everything = capsys.readouterr().out.splitlines()
    assert everything[-2:] == staff
    assert any(line.split()[:2] == ["kitas", "itas"] and line.endswith("built-in")
               for line in everything)  # fmt: skip
    assert run("vocab", "remove", "kitas") == 1
    assert capsys.readouterr().out == "Not removed: 'kitas' is built in and cannot be removed\n"
    assert run("vocab", "remove", "pojok asi") == 0
    assert capsys.readouterr().out == "Removed: 'pojok asi' (was 'ruang laktasi').\n"


def test_a_refused_term_says_why(run, capsys) -> None:
    assert run("vocab", "add", "yang", "hilang") == 1
    assert capsys.readouterr().out == (
        "Not added: 'yang' is a stop word: questions are matched without it, "
        "so it cannot mean more\n"
    )


def test_import_and_export(run, tmp_path, capsys) -> None:
    path = tmp_path / "kosakata.csv"
    path.write_text("term,standard,kind\nnyasar,hilang,same\nkk,kakak,same\n", encoding="utf-8")
    assert run("vocab", "import", str(path)) == 1
    assert capsys.readouterr().out.splitlines() == [
        "line 3: 'kk' is a protected office term and keeps its meaning",
        "1 error(s); nothing was imported.",
    ]
    path.write_text("term,standard,kind\nnyasar,hilang,same\n", encoding="utf-8")
    assert run("vocab", "import", str(path)) == 0
    assert capsys.readouterr().out == "Imported: 1 created, 0 updated, 0 unchanged.\n"
    assert run("vocab", "export") == 0
    assert capsys.readouterr().out == "term,standard,kind\nnyasar,hilang,same\n"
    assert run("vocab", "export", str(tmp_path / "out.xlsx")) == 0
    assert capsys.readouterr().out == f"Exported 1 term to {tmp_path / 'out.xlsx'}.\n"
    assert run("vocab", "import", str(tmp_path / "missing.csv")) == 1
