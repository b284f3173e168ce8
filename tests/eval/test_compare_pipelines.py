"""The pipeline comparison's fallback sweep and threshold choice on hand-made predictions."""

from __future__ import annotations

from dataclasses import replace

from tests.eval.compare_pipelines import (
    DEFAULT_PIPELINE,
    LINEAR_INTENT,
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


def test_choice_is_the_highest_passing_threshold_within_a_point_of_the_best():
    rows = [
        _row(0.3, 0.935, 0.08),  # most accurate, but answers too many out-of-scope messages
        _row(0.4, 0.925, 0.04),  # best passing
        _row(0.5, 0.917, 0.02),  # within a point of 0.925: chosen
        _row(0.6, 0.905, 0.01),  # more than a point below
    ]
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


def test_candidates_are_rasas_default_config_yml_with_diet_intents_and_config_yml():
    default, diet, tuned = candidates()
    assert default.config["pipeline"] == DEFAULT_PIPELINE
    assert default.config["language"] == tuned.config["language"] == "id"
    assert tuned.config["pipeline"][0]["name"] == "bot.nlu.tokenizer.NormalisingWhitespaceTokenizer"
    assert fallback_settings(default.config) == (0.3, 0.1)
    names = [c["name"] for c in tuned.config["pipeline"]]
    assert LINEAR_INTENT in names
    # The same pipeline, except that DIET classifies the intents and no linear classifier runs.
    assert [c["name"] for c in diet.config["pipeline"]] == [n for n in names if n != LINEAR_INTENT]
    (diet_component,) = [c for c in diet.config["pipeline"] if c["name"] == "DIETClassifier"]
    assert diet_component["intent_classification"] is True


def _set_pairs():
    """Set a: five answers, all right. Set b: two of five wrong, both below 0.5 confidence."""
    rows = [("ask_fees", "ask_fees", 0.9)] * 5 + [("ask_quota", "ask_quota", 0.8)] * 3
    rows += [("greet", "thank", 0.4), ("out_of_scope", "ask_fees", 0.45)]
    pairs = []
    for index, (gold, raw, confidence) in enumerate(rows):
        example = Example(text=f"{index}", intent=gold, entities=(), source="x/y.yml")
        example = replace(example, source=("a" if index < 5 else "b") + "/y.yml")
        pairs.append((example, (Prediction(raw, confidence, raw, confidence, (), 1.0), 0.0)))
    return pairs


def test_sweep_reports_the_worst_set_and_the_choice_needs_each_set_to_pass():
    pairs = _set_pairs()
    rows = _rows(pairs)
    assert rows[0.0]["accuracy"] == 0.8  # 8 of 10
    assert rows[0.0]["worst_set_accuracy"] == 0.6  # set b: 3 of 5
    assert rows[0.0]["worst_set_oos_as_passport"] == 1.0
    # At 0.5 the two wrong answers fall back: still wrong, but nothing out of scope is answered.
    assert rows[0.5]["worst_set_accuracy"] == 0.6
    assert rows[0.5]["worst_set_oos_as_passport"] == 0.0
    assert rows[0.85]["worst_set_accuracy"] == 0.0  # set b's best confidence is 0.8
    # 0.8 accuracy over both sets fails the 0.90 gate anyway; a row passing overall but not on
    # one set is not chosen:
    good = {"threshold": 0.3, "accuracy": 0.95, "oos_as_passport": 0.0}
    one_set_fails = good | {
        "threshold": 0.4,
        "worst_set_accuracy": 0.85,
        "worst_set_oos_as_passport": 0.0,
    }
    both = good | {"worst_set_accuracy": 0.92, "worst_set_oos_as_passport": 0.04}
    assert choose_threshold([both, one_set_fails]) is both
