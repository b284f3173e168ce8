"""Held-out NLU evaluation: `python -m tests.eval.nlu_eval [--model PATH] [--gate]` (`make eval`).

Parses every message of tests/nlu_eval/*.yml and tests/nlu_eval_blind/*.yml (never used for
training; the blind set was written without looking at the training data) with the trained model,
in this process, one message at a time; prints intent accuracy, macro F1, entity F1, the top
confusions, the worst examples, the out-of-scope-as-passport rate and the parse latency; writes
docs/nlu_eval.md and results/nlu_eval.json. With --gate, exits 1 when accuracy < 0.90 or the
out-of-scope-as-passport rate > 5%. The metric definitions are in tests/eval/nlu_metrics.py.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot import PROJECT_ROOT
from bot.knowledge.demo_entries import DEMO_FAQ
from tests.eval import nlu_metrics as m
from tests.eval.nlu_report import render_markdown

EVAL_DIRS = (PROJECT_ROOT / "tests" / "nlu_eval", PROJECT_ROOT / "tests" / "nlu_eval_blind")
# Written after the pipeline and the training data were chosen; reported (make eval writes
# docs/nlu_eval_fresh.md), never gated nor used to choose anything.
FRESH_DIR = PROJECT_ROOT / "tests" / "nlu_eval_fresh"
GATED_SETS = frozenset(d.name for d in EVAL_DIRS)
REPORT = PROJECT_ROOT / "docs" / "nlu_eval.md"
SUMMARY = PROJECT_ROOT / "results" / "nlu_eval.json"
GATE_MIN_ACCURACY = 0.90
GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT = 0.05
FALLBACK_INTENT = "nlu_fallback"
FALLBACK_THRESHOLD = 0.35  # config.yml, FallbackClassifier
KNOWLEDGE_INTENT = "ask_faq"
OUT_OF_SCOPE_INTENT = "out_of_scope"
REFERRALS = frozenset(key for key, category, *_ in DEMO_FAQ if category == "instansi lain")


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    entities: tuple[m.Entity, ...]
    source: str  # directory/file, e.g. nlu_eval_blind/quota.yml

    @property
    def set_name(self) -> str:
        return self.source.split("/", 1)[0]


@dataclass(frozen=True)
class Prediction:
    intent: str
    confidence: float
    raw_intent: str  # the best intent other than nlu_fallback (what the intent classifier chose)
    raw_confidence: float
    entities: tuple[m.Entity, ...]
    latency_ms: float
    ranking: tuple[tuple[str, float], ...] = ()  # the intent classifier's ranking, best first
    entry: str | None = None  # the knowledge-base entry the answer selection chose instead

    @property
    def answer(self) -> str:
        """What the citizen is answered with: the intent, or ask_faq for an entry.

        The demo FAQ's referrals to other agencies (category "instansi lain": KTP at Dukcapil,
        SIM at Satpas, visas at embassies) say what the out-of-scope responses say.
        """
        if self.entry is None:
            return self.intent
        return OUT_OF_SCOPE_INTENT if self.entry in REFERRALS else KNOWLEDGE_INTENT


def demo_knowledge_base(directory: Path) -> str:
    """Create a SQLite database holding the demo FAQ; return its URL."""
    from bot.db.engine import make_engine, make_session_factory, upgrade_database
    from bot.knowledge.demo import seed_faq

    url = f"sqlite:///{directory / 'knowledge.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        seed_faq(session=session)
    engine.dispose()
    return url


def newest_model() -> Path | None:
    models = sorted((PROJECT_ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def load_examples(directories: Sequence[Path] = EVAL_DIRS) -> list[Example]:
    """Read every Rasa NLU YAML file in `directories` (each sorted by name)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    examples = []
    for directory in directories:
        for path in sorted(directory.glob("*.yml")):
            for message in RasaYAMLReader().read(path).intent_examples:
                entities = tuple(
                    m.Entity(e["entity"], e["start"], e["end"], str(e["value"]))
                    for e in message.get("entities") or []
                )
                source = f"{directory.name}/{path.name}"
                examples.append(
                    Example(message.get("text"), message.get("intent"), entities, source)
                )
    return examples


def _prediction(parsed: dict[str, Any], latency_ms: float) -> Prediction:
    """The classifier's intent, and the entry when the answer selection chose one instead.

    Intent accuracy stays a measure of the classifier: when an entry won, the intent is the
    one the classifier had chosen (or the fallback, had it been below the threshold); the
    entry counts where it answers a message (out of scope answered as a passport question).
    """
    intent = parsed.get("intent") or {}
    chosen = parsed.get("answer_selection") or {}
    entry = chosen.get("key") if chosen.get("winner") == "knowledge" else None
    if entry:
        confidence = float(chosen["confidence"])
        name = chosen["intent"] if confidence >= FALLBACK_THRESHOLD else FALLBACK_INTENT
        intent = {"name": name, "confidence": confidence}
    raw = next(
        (r for r in parsed.get("intent_ranking") or [] if r.get("name") != FALLBACK_INTENT), intent
    )
    entities = tuple(
        m.Entity(e["entity"], int(e["start"]), int(e["end"]), str(e.get("value")))
        for e in parsed.get("entities") or []
    )
    return Prediction(
        intent=str(intent.get("name")),
        confidence=float(intent.get("confidence") or 0.0),
        raw_intent=str(raw.get("name")),
        raw_confidence=float(raw.get("confidence") or 0.0),
        entities=entities,
        latency_ms=latency_ms,
        entry=entry,
        ranking=tuple(
            (str(r.get("name")), float(r.get("confidence") or 0.0))
            for r in parsed.get("intent_ranking") or []
        ),
    )


async def predict(model: Path, texts: list[str]) -> list[Prediction]:
    """Load the model once and parse each text in turn, timing every parse."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    await agent.parse_message("halo")  # warm-up: the first parse builds the TensorFlow graph
    predictions = []
    for text in texts:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        predictions.append(_prediction(parsed, (time.perf_counter() - started) * 1000))
    return predictions


def _scores(scores: m.Scores) -> dict[str, float | int]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(scores).items()}


def _row(example: Example, prediction: Prediction) -> dict[str, Any]:
    return {
        "text": example.text,
        "source": example.source,
        "gold": example.intent,
        "predicted": prediction.intent,
        "confidence": round(prediction.confidence, 4),
        "raw_predicted": prediction.raw_intent,
        "raw_confidence": round(prediction.raw_confidence, 4),
        "entry": prediction.entry,
    }


def per_set(pairs: list[tuple[Example, Prediction]]) -> dict[str, dict[str, Any]]:
    """Accuracy and out-of-scope-as-passport rate of each held-out set on its own."""
    result = {}
    for name in sorted({e.set_name for e, _ in pairs}):
        mine = [(e, p) for e, p in pairs if e.set_name == name]
        gold, predicted = [e.intent for e, _ in mine], [p.intent for _, p in mine]
        oos = m.out_of_scope_as_passport(gold, [p.answer for _, p in mine])
        result[name] = {
            "messages": len(mine),
            "intent_accuracy": round(m.intent_accuracy(gold, predicted), 4),
            "macro_f1": round(m.macro_f1(gold, predicted), 4),
            "out_of_scope_as_passport": round(oos.rate, 4),
            "out_of_scope_total": oos.total,
        }
    return result


def fallback_suggestions(pairs: list[tuple[Example, Prediction]]) -> list[dict[str, Any]]:
    """How the two-stage fallback's intent buttons would do, per suggestion threshold.

    Over the messages that fall back: the share whose gold intent is among the offered intents
    (of those whose gold intent can be offered at all), and the mean number of intent buttons.
    """
    import actions.faq as faq

    fallbacks = [(e, p) for e, p in pairs if p.intent == FALLBACK_INTENT]
    offerable = [(e, p) for e, p in fallbacks if e.intent in faq.SUGGESTIBLE_INTENTS]
    rows = []
    for threshold in (0.1, 0.15, 0.2, 0.25, 0.3):

        def offered(p: Prediction, threshold: float = threshold) -> list[str]:
            ranking = [{"name": name, "confidence": value} for name, value in p.ranking]
            return faq.likely_intents(ranking, threshold)

        hits = sum(e.intent in offered(p) for e, p in offerable)
        buttons = [len(offered(p)) for _, p in fallbacks]
        rows.append(
            {
                "threshold": threshold,
                "chosen": threshold == faq.INTENT_SUGGEST_THRESHOLD,
                "fallbacks": len(fallbacks),
                "offerable": len(offerable),
                "right_intent_offered": hits,
                "mean_intent_buttons": round(sum(buttons) / len(buttons), 2) if buttons else 0.0,
            }
        )
    return rows


def summarise(model: Path, examples: list[Example], predictions: list[Prediction]) -> dict:
    """Every number of the report, as a JSON-ready dict."""
    gold = [e.intent for e in examples]
    predicted = [p.intent for p in predictions]
    raw = [p.raw_intent for p in predictions]
    pairs = list(zip(examples, predictions, strict=True))
    in_scope = [(e, p) for e, p in pairs if not m.is_out_of_scope(e.intent)]
    out_scope = [(e, p) for e, p in pairs if m.is_out_of_scope(e.intent)]
    oos = m.out_of_scope_as_passport(gold, [p.answer for p in predictions])
    latencies = [p.latency_ms for p in predictions]
    wrong = sorted(
        (_row(e, p) for e, p in pairs if e.intent != p.intent), key=lambda r: -r["confidence"]
    )
    entity_errors = [
        {
            "text": e.text,
            "gold": sorted(f"{x.entity}={x.value}@{x.start}:{x.end}" for x in e.entities),
            "predicted": sorted(f"{x.entity}={x.value}@{x.start}:{x.end}" for x in p.entities),
        }
        for e, p in pairs
        if sorted(x.key() for x in e.entities) != sorted(x.key() for x in p.entities)
    ]
    summary = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "model": model.name,
        "messages": len(examples),
        "messages_in_scope": len(in_scope),
        "messages_out_of_scope": len(out_scope),
        "per_source": {
            s: sum(e.source == s for e in examples) for s in sorted({e.source for e in examples})
        },
        "per_set": per_set(pairs),
        "intent_accuracy": round(m.intent_accuracy(gold, predicted), 4),
        "intent_accuracy_in_scope": round(
            m.intent_accuracy([e.intent for e, _ in in_scope], [p.intent for _, p in in_scope]), 4
        ),
        "intent_accuracy_out_of_scope": round(
            m.intent_accuracy([e.intent for e, _ in out_scope], [p.intent for _, p in out_scope]), 4
        ),
        "intent_accuracy_without_fallback": round(m.intent_accuracy(gold, raw), 4),
        "fallback_predictions": predicted.count(FALLBACK_INTENT),
        "macro_f1": round(m.macro_f1(gold, predicted), 4),
        "per_intent": {k: _scores(v) for k, v in m.per_intent_scores(gold, predicted).items()},
        "entities": {
            k: _scores(v)
            for k, v in m.entity_scores(
                [e.entities for e in examples], [p.entities for p in predictions]
            ).items()
        },
        "confusions": [
            {"gold": g, "predicted": p, "count": n}
            for g, p, n in m.confusion_pairs(gold, predicted)
        ],
        "out_of_scope_as_passport": asdict(oos) | {"rate": round(oos.rate, 4)},
        "out_of_scope_answered_as_passport": [
            _row(e, p) for e, p in out_scope if m.is_passport_intent(p.answer)
        ],
        "latency_ms": {
            "p50": round(m.percentile(latencies, 0.50), 2),
            "p95": round(m.percentile(latencies, 0.95), 2),
            "max": round(max(latencies), 2),
        },
        "fallback_suggestions": fallback_suggestions(pairs),
        "wrong_intents": wrong,
        "entity_errors": entity_errors,
    }
    summary["gate"] = gate(summary)
    return summary


def gate(summary: dict) -> dict:
    """The `make test` gate: accuracy and out-of-scope thresholds, with the reasons it fails.

    Only the sets of EVAL_DIRS are gated; a summary of other sets (the fresh one) says so.
    """
    gated = set(summary.get("per_set", {})) <= GATED_SETS
    failures = []
    if summary["intent_accuracy"] < GATE_MIN_ACCURACY:
        failures.append(
            f"held-out intent accuracy {summary['intent_accuracy']:.3f} < {GATE_MIN_ACCURACY:.2f}"
        )
    rate = summary["out_of_scope_as_passport"]["rate"]
    if rate > GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT:
        failures.append(
            f"out-of-scope-as-passport rate {rate:.1%} > {GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT:.0%}"
        )
    for name, one in summary.get("per_set", {}).items():  # and each set on its own
        if one["intent_accuracy"] < GATE_MIN_ACCURACY:
            failures.append(f"{name}: accuracy {one['intent_accuracy']:.3f}")
        if one["out_of_scope_as_passport"] > GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT:
            rate = one["out_of_scope_as_passport"]
            failures.append(f"{name}: out-of-scope-as-passport {rate:.1%}")
    return {
        "min_accuracy": GATE_MIN_ACCURACY,
        "max_out_of_scope_as_passport": GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT,
        "gated": gated,
        "passed": not failures,
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", type=Path, help="model archive (default: newest models/*.tar.gz)"
    )
    parser.add_argument(
        "--data", type=Path, nargs="+", default=list(EVAL_DIRS), help="held-out NLU directories"
    )
    parser.add_argument("--report", type=Path, default=REPORT, help="Markdown report to write")
    parser.add_argument("--json", type=Path, default=SUMMARY, help="JSON summary to write")
    parser.add_argument("--gate", action="store_true", help="exit 1 when the gate fails")
    args = parser.parse_args(argv)
    model = args.model or newest_model()
    if model is None or not model.exists():
        print(f"no model found ({model or 'models/*.tar.gz'}): run `make train` first")
        return 2
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("rasa").setLevel(logging.WARNING)
    examples = load_examples(args.data)
    if not examples:
        print(f"no examples in {args.data}")
        return 2
    with tempfile.TemporaryDirectory() as scratch:
        # The answer selection reads the knowledge base: the shipped demo FAQ, never whatever
        # a local database happens to hold.
        os.environ["DATABASE_URL"] = demo_knowledge_base(Path(scratch))
        predictions = asyncio.run(predict(model, [e.text for e in examples]))
    summary = summarise(model, examples, predictions)
    markdown = render_markdown(summary)
    print(markdown)
    for path, content in (
        (args.report, markdown),
        (args.json, json.dumps(summary, indent=2, ensure_ascii=False) + "\n"),
    ):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    print(f"wrote {args.report} and {args.json}")
    if args.gate and not summary["gate"]["passed"]:
        print("NLU gate failed: " + "; ".join(summary["gate"]["failures"]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
