"""The staff commands: seed-demo, schedule import and schedule list."""

from __future__ import annotations

import pytest

from bot.schedule.cli import register
from bot.settings import Settings
from tests.helpers.cli import command_runner


@pytest.fixture
def run(tmp_path):
    return command_runner(register, Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}"))


def test_seed_then_list(run, capsys) -> None:
    assert run("seed-demo") == 0
    assert run("seed-demo", "--if-empty") == 0
    assert "already has offices" in capsys.readouterr().out
    assert run("schedule", "list", "--office", "pontianak", "--limit", "2") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert all("pukul 14.00 WIB" in line and "200 slots" in line for line in lines)


def test_import_reports_every_bad_line(run, tmp_path, capsys) -> None:
    run("seed-demo")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "type,office,date,time,note\n"
        "quota,pontianak,2027-03-05,14:00,\n"
        "quota,nowhere,2027-03-05,14:00,\n"
        "closure,all,2027-03-06,,\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert run("schedule", "import", str(bad)) == 1
    out = capsys.readouterr().out
    assert "line 3: unknown office 'nowhere'" in out
    assert "line 4: note" in out
    good = tmp_path / "good.csv"
    good.write_text("type,office,date,time\nquota,pontianak,2027-03-05,14:00\n", encoding="utf-8")
    assert run("schedule", "import", str(good)) == 0
    assert "1 created" in capsys.readouterr().out
    assert run("schedule", "import", str(tmp_path / "missing.csv")) == 1
