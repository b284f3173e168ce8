"""The NLU gate: held-out intent accuracy and out-of-scope handling of the newest model.

Both held-out sets (tests/nlu_eval, tests/nlu_eval_blind) together and each on its own: intent
accuracy at least 0.90 and at most 5% of out-of-scope messages answered as passport questions.
Runs `python -m tests.eval.nlu_eval` once (one model load, ~30 s) in a subprocess, writing its
report to a temporary directory so that `make test` leaves docs/nlu_eval.md alone.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from bot import PROJECT_ROOT
from bot.launcher import VENV_BIN
from tests.eval.nlu_eval import GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT, GATE_MIN_ACCURACY
from tests.helpers.stack import latest_model_or_skip

pytestmark = pytest.mark.stack


def _rows(rows: list[dict], limit: int = 40) -> str:
    lines = [
        f"  {r['text']!r}: {r['gold']} -> {r['predicted']} ({r['confidence']:.2f})"
        for r in rows[:limit]
    ]
    more = f"\n  ... and {len(rows) - limit} more" if len(rows) > limit else ""
    return "\n".join(lines) + more


@pytest.fixture(scope="module")
def summary(tmp_path_factory) -> dict:
    model = latest_model_or_skip()
    out = tmp_path_factory.mktemp("nlu_eval")
    result = subprocess.run(
        [
            str(VENV_BIN / "python"), "-m", "tests.eval.nlu_eval",
            "--model", str(model),
            "--report", str(out / "nlu_eval.md"),
            "--json", str(out / "nlu_eval.json"),
        ],
        cwd=PROJECT_ROOT,
        env=os.environ | {"TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return json.loads((out / "nlu_eval.json").read_text(encoding="utf-8"))


def test_held_out_intent_accuracy_meets_the_gate(summary):
    accuracy = summary["intent_accuracy"]
    assert accuracy >= GATE_MIN_ACCURACY, (
        f"held-out intent accuracy {accuracy:.3f} < {GATE_MIN_ACCURACY} on {summary['messages']} "
        f"messages (model {summary['model']}); wrong, most confident first:\n"
        + _rows(summary["wrong_intents"])
    )


@pytest.mark.parametrize("held_out_set", ["nlu_eval", "nlu_eval_blind"])
def test_each_held_out_set_meets_the_gate_on_its_own(summary, held_out_set):
    one = summary["per_set"][held_out_set]
    wrong = [r for r in summary["wrong_intents"] if r["source"].startswith(f"{held_out_set}/")]
    assert one["intent_accuracy"] >= GATE_MIN_ACCURACY, (
        f"{held_out_set}: intent accuracy {one['intent_accuracy']:.3f} < {GATE_MIN_ACCURACY} on "
        f"{one['messages']} messages; wrong, most confident first:\n" + _rows(wrong)
    )
    rate = one["out_of_scope_as_passport"]
    assert rate <= GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT, (
        f"{held_out_set}: {rate:.1%} of {one['out_of_scope_total']} out-of-scope messages were "
        f"answered as passport questions"
    )


def test_out_of_scope_messages_are_rarely_answered_as_passport_questions(summary):
    oos = summary["out_of_scope_as_passport"]
    assert oos["rate"] <= GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT, (
        f"{oos['answered_as_passport']} of {oos['total']} out-of-scope messages ({oos['rate']:.1%})"
        f" were answered as passport questions (gate: at most "
        f"{GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT:.0%}):\n"
        + _rows(summary["out_of_scope_answered_as_passport"])
    )
