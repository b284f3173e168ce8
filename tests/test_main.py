"""`python -m bot`: staff commands print their result, not the libraries' INFO lines."""

from __future__ import annotations

import os
import subprocess
import sys

from bot import PROJECT_ROOT


def _run_bot(tmp_path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name != "LOG_LEVEL"}
    env.update(BOT_ENV="test", DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.db'}")
    return subprocess.run(
        [sys.executable, "-m", "bot", *argv],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_staff_command_on_a_fresh_database_prints_only_its_result(tmp_path) -> None:
    result = _run_bot(tmp_path, "faq", "list")  # migrates the new database first
    assert result.returncode == 0, result.stderr
    lines = (result.stdout + result.stderr).splitlines()
    assert [line for line in lines if "alembic" in line or "INFO" in line] == []
    assert lines == ["No FAQ entries."]


def test_verbose_shows_the_migrations(tmp_path) -> None:
    result = _run_bot(tmp_path, "--verbose", "faq", "list")
    assert result.returncode == 0, result.stderr
    assert "INFO alembic.runtime.migration: Running upgrade" in result.stderr
    assert result.stdout.splitlines() == ["No FAQ entries."]


def test_the_vocabulary_command_is_quiet_too(tmp_path) -> None:
    result = _run_bot(tmp_path, "vocab", "list", "--staff")
    assert result.returncode == 0, result.stderr
    assert (result.stdout + result.stderr).splitlines() == ["No staff terms."]
