"""Render the held-out NLU evaluation summary (tests/eval/nlu_eval.py) as docs/nlu_eval.md."""

from __future__ import annotations

import textwrap

TOP_CONFUSIONS = 15
WORST_EXAMPLES = 20
ENTITY_ERRORS = 25

SET_NOTES = {
    "nlu_eval": "`tests/nlu_eval/*.yml`, the first set; its error analysis (categories of "
    "mistakes, never its messages) guided the second round of training data",
    "nlu_eval_blind": "`tests/nlu_eval_blind/*.yml`, written without looking at the training "
    "data; its per-intent scores (not its messages) helped pick the intents the third round of "
    "training data was written for. Both of these sets also chose the intent classifier and the "
    "fallback thresholds, so they flatter the model somewhat",
    "nlu_eval_fresh": "`tests/nlu_eval_fresh/*.yml`, written after the intent classifier and the "
    "third round of training data were chosen, by someone who saw neither the training data nor "
    "the other sets, and never used to choose anything: the most honest estimate. Reported, not "
    "gated",
}

DEFINITIONS = """\
- Labels: office spans include a "kanim"/"imigrasi"/"kantor" prefix as in data/nlu/synonyms.yml,
  and misspelt names still carry the canonical value; a date is annotated where the citizen means
  a day or period (an expression `bot.schedule.dates` understands), not "skrg"/"now" meaning
  "nowadays" nor "tiap minggu" (weekly); a city in an out-of-scope message ("samsat pontianak")
  is not an office.
- **Intent accuracy**: the final intent (after the FallbackClassifier) equals the gold intent, over
  all messages, in-scope and out-of-scope alike; an `nlu_fallback` prediction is always wrong.
  *Without fallback* uses the intent classifier's best intent other than `nlu_fallback`, to see
  what a different fallback threshold would change.
- **Macro F1**: unweighted mean of the per-intent F1 over the intents in the gold labels.
- **Entity F1**: micro-averaged over exact (type, start, end, value) matches; the value after
  synonym mapping must be the canonical key of docs/architecture.md (dates: the span as written),
  compared case-insensitively.
- **Out-of-scope-as-passport rate**: among gold `out_of_scope` / `out_of_scope_*` messages, the
  share predicted as a passport intent (`ask_*`, `report_lost_damaged`, `complaint`,
  `request_human`, `inform`). Another out-of-scope intent, small talk, `bot_challenge` and
  `nlu_fallback` do not count.
- **Latency**: wall time of `Agent.parse_message` per message in one process, one message at a
  time, after one warm-up parse (NLU only: no dialogue policies, action server or network).
- **Gate** (`make test` runs it: tests/stack/test_nlu_gate.py; or `python -m tests.eval.nlu_eval
  --gate`, exit code 1 when it fails): accuracy ≥ 0.90 and out-of-scope-as-passport rate ≤ 5%,
  over `tests/nlu_eval` and `tests/nlu_eval_blind` together and on each of them.
"""


def sets_note(names: list[str]) -> str:
    """The first bullet of "How to read this": which held-out sets were read, and their story."""
    described = "; ".join(SET_NOTES.get(n, f"`tests/{n}/*.yml`") for n in names)
    text = (
        "Held-out sets, never trained on (`rasa train` reads `data/` only; a test rejects any "
        "held-out message that is a near-copy of a training example, or a duplicate of another "
        f"held-out message): {described}. Every intent of `domain.yml` except `nlu_fallback` "
        "is covered; each set's `out_of_scope.yml` is its out-of-scope section."
    )
    wrapped = textwrap.fill(
        text, width=98, initial_indent="- ", subsequent_indent="  ", break_on_hyphens=False
    )
    return wrapped + "\n"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _pct(value: float) -> str:
    return f"{value:.1%}"


def gate_cell(gate: dict) -> str:
    """The gate's verdict; for a set that is not gated, what the gate would have said."""
    verdict = "**pass**" if gate["passed"] else "**fail**: " + "; ".join(gate["failures"])
    if not gate.get("gated", True):
        return "not gated (measurement only); would " + verdict
    return "**passes**" if gate["passed"] else verdict


def render_markdown(s: dict) -> str:
    """Return the Markdown report for one evaluation summary."""
    oos = s["out_of_scope_as_passport"]
    ent = s["entities"]["overall"]
    gate = s["gate"]
    lines = [
        "# NLU evaluation on held-out messages",
        "",
        "Written by `make eval` (`python -m tests.eval.nlu_eval`); overwritten on every run.",
        "",
        f"- Date: {s['date']}",
        f"- Model: `{s['model']}`",
        f"- Messages: {s['messages']} ({s['messages_in_scope']} in scope, "
        f"{s['messages_out_of_scope']} out of scope)",
        "- Files: " + ", ".join(f"{k} {v}" for k, v in s["per_source"].items()),
        "",
        "| metric | value |",
        "|---|---|",
        f"| intent accuracy (all messages) | **{s['intent_accuracy']:.3f}** |",
        f"| intent accuracy, in scope | {s['intent_accuracy_in_scope']:.3f} |",
        f"| intent accuracy, out of scope | {s['intent_accuracy_out_of_scope']:.3f} |",
        f"| intent accuracy without fallback | {s['intent_accuracy_without_fallback']:.3f} |",
        f"| predicted `nlu_fallback` | {s['fallback_predictions']} |",
        f"| macro F1 | **{s['macro_f1']:.3f}** |",
        f"| entity F1 (precision / recall) | **{ent['f1']:.3f}** "
        f"({ent['precision']:.3f} / {ent['recall']:.3f}) |",
        f"| out-of-scope answered as passport | **{_pct(oos['rate'])}** "
        f"({oos['answered_as_passport']} of {oos['total']}) |",
        f"| parse latency p50 / p95 / max | {s['latency_ms']['p50']:.1f} / "
        f"{s['latency_ms']['p95']:.1f} / {s['latency_ms']['max']:.1f} ms |",
        f"| gate (accuracy ≥ {gate['min_accuracy']:.2f}, out-of-scope-as-passport ≤ "
        f"{gate['max_out_of_scope_as_passport']:.0%}) | " + gate_cell(gate) + " |",
        "",
        "## Per held-out set",
        "",
        "| set | messages | intent accuracy | macro F1 | out-of-scope as passport |",
        "|---|---:|---:|---:|---:|",
        *(
            f"| {name} | {r['messages']} | {r['intent_accuracy']:.3f} | {r['macro_f1']:.3f} "
            f"| {_pct(r['out_of_scope_as_passport'])} of {r['out_of_scope_total']} |"
            for name, r in s.get("per_set", {}).items()
        ),
        "",
        "## Per intent",
        "",
        "| intent | support | predicted | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for intent, sc in s["per_intent"].items():
        lines.append(
            f"| {intent} | {sc['support']} | {sc['predicted']} | {sc['precision']:.2f} "
            f"| {sc['recall']:.2f} | {sc['f1']:.2f} |"
        )
    lines += [
        "",
        "## Entities (exact span and value)",
        "",
        "| entity | gold | predicted | precision | recall | F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, sc in s["entities"].items():
        lines.append(
            f"| {name} | {sc['support']} | {sc['predicted']} | {sc['precision']:.2f} "
            f"| {sc['recall']:.2f} | {sc['f1']:.2f} |"
        )
    lines += ["", "## Top confusions (gold → predicted)", ""]
    lines += [
        f"- {c['gold']} → {c['predicted']}: {c['count']}" for c in s["confusions"][:TOP_CONFUSIONS]
    ] or ["- none"]
    lines += [
        "",
        "## Fallback suggestions (two-stage fallback)",
        "",
        "A message under the fallback threshold gets up to "
        "two likely curated intents as buttons (actions/faq.py). Over the messages that fell back: "
        "how often the right intent was among the buttons, by suggestion threshold.",
        "",
        "| threshold | fell back | right intent offerable | right intent offered "
        "| mean intent buttons |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in s.get("fallback_suggestions", []):
        mark = " (chosen)" if r["chosen"] else ""
        lines.append(
            f"| {r['threshold']:.2f}{mark} | {r['fallbacks']} | {r['offerable']} "
            f"| {r['right_intent_offered']} | {r['mean_intent_buttons']:.2f} |"
        )
    lines += [
        "",
        f"## Worst examples (wrong, highest confidence first; {len(s['wrong_intents'])} wrong)",
        "",
        "| message | gold | predicted | confidence | classifier's best |",
        "|---|---|---|---:|---|",
    ]
    for r in s["wrong_intents"][:WORST_EXAMPLES]:
        lines.append(
            f"| {_cell(r['text'])} | {r['gold']} | {r['predicted']} | {r['confidence']:.2f} "
            f"| {r['raw_predicted']} ({r['raw_confidence']:.2f}) |"
        )
    lines += ["", "## Out-of-scope messages answered as passport questions", ""]
    lines += [
        f"- {_cell(r['text'])} ({r['gold']} → {r['predicted']}, {r['confidence']:.2f})"
        for r in s["out_of_scope_answered_as_passport"]
    ] or ["- none"]
    lines += [
        "",
        f"## Entity errors (first {ENTITY_ERRORS} of {len(s['entity_errors'])})",
        "",
        "| message | gold | predicted |",
        "|---|---|---|",
    ]
    for r in s["entity_errors"][:ENTITY_ERRORS]:
        lines.append(
            f"| {_cell(r['text'])} | {_cell(', '.join(r['gold']) or '–')} "
            f"| {_cell(', '.join(r['predicted']) or '–')} |"
        )
    notes = "## How to read this\n\n" + sets_note(list(s.get("per_set", {}))) + DEFINITIONS
    return "\n".join(lines) + "\n\n" + notes
