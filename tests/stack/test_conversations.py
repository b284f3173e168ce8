"""Rasa's conversation tests (tests/conversations), end to end, with the running action server."""

from __future__ import annotations

import subprocess

import pytest

from bot import PROJECT_ROOT
from bot.launcher import VENV_BIN, rasa_environment

pytestmark = pytest.mark.stack


def test_every_conversation_story_passes(stack, tmp_path):
    env = rasa_environment(stack.settings)
    env["TRACKER_STORE_URL"] = f"sqlite:///{tmp_path / 'tracker.db'}"
    env["DATABASE_URL"] = stack.settings.database_url
    out = tmp_path / "results"
    result = subprocess.run(
        [
            str(VENV_BIN / "rasa"), "test", "core",
            "--model", str(stack.model),
            "--stories", "tests/conversations",
            "--e2e",  # predict intents and entities from each story's text, not its labels
            "--endpoints", "endpoints.yml",
            "--fail-on-prediction-errors",
            "--out", str(out),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )  # fmt: skip
    failed = out / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}\n{details}"
    assert "None of the test stories failed" in details, details
    report = out / "story_report.json"
    assert report.exists(), "rasa test wrote no story report: no story was evaluated"
