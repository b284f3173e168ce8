"""End-to-end answer evaluation through the running stack's web chat API (`make eval`).

Starts the real product (Rasa with the trained model, action server, gateway) on a fresh
database with the demo content, imports the directorate's public FAQ as it comes
(../shared/reference/imigrasi-faq/faq-part1.csv) and our own entries on visas, stay permits and
the APEC card (tests/eval/e2e/own_faq.csv) with `python -m bot faq import`, as staff would, then
sends every message of the sets below as a new web chat conversation and reads what the citizen
got. Each message is graded from its replies and from the turn Rasa recorded (tracker store):

* *answered*: the expected entry's answer;
* *built-in*: the built-in answer the set names as equally right (for an entry's own questions:
  a database-backed answer, `bot.knowledge.selection.KEPT_INTENTS`, which `python -m bot faq
  check` names on the entry);
* *buttons*: the expected entry (or that built-in) offered as a button;
* *wrong*: another entry's answer, or a built-in answer with content (fees, quota, ...);
* *no answer*: an honest miss (rephrase, "no answer yet", a person offered, out of scope).

Sets: tests/eval/e2e/paraphrases_tune.csv (used to tune the answer selection) and
paraphrases_blind.csv (reported only: whoever tunes never reads it); every published demo
entry's own question and example questions; out_of_scope.csv, where any content answer counts
as answered as a passport question. Writes docs/answer_eval.md and results/answer_eval.json.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, text

from bot import PROJECT_ROOT
from bot.db.engine import make_engine, make_session_factory
from bot.knowledge import store
from bot.knowledge.selection import KEPT_INTENTS
from bot.knowledge.views import EntryView
from tests.helpers.stack import RunningStack, latest_model, start_stack

DATA = Path(__file__).parent / "e2e"
REAL_FAQ = PROJECT_ROOT.parent / "shared" / "reference" / "imigrasi-faq" / "faq-part1.csv"
REPORT = PROJECT_ROOT / "docs" / "answer_eval.md"
SUMMARY = PROJECT_ROOT / "results" / "answer_eval.json"
# Built-in intents whose answer has content: given for the wrong question, it misleads.
CONTENT_INTENTS = frozenset(
    {
        "ask_quota",
        "ask_office_hours",
        "ask_office_location",
        "ask_fees",
        "ask_requirements",
        "ask_process",
        "report_lost_damaged",
    }
)
PREFIX = 60  # characters of an answer that identify it in a reply
OWN_QUESTIONS = "demo entries' own questions"
# The demo FAQ's referrals to other agencies (KTP at Dukcapil, SIM at Satpas): for an
# out-of-scope message they say what the out-of-scope responses say.
REFERRAL_CATEGORY = "instansi lain"
GRADES = ("answered", "built-in", "buttons", "wrong", "no answer")


@dataclass(frozen=True)
class Case:
    set: str
    text: str
    key: str | None  # the entry that answers it (None: nothing should)
    intent: str = ""  # a built-in intent that answers it equally well


@dataclass(frozen=True)
class Graded:
    case: Case
    grade: str  # answered / buttons / wrong / no answer
    intent: str  # the intent Rasa recorded for the turn
    got: str  # the entry key answered, the intent answered, or the first reply


def _squash(value: str) -> str:
    return " ".join(value.split()).lower()


def load_cases(entries: list[EntryView]) -> list[Case]:
    by_question = {_squash(e.question): e.key for e in entries}
    cases: list[Case] = []
    for name in ("paraphrases_tune", "paraphrases_blind"):
        with (DATA / f"{name}.csv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                key = by_question[_squash(row["expected"])]
                cases.append(Case(name, row["text"], key, row["acceptable_intent"].strip()))
    for entry in entries:
        if entry.category in ("uji",):
            continue
        if entry.updated_by != "demo-seed":
            continue
        for question in entry.questions():
            cases.append(Case(OWN_QUESTIONS, question, entry.key))
    with (DATA / "out_of_scope.csv").open(encoding="utf-8") as handle:
        cases += [Case("out of scope", row["text"], None) for row in csv.DictReader(handle)]
    return cases


class Grader:
    """Reads a turn's replies and recorded events and grades them."""

    def __init__(self, entries: list[EntryView], tracker_url: str) -> None:
        self.answers = {_squash(e.answer)[:PREFIX]: e.key for e in entries}
        self.referrals = {e.key for e in entries if e.category == REFERRAL_CATEGORY}
        self.tracker = create_engine(tracker_url, future=True)

    def watermark(self) -> int:
        with self.tracker.connect() as connection:
            return int(connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM events")).scalar())

    def turn(self, after: int) -> tuple[str, list[str]]:
        """Return the intent of the first user event after `after` and the actions that ran."""
        with self.tracker.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT type_name, intent_name, action_name FROM events "
                    "WHERE id > :after ORDER BY id"
                ),
                {"after": after},
            ).all()
        intent = next((r.intent_name for r in rows if r.type_name == "user"), "") or ""
        return intent, [r.action_name for r in rows if r.type_name == "action" and r.action_name]

    def answered_key(self, replies: list[dict]) -> str | None:
        joined = _squash(" ".join(r.get("text") or "" for r in replies))
        return next((key for prefix, key in self.answers.items() if prefix in joined), None)

    def grade(self, case: Case, replies: list[dict], intent: str) -> Graded:
        key = self.answered_key(replies)
        payloads = [b.get("payload", "") for r in replies for b in r.get("buttons") or []]
        first = (replies[0].get("text") or "")[:80] if replies else ""
        if key is not None and case.key is None and key in self.referrals:
            return Graded(case, "no answer", intent, key)  # "ask Dukcapil": a polite refusal
        if key is not None:
            right = case.key is not None and key == case.key
            return Graded(case, "answered" if right else "wrong", intent, key)
        if case.intent and intent == case.intent:
            return Graded(case, "built-in", intent, intent)
        if case.set == OWN_QUESTIONS and intent in KEPT_INTENTS:
            return Graded(case, "built-in", intent, intent)
        if intent in CONTENT_INTENTS:
            return Graded(case, "wrong", intent, intent)
        offered = case.key is not None and any(f'"{case.key}"' in p for p in payloads)
        offered |= bool(case.intent) and any(p.startswith(f"/{case.intent}") for p in payloads)
        return Graded(case, "buttons" if offered else "no answer", intent, first)


async def ask_all(running: RunningStack, grader: Grader, cases: list[Case]) -> list[Graded]:
    results = []
    for case in cases:
        mark = grader.watermark()
        replies = await running.send({"text": case.text})
        intent, _actions = grader.turn(mark)
        results.append(grader.grade(case, replies, intent))
    return results


def import_file(path: Path, database_url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "faq", "import", str(path), "--author", "eval"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise SystemExit(f"import of {path.name} failed:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def summarise(results: list[Graded]) -> dict[str, dict[str, float | int]]:
    table: dict[str, dict[str, float | int]] = {}
    for name in dict.fromkeys(g.case.set for g in results):
        graded = [g for g in results if g.case.set == name]
        counts = Counter(g.grade for g in graded)
        row: dict[str, float | int] = {"messages": len(graded)}
        for grade in GRADES:
            row[grade] = round(counts[grade] / len(graded), 4)
        table[name] = row
    return table


def render(summary: dict, results: list[Graded], imports: list[str], model: Path) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Answers end to end",
        "",
        f"Generated by `python -m tests.eval.answer_e2e` (`make eval`) on {when}, model "
        f"`{model.name}`. Every message is a new web chat conversation on the running stack; "
        "see the module docstring for the grades. Out of scope: *wrong* = answered as a "
        "passport question.",
        "",
        "| set | messages | answered | built-in | buttons | wrong | no answer |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, row in summary.items():
        cells = [f"{row[g]:.1%}" for g in GRADES]
        lines.append(f"| {name} | {row['messages']} | " + " | ".join(cells) + " |")
    lines += ["", "Imports:", ""] + [
        f"    {line}" for text_ in imports for line in text_.splitlines()
    ]
    misses = [
        g
        for g in results
        if g.grade not in ("answered", "built-in") and g.case.set != "paraphrases_blind"
    ]
    misses = [g for g in misses if not (g.case.set == "out of scope" and g.grade == "no answer")]
    lines += [
        "",
        "## Misses (blind set not shown)",
        "",
        "| set | message | expected | grade | got |",
    ]
    lines.append("|---|---|---|---|---|")
    for g in misses:
        expected = g.case.key or "-"
        if g.case.intent:
            expected += f" / {g.case.intent}"
        got = g.got.replace("|", "/").replace("\n", " ")
        lines.append(f"| {g.case.set} | {g.case.text} | {expected} | {g.grade} | {got} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--json", type=Path, default=SUMMARY)
    parser.add_argument("--real-faq", type=Path, default=REAL_FAQ, help="the public FAQ file")
    args = parser.parse_args(argv)
    model = args.model or latest_model()
    if model is None:
        raise SystemExit("no trained model in models/ (run make train)")
    with tempfile.TemporaryDirectory() as scratch:
        running = start_stack(Path(scratch), model)
        try:
            if not running.processes.wait_healthy(timeout_seconds=300):
                raise SystemExit(f"the stack did not become healthy\n{running.logs()}")
            url = running.settings.database_url
            imports = [import_file(args.real_faq, url), import_file(DATA / "own_faq.csv", url)]
            with make_session_factory(make_engine(url)).begin() as session:
                entries = store.list_entries(session=session, status="published")
            grader = Grader(entries, running.tracker_url)
            results = asyncio.run(ask_all(running, grader, load_cases(entries)))
        finally:
            running.processes.stop()
    summary = summarise(results)
    args.report.write_text(render(summary, results, imports, model), encoding="utf-8")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        {**asdict(g.case), "grade": g.grade, "intent": g.intent, "got": g.got}
        for g in results
        if g.case.set != "paraphrases_blind"
    ]
    args.json.write_text(json.dumps({"summary": summary, "results": rows}, indent=1), "utf-8")
    for name, row in summary.items():
        print(f"{name}: {json.dumps(row)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
