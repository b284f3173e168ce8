"""Metrics for the held-out NLU evaluation: pure functions over gold and predicted labels.

Definitions (also in docs/nlu_eval.md):
- intent accuracy: share of messages whose final predicted intent (after the FallbackClassifier)
  equals the gold intent; an `nlu_fallback` prediction is wrong for every gold intent.
- macro F1: the unweighted mean of per-intent F1 over the intents that occur in the gold labels
  (a prediction of an intent absent from the gold labels, such as `nlu_fallback`, only lowers the
  recall of the gold intent it replaced).
- entity precision/recall/F1: micro-averaged over exact matches of (entity type, start, end,
  value); values compare case-insensitively. Per entity type the same, restricted to that type.
- out-of-scope-as-passport rate: among messages whose gold intent is out of scope
  (`out_of_scope` or `out_of_scope_*`), the share predicted as a passport intent: any `ask_*`
  intent except `ask_topics`, `report_lost_damaged`, `complaint`, `request_human` or `inform`.
  Predicting another out-of-scope intent, small talk (greet, thank, ...), bot_challenge, the
  menu of topics (`ask_topics`) or `nlu_fallback` does not count: none of them answers a
  passport question.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

PASSPORT_INTENTS = frozenset({"report_lost_damaged", "complaint", "request_human", "inform"})
MENU_INTENT = "ask_topics"  # the menu of what can be asked: no answer to any question
OVERALL = "overall"


def is_out_of_scope(intent: str) -> bool:
    """Return True for `out_of_scope` and the agency-specific `out_of_scope_*` intents."""
    return intent == "out_of_scope" or intent.startswith("out_of_scope_")


def is_passport_intent(intent: str) -> bool:
    """Return True for intents the assistant answers as a passport question."""
    return (intent.startswith("ask_") and intent != MENU_INTENT) or intent in PASSPORT_INTENTS


@dataclass(frozen=True)
class Entity:
    """One entity: its type, character span and value."""

    entity: str
    start: int
    end: int
    value: str

    def key(self) -> tuple[str, int, int, str]:
        return (self.entity, self.start, self.end, str(self.value).strip().lower())


@dataclass(frozen=True)
class Scores:
    """Precision, recall and F1 with the counts they come from."""

    precision: float
    recall: float
    f1: float
    support: int  # gold items
    predicted: int  # predicted items


def _scores(true_positives: int, predicted: int, support: int) -> Scores:
    precision = true_positives / predicted if predicted else 0.0
    recall = true_positives / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, support, predicted)


def _check_lengths(gold: Sequence[object], predicted: Sequence[object]) -> None:
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")


def intent_accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of exact matches; 0.0 for no examples."""
    _check_lengths(gold, predicted)
    if not gold:
        return 0.0
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def per_intent_scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, Scores]:
    """Precision, recall and F1 of every intent that occurs in the gold labels."""
    _check_lengths(gold, predicted)
    pairs = list(zip(gold, predicted, strict=True))
    return {
        label: _scores(
            true_positives=sum(g == p == label for g, p in pairs),
            predicted=sum(p == label for _, p in pairs),
            support=sum(g == label for g, _ in pairs),
        )
        for label in sorted(set(gold))
    }


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean F1 over the gold intents."""
    scores = per_intent_scores(gold, predicted)
    return sum(s.f1 for s in scores.values()) / len(scores) if scores else 0.0


def confusion_pairs(gold: Sequence[str], predicted: Sequence[str]) -> list[tuple[str, str, int]]:
    """(gold, predicted, count) for every wrong pair, most frequent first, then by name."""
    _check_lengths(gold, predicted)
    counts = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    return sorted(((g, p, n) for (g, p), n in counts.items()), key=lambda t: (-t[2], t[0], t[1]))


def entity_scores(
    gold: Sequence[Iterable[Entity]], predicted: Sequence[Iterable[Entity]]
) -> dict[str, Scores]:
    """Micro scores over exact (type, span, value) matches: `overall` and per entity type."""
    _check_lengths(gold, predicted)
    true_positives: Counter[str] = Counter()
    gold_counts: Counter[str] = Counter()
    predicted_counts: Counter[str] = Counter()
    for gold_entities, predicted_entities in zip(gold, predicted, strict=True):
        gold_keys = Counter(e.key() for e in gold_entities)
        predicted_keys = Counter(e.key() for e in predicted_entities)
        for key, n in (gold_keys & predicted_keys).items():
            true_positives[key[0]] += n
        for key, n in gold_keys.items():
            gold_counts[key[0]] += n
        for key, n in predicted_keys.items():
            predicted_counts[key[0]] += n
    result = {
        OVERALL: _scores(
            sum(true_positives.values()), sum(predicted_counts.values()), sum(gold_counts.values())
        )
    }
    for entity_type in sorted(set(gold_counts) | set(predicted_counts)):
        result[entity_type] = _scores(
            true_positives[entity_type], predicted_counts[entity_type], gold_counts[entity_type]
        )
    return result


@dataclass(frozen=True)
class OutOfScopeRate:
    rate: float
    answered_as_passport: int
    total: int


def out_of_scope_as_passport(gold: Sequence[str], predicted: Sequence[str]) -> OutOfScopeRate:
    """Share of out-of-scope messages predicted as a passport intent (0.0 when there are none)."""
    _check_lengths(gold, predicted)
    outside = [p for g, p in zip(gold, predicted, strict=True) if is_out_of_scope(g)]
    wrong = sum(is_passport_intent(p) for p in outside)
    return OutOfScopeRate(wrong / len(outside) if outside else 0.0, wrong, len(outside))


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of values <= it."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0.0 < fraction <= 1.0:
        raise ValueError("fraction must be in (0, 1]")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
