"""The pipeline comparison's fallback sweep and threshold choice on hand-made predictions."""

from __future__ import annotations

from tests.eval.compare_pipelines import (
    DEFAULT_PIPELINE,
    candidates,
    choose_threshold,
    fallback_settings,
    sweep,
)
from tests.eval.nlu_eval import Example, Prediction


def _pair(gold: str, raw: str, confidence: float, second: float = 0.0):
    example = Example(text=gold, intent=gold, entities=(), source="x.yml")
    prediction = Prediction(raw, confidence, raw, confidence, (), 1.0)
    return example, (prediction, second)


def _rows(pairs, ambiguity=0.0):
    examples = [e for e, _ in pairs]
    ranked = [r for _, r in pairs]
    return {r["threshold"]: r for r in sweep(examples, ranked, ambiguity)}


PAIRS = [
    _pair("ask_fees", "ask_fees", 0.95),
    _pair("ask_quota", "ask_quota", 0.55),
    _pair("out_of_scope", "ask_fees", 0.45),  # answered as passport unless it falls back
    _pair("greet", "thank", 0.35),
]


def test_sweep_counts_fallbacks_as_wrong_and_tracks_out_of_scope():
    rows = _rows(PAIRS)
    assert rows[0.0]["accuracy"] == 0.5
    assert rows[0.0]["oos_as_passport"] == 1.0
    assert rows[0.0]["fallback_rate"] == 0.0
    assert rows[0.5]["accuracy"] == 0.5  # the two wrong answers fall back, the right ones stay
    assert rows[0.5]["oos_as_passport"] == 0.0
    assert rows[0.5]["fallback_rate"] == 0.5
    assert rows[0.5]["answered_accuracy"] == 1.0
    assert rows[0.6]["accuracy"] == 0.25


def test_sweep_applies_the_ambiguity_rule():
    pairs = [_pair("ask_fees", "ask_fees", 0.5, second=0.45)]
    assert _rows(pairs, ambiguity=0.1)[0.0]["fallback_rate"] == 1.0
    assert _rows(pairs, ambiguity=0.0)[0.0]["fallback_rate"] == 0.0


def _row(threshold, accuracy, oos):
    return {"threshold": threshold, "accuracy": accuracy, "oos_as_passport": oos}


def test_choice_is_the_most_accurate_threshold_passing_both_gates():
    rows = [_row(0.3, 0.93, 0.08), _row(0.5, 0.92, 0.04), _row(0.7, 0.91, 0.02)]
    assert choose_threshold(rows)["threshold"] == 0.5


def test_without_a_passing_threshold_the_choice_gives_up_at_most_one_point():
    rows = [
        _row(0.3, 0.866, 0.12),
        _row(0.4, 0.862, 0.10),
        _row(0.5, 0.857, 0.09),
        _row(0.6, 0.849, 0.06),
        _row(0.8, 0.794, 0.05),
    ]
    assert choose_threshold(rows)["threshold"] == 0.5


def test_the_sweep_rows_feed_the_choice():
    chosen = choose_threshold(list(_rows(PAIRS).values()))
    assert chosen["accuracy"] == 0.5  # no row passes the gates: highest within one point
    assert chosen["threshold"] == 0.55


def test_the_default_candidate_is_rasas_default_pipeline_and_tuned_is_config_yml():
    default, tuned = candidates()
    assert default.config["pipeline"] == DEFAULT_PIPELINE
    assert default.config["language"] == tuned.config["language"] == "id"
    assert tuned.config["pipeline"][0]["name"] == "bot.nlu.tokenizer.NormalisingWhitespaceTokenizer"
    assert fallback_settings(default.config) == (0.3, 0.1)
