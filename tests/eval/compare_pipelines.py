"""Compare Rasa's default NLU pipeline with ours: `python -m tests.eval.compare_pipelines`.

Trains every candidate pipeline on the same NLU training data (`rasa train nlu`, data/nlu),
evaluates each on both held-out sets (tests/nlu_eval, tests/nlu_eval_blind) with the functions of
tests.eval.nlu_eval, sweeps the
FallbackClassifier threshold over the tuned model's confidences, and writes
docs/nlu_pipeline_comparison.md (tables) and results/nlu_pipeline_comparison.json.

Each training takes about 2 minutes on 2 cores. With --reuse, a model whose name carries the hash
of its config, the training data and the custom components (bot/nlu) is not trained again; its
training time is read from the JSON sidecar written when it was trained.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from bot import PROJECT_ROOT
from bot.launcher import VENV_BIN
from tests.eval import nlu_eval
from tests.eval import nlu_metrics as m

MODELS = PROJECT_ROOT / "models" / "compare"
REPORT = PROJECT_ROOT / "docs" / "nlu_pipeline_comparison.md"
SUMMARY = PROJECT_ROOT / "results" / "nlu_pipeline_comparison.json"
NLU_DATA = PROJECT_ROOT / "data" / "nlu"
CUSTOM_CODE = PROJECT_ROOT / "bot" / "nlu"
LINEAR_INTENT = "bot.nlu.linear_intent.LinearIntentClassifier"
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(0, 19))
AMBIGUITIES = (0.0, 0.05, 0.1)  # the FallbackClassifier's ambiguity thresholds swept
SHOWN_UP_TO = 0.6  # thresholds above it are in the JSON only

# Rasa 3.6's default NLU pipeline (rasa/engine/recipes/config_files/default_config.yml), which
# `rasa init` writes and Rasa uses when `pipeline:` is left empty; language set to ours.
DEFAULT_PIPELINE: list[dict[str, Any]] = [
    {"name": "WhitespaceTokenizer"},
    {"name": "RegexFeaturizer"},
    {"name": "LexicalSyntacticFeaturizer"},
    {"name": "CountVectorsFeaturizer"},
    {"name": "CountVectorsFeaturizer", "analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4},
    {"name": "DIETClassifier", "epochs": 100, "constrain_similarities": True},
    {"name": "EntitySynonymMapper"},
    {"name": "ResponseSelector", "epochs": 100, "constrain_similarities": True},
    {"name": "FallbackClassifier", "threshold": 0.3, "ambiguity_threshold": 0.1},
]


@dataclass(frozen=True)
class Candidate:
    name: str
    description: str
    config: dict[str, Any]


def diet_intents(pipeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`pipeline` with DIET classifying intents itself, as before the linear intent classifier."""
    result = []
    for component in pipeline:
        if component["name"] == LINEAR_INTENT:
            continue
        if component["name"] == "DIETClassifier":
            component = component | {"intent_classification": True}
        result.append(component)
    return result


def candidates() -> list[Candidate]:
    """The default pipeline, config.yml with DIET's intents, and config.yml (NLU part only)."""
    tuned = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    base = {"recipe": "default.v1", "language": tuned["language"], "assistant_id": "compare"}
    return [
        Candidate("default", "Rasa 3.6 default pipeline", base | {"pipeline": DEFAULT_PIPELINE}),
        Candidate(
            "diet",
            "config.yml with DIET classifying intents",
            base | {"pipeline": diet_intents(tuned["pipeline"])},
        ),
        Candidate("tuned", "config.yml", base | {"pipeline": tuned["pipeline"]}),
    ]


def fingerprint(config: dict[str, Any]) -> str:
    """Hash of a config, the NLU training data and the custom NLU components.

    The FallbackClassifier is left out: it is not trained, and the evaluation applies each
    config's fallback rule to the intent classifier's raw confidences (`apply_fallback`), so
    changing only the threshold needs no new training.
    """
    trained = config | {
        "pipeline": [c for c in config["pipeline"] if c["name"] != "FallbackClassifier"]
    }
    digest = hashlib.sha256(json.dumps(trained, sort_keys=True).encode())
    for path in sorted([*NLU_DATA.glob("*.yml"), *CUSTOM_CODE.glob("*.py")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def train(candidate: Candidate, reuse: bool) -> tuple[Path, float]:
    """Train one candidate (or reuse its model); return the model and its training seconds."""
    name = f"nlu-{candidate.name}-{fingerprint(candidate.config)}"
    model, sidecar = MODELS / f"{name}.tar.gz", MODELS / f"{name}.json"
    if reuse and model.exists() and sidecar.exists():
        print(f"reusing {model.name}")
        return model, float(json.loads(sidecar.read_text())["training_seconds"])
    MODELS.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as handle:
        yaml.safe_dump(candidate.config, handle, sort_keys=False)
    print(f"training {candidate.name} ({name}) ...", flush=True)
    started = time.perf_counter()
    subprocess.run(
        [
            str(VENV_BIN / "rasa"), "train", "nlu", "--config", handle.name,
            "--nlu", str(NLU_DATA), "--out", str(MODELS), "--fixed-model-name", name,
        ],
        cwd=PROJECT_ROOT,
        # No training cache: a component restored from ~/.rasa/cache would fake the time.
        env=os.environ
        | {
            "TF_CPP_MIN_LOG_LEVEL": "2",
            "RASA_TELEMETRY_ENABLED": "false",
            "RASA_MAX_CACHE_SIZE": "0",
        },
        check=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    Path(handle.name).unlink()
    sidecar.write_text(json.dumps({"training_seconds": round(seconds, 1)}) + "\n")
    return model, seconds


async def predict_ranked(model: Path, texts: list[str]) -> list[tuple[nlu_eval.Prediction, float]]:
    """Like nlu_eval.predict, plus the confidence of the second-best intent for the sweep."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    await agent.parse_message("halo")
    result = []
    for text in texts:
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        latency = (time.perf_counter() - started) * 1000
        ranking = [
            r for r in parsed.get("intent_ranking") or [] if r["name"] != nlu_eval.FALLBACK_INTENT
        ]
        second = float(ranking[1]["confidence"]) if len(ranking) > 1 else 0.0
        result.append((nlu_eval._prediction(parsed, latency), second))
    return result


def fallback_settings(config: dict[str, Any]) -> tuple[float, float]:
    """The FallbackClassifier's threshold and ambiguity threshold in a config."""
    for component in config["pipeline"]:
        if component["name"] == "FallbackClassifier":
            return float(component["threshold"]), float(component.get("ambiguity_threshold", 0.1))
    return 0.0, 0.0


def apply_fallback(
    ranked: list[tuple[nlu_eval.Prediction, float]], threshold: float, ambiguity: float
) -> list[nlu_eval.Prediction]:
    """Re-apply the FallbackClassifier's rule to the intent classifier's raw confidences.

    Fallback when the best intent's confidence is below `threshold` or less than `ambiguity`
    above the second best (rasa/nlu/classifiers/fallback_classifier.py).
    """
    result = []
    for p, second in ranked:
        falls_back = p.raw_confidence < threshold or p.raw_confidence - second < ambiguity
        result.append(
            replace(p, intent=nlu_eval.FALLBACK_INTENT, confidence=p.raw_confidence)
            if falls_back
            else replace(p, intent=p.raw_intent, confidence=p.raw_confidence)
        )
    return result


def sweep(
    examples: list[nlu_eval.Example],
    ranked: list[tuple[nlu_eval.Prediction, float]],
    ambiguity: float,
) -> list[dict[str, float]]:
    """Accuracy, fallback rate and out-of-scope-as-passport rate for every threshold.

    Also the lowest accuracy and highest out-of-scope-as-passport rate of the held-out sets taken
    one by one, because the gate applies to each set on its own too.
    """
    gold = [e.intent for e in examples]
    sets = sorted({e.set_name for e in examples})
    rows = []
    for threshold in THRESHOLDS:
        predicted = [p.intent for p in apply_fallback(ranked, threshold, ambiguity)]
        by_set = [
            (
                [g for g, e in zip(gold, examples, strict=True) if e.set_name == name],
                [p for p, e in zip(predicted, examples, strict=True) if e.set_name == name],
            )
            for name in sets
        ]
        fallbacks = predicted.count(nlu_eval.FALLBACK_INTENT)
        answered = [
            (g, p) for g, p in zip(gold, predicted, strict=True) if p != nlu_eval.FALLBACK_INTENT
        ]
        in_scope_wrong = sum(
            not m.is_out_of_scope(g) and g != p
            for g, p in zip(gold, predicted, strict=True)
            if p != nlu_eval.FALLBACK_INTENT
        )
        rows.append(
            {
                "threshold": threshold,
                "ambiguity": ambiguity,
                "accuracy": round(m.intent_accuracy(gold, predicted), 4),
                "macro_f1": round(m.macro_f1(gold, predicted), 4),
                "fallback_rate": round(fallbacks / len(gold), 4),
                "answered_accuracy": round(
                    sum(g == p for g, p in answered) / len(answered) if answered else 0.0, 4
                ),
                "in_scope_wrong_answers": in_scope_wrong,
                "oos_as_passport": round(m.out_of_scope_as_passport(gold, predicted).rate, 4),
                "worst_set_accuracy": round(min(m.intent_accuracy(g, p) for g, p in by_set), 4),
                "worst_set_oos_as_passport": round(
                    max(m.out_of_scope_as_passport(g, p).rate for g, p in by_set), 4
                ),
            }
        )
    return rows


ACCURACY_TOLERANCE = 0.01  # accuracy given up, at most, for fewer wrong answers


def _passes(row: dict[str, float]) -> bool:
    limit, minimum = nlu_eval.GATE_MAX_OUT_OF_SCOPE_AS_PASSPORT, nlu_eval.GATE_MIN_ACCURACY
    if "accuracy" not in row or "oos_as_passport" not in row:
        return False
    return all(
        row[a] >= minimum and row[o] <= limit
        for a, o in (
            ("accuracy", "oos_as_passport"),
            ("worst_set_accuracy", "worst_set_oos_as_passport"),
        )
        if a in row and o in row
    )


def choose_threshold(rows: list[dict[str, float]]) -> dict[str, float]:
    """Pick the fallback threshold (and ambiguity threshold) from the sweep.

    A fallback counts as a wrong answer in the accuracy, so the most accurate setting is always
    the one that never falls back. Instead: among the settings that pass the gates (over both
    sets and on each set) — or among all of them when none passes — take the highest threshold
    (then the highest ambiguity threshold) whose accuracy is within ACCURACY_TOLERANCE of the
    best one. That gives up at most one point of accuracy for fewer wrong answers: the least
    confident answers, out-of-scope ones included, become "did you mean" buttons instead.
    """
    candidates = [r for r in rows if _passes(r)] or rows
    best = max(r["accuracy"] for r in candidates)
    near = [r for r in candidates if r["accuracy"] >= best - ACCURACY_TOLERANCE - 1e-9]
    return max(near, key=lambda r: (r["threshold"], r.get("ambiguity", 0.0)))


def render(results: list[dict[str, Any]], rows: list[dict[str, float]], chosen: dict) -> str:
    lines = [
        "# NLU pipeline comparison",
        "",
        "Written by `python -m tests.eval.compare_pipelines` (overwritten on every run).",
        "Every pipeline is trained on the same data (`data/nlu`, `rasa train nlu`) and",
        "evaluated on both held-out sets (`tests/nlu_eval`, `tests/nlu_eval_blind`) with",
        "`tests.eval.nlu_eval` (one message at a time, one process, after a warm-up parse; NLU",
        "only). Each pipeline keeps its own fallback threshold.",
        "",
        f"- Date: {results[0]['date']}",
        f"- Messages: {results[0]['messages']} "
        f"({results[0]['messages_out_of_scope']} out of scope)",
        "",
        "| pipeline | intent accuracy (nlu_eval / blind) | macro F1 | entity F1 "
        "| out-of-scope as passport (nlu_eval / blind) | fallbacks | parse p50 / p95 (ms) "
        "| training (s) | gate |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        sets = list(r.get("per_set", {}).values())
        accuracies = " / ".join(f"{one['intent_accuracy']:.3f}" for one in sets)
        rates = " / ".join(f"{one['out_of_scope_as_passport']:.1%}" for one in sets)
        lines.append(
            f"| {r['candidate']} ({r['description']}) | {r['intent_accuracy']:.3f} "
            f"({accuracies}) | {r['macro_f1']:.3f} | {r['entities']['overall']['f1']:.3f} "
            f"| {r['out_of_scope_as_passport']['rate']:.1%} ({rates}) "
            f"| {r['fallback_predictions']} "
            f"| {r['latency_ms']['p50']:.1f} / {r['latency_ms']['p95']:.1f} "
            f"| {r['training_seconds']:.0f} | {'passes' if r['gate']['passed'] else 'fails'} |"
        )
    lines += [
        "",
        "## Fallback threshold sweep (tuned pipeline)",
        "",
        "The intent classifier's raw confidences re-thresholded with the FallbackClassifier's",
        "rule (fallback when the best intent is below the threshold or less than the",
        "ambiguity threshold above the second). A fallback counts as wrong for accuracy;",
        "*answered accuracy* is over non-fallback predictions; *in-scope wrong answers* are",
        "in-scope messages answered with a wrong intent; *worst set* is the held-out set with",
        "the lower accuracy (or the higher out-of-scope rate). Rule: among the settings passing",
        "the gates over both sets and on each set (all settings when none passes), the highest",
        "threshold (then ambiguity threshold) whose accuracy is within "
        f"{ACCURACY_TOLERANCE:.0%} (one point)",
        "of the best: a fallback counts as wrong, so the most accurate setting never falls back;",
        "this one gives up at most a point for fewer wrong answers. Chosen: threshold",
        f"**{chosen['threshold']:.2f}**, ambiguity threshold "
        f"**{chosen.get('ambiguity', 0.0):.2f}**.",
        "",
        "| ambiguity | threshold | accuracy | worst set | macro F1 | fallback rate "
        "| answered accuracy | in-scope wrong answers | out-of-scope as passport (worst set) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r["threshold"] > SHOWN_UP_TO and r is not chosen:
            continue
        mark = " ←" if r is chosen else ""
        lines.append(
            f"| {r.get('ambiguity', 0.0):.2f} | {r['threshold']:.2f}{mark} | {r['accuracy']:.3f} "
            f"| {r.get('worst_set_accuracy', r['accuracy']):.3f} | {r['macro_f1']:.3f} "
            f"| {r['fallback_rate']:.1%} | {r['answered_accuracy']:.3f} "
            f"| {r['in_scope_wrong_answers']} | {r['oos_as_passport']:.1%} "
            f"({r.get('worst_set_oos_as_passport', r['oos_as_passport']):.1%}) |"
        )
    notes = PROJECT_ROOT / "docs" / "nlu_pipeline_decisions.md"
    if notes.exists():
        lines += ["", notes.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="reuse models trained on this data")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("rasa").setLevel(logging.WARNING)
    examples = nlu_eval.load_examples()
    texts = [e.text for e in examples]
    results, rows, chosen = [], [], {}
    for candidate in candidates():
        model, seconds = train(candidate, args.reuse)
        ranked = asyncio.run(predict_ranked(model, texts))
        predictions = apply_fallback(ranked, *fallback_settings(candidate.config))
        summary = nlu_eval.summarise(model, examples, predictions)
        results.append(
            summary
            | {
                "candidate": candidate.name,
                "description": candidate.description,
                "training_seconds": round(seconds, 1),
            }
        )
        if candidate.name == "tuned":
            rows = [row for a in AMBIGUITIES for row in sweep(examples, ranked, a)]
            chosen = choose_threshold(rows)
    markdown = render(results, rows, chosen)
    print(markdown)
    REPORT.write_text(markdown, encoding="utf-8")
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(
        json.dumps({"pipelines": results, "sweep": rows, "chosen": chosen}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {REPORT} and {SUMMARY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
