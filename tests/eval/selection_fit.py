"""Fit the answer selection's calibration: `python -m tests.eval.selection_fit [--model PATH]`.

`bot.knowledge.selection.knowledge_probability` turns a retrieval score into the probability
that the best entry is the right answer. This script refits its logistic curve and prints the
coefficients and a calibration table (docs/answer_selection.md keeps the run behind the numbers
in the code). Labelled messages:

* right entry known: the demo FAQ paraphrases (tests/eval/faq/demo_paraphrases.csv, against the
  demo FAQ) and the tuning paraphrases of tests/eval/e2e/ (against the demo FAQ, the public
  FAQ file and our own entries): label 1 when the best entry is the expected one, else 0;
* no entry is right: the unanswerable questions of tests/eval/faq/ and the out-of-scope
  messages of the first held-out NLU set (tests/nlu_eval): label 0.

Features: the best entry's score, its lead over the runner-up, the classifier's probability
that the message is in scope (from a parse with an empty knowledge base, so the classifier's own
ranking) and the share of the message's words that the entry's questions hold and no intent was
trained on (`selection.message_novelty` against the words of the model's stored examples). The
blind paraphrases (tests/eval/e2e/paraphrases_blind.csv) are never read here.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import os
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np

from bot import PROJECT_ROOT
from bot.knowledge.demo_entries import DEMO_FAQ
from bot.knowledge.importer import slug
from bot.knowledge.ranking import FaqIndex
from bot.knowledge.selection import in_scope_probability, message_novelty
from bot.knowledge.views import EntryView
from bot.nlu.knowledge_selector import EXAMPLES_FILE, words_by_intent
from tests.eval.nlu_eval import EVAL_DIRS, load_examples, newest_model
from tests.eval.nlu_metrics import is_out_of_scope

FAQ_DATA = PROJECT_ROOT / "tests" / "eval" / "faq"
E2E_DATA = PROJECT_ROOT / "tests" / "eval" / "e2e"
REAL_FAQ = PROJECT_ROOT.parent / "shared" / "reference" / "imigrasi-faq" / "faq-part1.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _entry(key: str, row: dict[str, str]) -> EntryView:
    return EntryView(key, row["category"], row["question"], row["answer"], (), "id", "published")


def entries() -> list[EntryView]:
    """The demo FAQ, the public FAQ file and our own entries, as the e2e evaluation has them."""
    found = [EntryView(k, c, q, a, tuple(e), "id", "published") for k, c, q, a, e in DEMO_FAQ]
    taken = {entry.key for entry in found}
    for row in _rows(REAL_FAQ):
        key = slug(row["question"], taken)
        taken.add(key)
        found.append(_entry(key, row))
    found += [_entry(row["key"], row) for row in _rows(E2E_DATA / "own_faq.csv")]
    return found


def labelled(found: list[EntryView]) -> list[tuple[str, str | None]]:
    """(message, expected entry key or None when no entry is right)."""
    by_question = {" ".join(e.question.split()).lower(): e.key for e in found}
    items: list[tuple[str, str | None]] = [
        (row["question"], row["key"]) for row in _rows(FAQ_DATA / "demo_paraphrases.csv")
    ]
    for row in _rows(E2E_DATA / "paraphrases_tune.csv"):
        items.append((row["text"], by_question[" ".join(row["expected"].split()).lower()]))
    for name in ("demo_unanswerable.csv", "demo_unanswerable_near.csv"):
        items += [(row["question"], None) for row in _rows(FAQ_DATA / name)]
    items += [(e.text, None) for e in load_examples(EVAL_DIRS[:1]) if is_out_of_scope(e.intent)]
    return items


async def rankings(model: Path, texts: list[str]) -> list[list[tuple[str, float]]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    result = []
    for text in texts:
        parsed = await agent.parse_message(text)
        result.append([(r["name"], float(r["confidence"])) for r in parsed["intent_ranking"]])
    return result


def trained_words(model: Path) -> set[str]:
    """Every word of the model's stored intent examples, as the selector sees them."""
    with tarfile.open(model) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith(EXAMPLES_FILE))
        handle = archive.extractfile(member)
        assert handle is not None
        examples = json.load(handle)
    return set().union(*words_by_intent(examples).values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args(argv)
    model = args.model or newest_model()
    if model is None:
        raise SystemExit("no trained model in models/ (run make train)")
    from sklearn.linear_model import LogisticRegression

    from bot.db.engine import upgrade_database

    logging.getLogger("rasa").setLevel(logging.WARNING)
    found = entries()
    index = FaqIndex(found)
    items = labelled(found)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch) / 'empty.db'}"
        upgrade_database(os.environ["DATABASE_URL"])  # no entries: the classifier's own ranking
        ranked = asyncio.run(rankings(model, [text for text, _ in items]))
    known = trained_words(model)
    features, labels = [], []
    for (text, key), ranking in zip(items, ranked, strict=True):
        found_matches = index.search(text, limit=2)
        if not found_matches:
            continue
        best = found_matches[0].score
        runner_up = found_matches[1].score if len(found_matches) > 1 else 0.0
        fresh = message_novelty(
            index.words(text), index.question_words(found_matches[0].key), known, index.weight
        )
        features.append([best, best - runner_up, in_scope_probability(ranking), fresh])
        labels.append(int(key is not None and found_matches[0].key == key))
    x, y = np.array(features), np.array(labels)
    fit = LogisticRegression(C=100).fit(x, y)
    score, margin, in_scope, fresh = fit.coef_[0]
    print(f"{len(y)} messages, {int(y.sum())} with the right entry first")
    print(f"LOGISTIC_SCORE = {score:.2f}\nLOGISTIC_MARGIN = {margin:.2f}")
    print(f"LOGISTIC_IN_SCOPE = {in_scope:.2f}\nLOGISTIC_FRESH = {fresh:.2f}")
    print(f"LOGISTIC_BIAS = {fit.intercept_[0]:.2f}")
    predicted = fit.predict_proba(x)[:, 1]
    print("| predicted | messages | right |\n|---|---:|---:|")
    for low in np.arange(0.0, 1.0, 0.1):
        chosen = (predicted >= low) & (predicted < low + 0.1)
        if chosen.any():
            print(f"| {low:.1f}-{low + 0.1:.1f} | {chosen.sum()} | {y[chosen].mean():.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
