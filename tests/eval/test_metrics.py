"""The NLU evaluation's metric code on small hand-made predictions with known answers."""

from __future__ import annotations

from dataclasses import astuple
from pathlib import Path

import pytest

from tests.eval import nlu_metrics as m
from tests.eval.nlu_eval import Example, Prediction, gate, summarise
from tests.eval.nlu_report import gate_cell, render_markdown

GOLD = ["a", "a", "b", "b", "c", "c"]
PREDICTED = ["a", "b", "b", "b", "x", "x"]


def test_accuracy_counts_exact_matches():
    assert m.intent_accuracy(GOLD, PREDICTED) == pytest.approx(3 / 6)
    assert m.intent_accuracy(["a"], ["a"]) == 1.0
    assert m.intent_accuracy([], []) == 0.0


def test_lengths_must_match():
    with pytest.raises(ValueError, match="2 gold labels but 1 predictions"):
        m.intent_accuracy(["a", "b"], ["a"])


def test_per_intent_scores_and_macro_f1_over_gold_intents():
    scores = m.per_intent_scores(GOLD, PREDICTED)
    assert list(scores) == ["a", "b", "c"]  # "x" never occurs in the gold labels
    # (precision, recall, f1, support, predicted)
    assert astuple(scores["a"]) == pytest.approx((1.0, 0.5, 2 / 3, 2, 1))
    assert astuple(scores["b"]) == pytest.approx((2 / 3, 1.0, 0.8, 2, 3))
    assert astuple(scores["c"]) == (0.0, 0.0, 0.0, 2, 0)
    assert m.macro_f1(GOLD, PREDICTED) == pytest.approx((2 / 3 + 0.8 + 0.0) / 3)
    assert m.macro_f1(["a", "b"], ["a", "b"]) == 1.0


def test_confusion_pairs_most_frequent_first():
    assert m.confusion_pairs(GOLD, PREDICTED) == [("c", "x", 2), ("a", "b", 1)]
    assert m.confusion_pairs(["a"], ["a"]) == []


def test_entity_scores_need_exact_span_and_value():
    gold = [
        [m.Entity("office", 0, 9, "pontianak")],
        [m.Entity("date", 5, 10, "besok")],
        [],
        [m.Entity("service", 3, 9, "hilang")],
    ]
    predicted = [
        [m.Entity("office", 0, 9, "Pontianak")],  # value compares case-insensitively: a match
        [m.Entity("date", 5, 9, "beso")],  # span one character short: a miss and a false alarm
        [m.Entity("service", 0, 4, "anak")],  # nothing to find: a false alarm
        [m.Entity("service", 3, 9, "rusak")],  # right span, wrong value
    ]
    scores = m.entity_scores(gold, predicted)
    assert astuple(scores[m.OVERALL]) == pytest.approx((0.25, 1 / 3, 2 / 7, 3, 4))
    assert astuple(scores["office"]) == (1.0, 1.0, 1.0, 1, 1)
    assert astuple(scores["date"]) == (0.0, 0.0, 0.0, 1, 1)
    assert astuple(scores["service"]) == (0.0, 0.0, 0.0, 1, 2)


def test_duplicate_entities_match_once():
    entity = m.Entity("service", 0, 4, "anak")
    scores = m.entity_scores([[entity]], [[entity, entity]])
    assert astuple(scores[m.OVERALL]) == pytest.approx((0.5, 1.0, 2 / 3, 1, 2))


def test_passport_and_out_of_scope_intents():
    assert all(
        m.is_passport_intent(i)
        for i in ("ask_quota", "ask_faq", "report_lost_damaged", "complaint", "request_human")
    )
    assert m.is_passport_intent("inform")
    assert not any(
        m.is_passport_intent(i)
        for i in (
            "greet",
            "bot_challenge",
            "ask_topics",
            "nlu_fallback",
            "out_of_scope",
            "out_of_scope_sim",
        )
    )
    assert m.is_out_of_scope("out_of_scope") and m.is_out_of_scope("out_of_scope_visa")
    assert not m.is_out_of_scope("ask_quota")


def test_out_of_scope_as_passport_rate():
    gold = ["out_of_scope", "out_of_scope_sim", "out_of_scope", "out_of_scope", "ask_fees"]
    predicted = ["ask_fees", "out_of_scope", "nlu_fallback", "greet", "ask_fees"]
    assert m.out_of_scope_as_passport(gold, predicted) == m.OutOfScopeRate(0.25, 1, 4)
    assert m.out_of_scope_as_passport(["ask_fees"], ["inform"]) == m.OutOfScopeRate(0.0, 0, 0)


def test_nearest_rank_percentile():
    values = [float(v) for v in range(10, 0, -1)]
    assert m.percentile(values, 0.5) == 5.0
    assert m.percentile(values, 0.95) == 10.0
    assert m.percentile(values, 0.1) == 1.0
    assert m.percentile([7.0], 0.95) == 7.0
    with pytest.raises(ValueError):
        m.percentile([], 0.5)


def _example(text: str, intent: str, *entities: m.Entity) -> Example:
    return Example(text, intent, entities, "hand.yml")


def _prediction(intent: str, confidence: float, *entities: m.Entity, ms: float = 10.0):
    raw = "ask_fees" if intent == "nlu_fallback" else intent
    return Prediction(intent, confidence, raw, 0.3, entities, ms)


def test_summary_gate_and_report_from_hand_made_predictions():
    office = m.Entity("office", 0, 3, "singkawang")
    examples = [
        _example("skw", "inform", office),
        _example("biaya?", "ask_fees"),
        _example("kuota internet", "out_of_scope"),
        _example("cuaca", "out_of_scope"),
    ]
    predictions = [
        _prediction("inform", 0.9, office, ms=8.0),
        _prediction("nlu_fallback", 0.4, ms=12.0),
        _prediction("ask_quota", 0.99, ms=9.0),
        _prediction("out_of_scope", 0.8, ms=30.0),
    ]
    summary = summarise(Path("model-x.tar.gz"), examples, predictions)
    assert summary["intent_accuracy"] == 0.5
    assert summary["intent_accuracy_without_fallback"] == 0.75
    assert summary["fallback_predictions"] == 1
    assert summary["out_of_scope_as_passport"]["rate"] == 0.5
    assert [r["text"] for r in summary["wrong_intents"]] == ["kuota internet", "biaya?"]
    assert summary["entities"]["overall"]["f1"] == 1.0
    assert summary["latency_ms"] == {"p50": 9.0, "p95": 30.0, "max": 30.0}
    assert summary["gate"]["passed"] is False
    # Both over all messages and for the one set ("hand.yml" here) on its own.
    assert len(summary["gate"]["failures"]) == 4
    report = render_markdown(summary)
    assert "| intent accuracy (all messages) | **0.500** |" in report
    assert "- kuota internet (out_of_scope → ask_quota, 0.99)" in report
    # "hand.yml" is not one of the gated sets: reported, with what the gate would say.
    assert summary["gate"]["gated"] is False
    assert "not gated (measurement only); would **fail**: held-out intent accuracy" in report


@pytest.mark.parametrize(
    ("accuracy", "rate", "passed"),
    [(0.90, 0.05, True), (0.8999, 0.0, False), (1.0, 0.0501, False), (0.95, 0.02, True)],
)
def test_gate_thresholds(accuracy, rate, passed):
    summary = {"intent_accuracy": accuracy, "out_of_scope_as_passport": {"rate": rate}}
    assert gate(summary)["passed"] is passed


def test_the_gate_fails_when_one_set_alone_misses_it():
    summary = {
        "intent_accuracy": 0.92,
        "out_of_scope_as_passport": {"rate": 0.03},
        "per_set": {
            "nlu_eval": {"intent_accuracy": 0.95, "out_of_scope_as_passport": 0.0},
            "nlu_eval_blind": {"intent_accuracy": 0.88, "out_of_scope_as_passport": 0.06},
        },
    }
    result = gate(summary)
    assert result["passed"] is False
    assert result["gated"] is True
    assert "**fail**: nlu_eval_blind" in gate_cell(result)
    assert result["failures"] == [
        "nlu_eval_blind: accuracy 0.880",
        "nlu_eval_blind: out-of-scope-as-passport 6.0%",
    ]
