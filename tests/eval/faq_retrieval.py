"""Measure FAQ retrieval: top-1/top-3 accuracy on paraphrases and latency; writes docs/faq_eval.md.

Run with `python -m tests.eval.faq_retrieval` (or `make eval`); `--strict` exits 1 when a
target is missed. The indexes are built in memory from the shipped demo FAQ, the
third-party-style list in tests/eval/faq/ and synthetic distractors (`faq_distractors`), so the
numbers measure retrieval itself; the database is only read when the revision counter changes.
The report also has the threshold sweep that `actions.faq`'s thresholds were fitted on.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

from bot import PROJECT_ROOT
from bot.knowledge.demo_entries import DEMO_FAQ
from bot.knowledge.importer import parse_sheet
from bot.knowledge.normalize import clean
from bot.knowledge.retrieval import DEFAULT_WEIGHTS, FaqIndex, Weights
from bot.knowledge.sheets import read_sheet
from bot.knowledge.views import EntryView, Match
from tests.eval.faq_distractors import distractor_entries, word_salad_entries

DATA = Path(__file__).parent / "faq"
REPORT = PROJECT_ROOT / "docs" / "faq_eval.md"
SYNTHETIC_ENTRIES = 2000
SEEDS = (7, 11, 13, 17, 19)  # distractor sets for the spread of the 2,000-entry top-1
REPEATS = 3  # a question's latency is the median of this many searches (the machine is shared)
# Keep equal to actions.faq (checked in main).
ANSWER_THRESHOLD = 0.55
SUGGEST_THRESHOLD = 0.35
CLEAR_MARGIN = 0.08


def demo_entries() -> list[EntryView]:
    return [
        EntryView(key, category, question, answer, tuple(examples), "id", "published")
        for key, category, question, answer, examples in DEMO_FAQ
    ]


def third_party_entries() -> list[EntryView]:
    parsed = parse_sheet(read_sheet(DATA / "third_party_faq.csv"))
    assert not parsed.errors, parsed.errors
    return [
        EntryView(row.key or "", row.data.category, row.data.question, row.data.answer,
                  row.data.examples, row.data.language, row.data.status)
        for row in parsed.rows
    ]  # fmt: skip


def paraphrases(name: str) -> list[tuple[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [(row["question"], row["key"]) for row in csv.DictReader(handle)]


def unanswerable(name: str = "demo_unanswerable.csv") -> list[str]:
    """Questions the demo FAQ cannot answer: off-topic, or near-domain (`..._near.csv`)."""
    with (DATA / name).open(encoding="utf-8") as handle:
        return [row["question"] for row in csv.DictReader(handle)]


def is_clear(matches: list[Match], threshold: float, margin: float) -> bool:
    """The action's rule for answering directly (actions.faq.is_clear)."""
    if not matches or matches[0].score < threshold:
        return False
    return len(matches) == 1 or matches[0].score - matches[1].score >= margin


@dataclass
class Result:
    top1: float
    top3: float
    p50_ms: float
    p95_ms: float
    p95_cpu_ms: float  # this process's CPU time: what the search costs, whatever else runs
    answered: float  # clear (threshold and margin, as the action) and the right entry
    wrong: float  # clear but the wrong entry: the citizen gets a wrong answer directly
    misses: list[tuple[str, str, str]]
    runs: list[tuple[list[Match], str]]


def evaluate(index: FaqIndex, questions: list[tuple[str, str]]) -> Result:
    top1 = top3 = answered = wrong = 0
    latencies: list[float] = []
    cpu: list[float] = []
    misses, runs = [], []
    for question, key in questions:
        timings, cpu_timings = [], []
        for _ in range(REPEATS):
            start, start_cpu = time.perf_counter(), time.process_time()
            matches = index.search(question, limit=3)
            timings.append((time.perf_counter() - start) * 1000)
            cpu_timings.append((time.process_time() - start_cpu) * 1000)
        latencies.append(statistics.median(timings))
        cpu.append(statistics.median(cpu_timings))
        runs.append((matches, key))
        keys = [m.key for m in matches]
        top1 += bool(keys) and keys[0] == key
        top3 += key in keys
        if is_clear(matches, ANSWER_THRESHOLD, CLEAR_MARGIN):
            answered += keys[0] == key
            wrong += keys[0] != key
        if not keys or keys[0] != key:
            misses.append((question, key, keys[0] if keys else "-"))
    n = len(questions)
    latencies.sort()
    cpu.sort()
    return Result(
        top1 / n, top3 / n, statistics.median(latencies), latencies[min(n - 1, int(0.95 * n))],
        cpu[min(n - 1, int(0.95 * n))], answered / n, wrong / n, misses, runs,
    )  # fmt: skip


def best_scores(index: FaqIndex, questions: list[str]) -> list[float]:
    """The best score of each question (0 when nothing matches)."""
    return [next((m.score for m in index.search(q, limit=1)), 0.0) for q in questions]


def plain_tokens(text: str) -> list[str]:
    return clean(text).split()


def no_stem_tokens(text: str) -> list[str]:
    from bot.knowledge.normalize import STOPWORDS, canonical_word

    return [
        w for raw in clean(text).split() for w in canonical_word(raw).split() if w not in STOPWORDS
    ]


D = DEFAULT_WEIGHTS
# The configuration before 2026-11-29 (candidate entries are now scored on all their texts).
BEFORE = replace(
    D, bm25_norm="ceiling", answer_boost=0.0, confidence="rank", unknown_weight=0.5
)  # fmt: skip
LED = replace(
    BEFORE, bm25=0.7, overlap=0.2, fuzzy=0.1, answer_fit="hybrid", answer_boost=0.25
)  # fmt: skip
VARIANTS: list[tuple[str, Weights]] = [
    ("chosen: BM25 coverage 0.5 + overlap 0.3 + fuzzy 0.2; answer's new words at 0.4", D),
    ("before: BM25 ceiling scaling, answer competes at 0.8, score = rank, unknown 0.5", BEFORE),
    ("BM25 ceiling scaling (short texts score higher)", replace(D, bm25_norm="ceiling")),
    ("previous BM25-led attempt: 0.7/0.2/0.1, ceiling, answer's mixed score at 0.25", LED),
    ("BM25 scaled by the query's self-score", replace(D, bm25_norm="self")),
    (
        "answer's BM25 coverage squared added at 0.25",
        replace(D, answer_fit="coverage2", answer_boost=0.25),
    ),  # noqa: E501
    ("answer's mixed score added at 0.25", replace(D, answer_fit="hybrid", answer_boost=0.25)),
    ("answer competes as one more question at 0.8", replace(D, answer_boost=0.0)),
    ("answer's new words at 0.25", replace(D, answer_boost=0.25)),
    ("BM25 0.7 + overlap 0.2 + fuzzy 0.1", replace(D, bm25=0.7, overlap=0.2, fuzzy=0.1)),
    ("BM25 0.4 + overlap 0.4 + fuzzy 0.2", replace(D, bm25=0.4, overlap=0.4, fuzzy=0.2)),
    ("score = ranking score (answer included)", replace(D, confidence="rank")),
    ("unknown words at half the IDF of a word seen once", replace(D, unknown_weight=0.5)),
    ("BM25 alone", replace(D, rank="bm25")),
    ("rapidfuzz token_sort_ratio alone", replace(D, rank="fuzzy", fuzzy_candidates=50)),
    ("without related-word expansion", replace(D, related_weight=0.0)),
    ("without indexing answers", replace(D, answer_weight=0.0)),
    ("without typo correction", replace(D, correct_typos=False)),
    ("without stemming", replace(D, tokenizer=no_stem_tokens)),
    ("without slang lexicon, stemming, stop words", replace(D, tokenizer=plain_tokens)),
]


def threshold_lines(results: dict[str, Result], off: list[float], near: list[float]) -> list[str]:
    """Tables of what each threshold would do: the evidence for actions.faq's values."""
    names = list(results)

    def clear_share(result: Result, threshold: float, margin: float, right: bool) -> str:
        hits = sum(
            is_clear(matches, threshold, margin) and (matches[0].key == key) == right
            for matches, key in result.runs
        )
        return f"{hits / len(result.runs):.1%}"

    def over(scores: list[float], threshold: float) -> str:
        return f"{sum(s >= threshold for s in scores)}/{len(scores)}"

    head = " | ".join(f"answered {n.split(' (')[0]}" for n in names)
    lines = [
        "## Thresholds",
        "",
        "The score compared with the thresholds is the best question's (the answer text only "
        "orders the entries). *answered* = clear under the action's rule and the right entry; "
        "*wrong* = clear but another entry (a wrong answer given directly); off-topic and "
        "near-domain = unanswerable questions whose best score reaches the threshold (off-topic "
        "on the demo and on the demo + third-party index, near-domain on the demo FAQ).",
        "",
        f"Answer threshold, with the margin at {CLEAR_MARGIN}:",
        "",
        f"| threshold | {head} | wrong (2,000) | off-topic over | near-domain over |",
        "|---|" + "---|" * (len(names) + 3),
    ]
    for threshold in (0.45, 0.5, 0.55, 0.6, 0.65):
        cells = [clear_share(results[n], threshold, CLEAR_MARGIN, True) for n in names]
        wrong = clear_share(results[names[-1]], threshold, CLEAR_MARGIN, False)
        lines.append(
            f"| {threshold} | {' | '.join(cells)} | {wrong} | {over(off, threshold)} "
            f"| {over(near, threshold)} |"
        )
    lines += [
        "",
        f"Clear margin, with the threshold at {ANSWER_THRESHOLD}:",
        "",
        f"| margin | {head} | {' | '.join('wrong ' + n.split(' (')[0] for n in names)} |",
        "|---|" + "---|" * (2 * len(names)),
    ]
    for margin in (0.0, 0.04, 0.08, 0.12):
        right = [clear_share(results[n], ANSWER_THRESHOLD, margin, True) for n in names]
        wrong = [clear_share(results[n], ANSWER_THRESHOLD, margin, False) for n in names]
        lines.append(f"| {margin} | {' | '.join(right)} | {' | '.join(wrong)} |")
    lines += [
        "",
        "Suggest threshold: *in buttons* = the right entry is among the three candidates at or "
        "over it; unanswerable questions with buttons are not logged for staff as unanswered.",
        "",
        f"| suggest | {' | '.join('in buttons ' + n.split(' (')[0] for n in names)} "
        "| off-topic with buttons | near-domain with buttons |",
        "|---|" + "---|" * (len(names) + 2),
    ]
    for suggest in (0.25, 0.3, 0.35, 0.4):
        cells = [
            f"{sum(any(m.key == key and m.score >= suggest for m in matches) for matches, key in results[n].runs) / len(results[n].runs):.1%}"  # noqa: E501
            for n in names
        ]
        lines.append(
            f"| {suggest} | {' | '.join(cells)} | {over(off, suggest)} | {over(near, suggest)} |"
        )
    return lines


def main() -> int:
    from actions import faq

    assert (faq.ANSWER_THRESHOLD, faq.SUGGEST_THRESHOLD, faq.CLEAR_MARGIN) == (
        ANSWER_THRESHOLD, SUGGEST_THRESHOLD, CLEAR_MARGIN,
    ), "keep the eval thresholds equal to the action's"  # fmt: skip
    demo, third = demo_entries(), third_party_entries()
    demo_q, third_q = (
        paraphrases("demo_paraphrases.csv"),
        paraphrases("third_party_paraphrases.csv"),
    )
    combined_q = demo_q + third_q
    examples = {clean(q) for e in demo + third for q in e.questions()}
    overlap = [q for q, _ in combined_q if clean(q) in examples]
    assert not overlap, f"paraphrases must not repeat example questions: {overlap}"
    count = SYNTHETIC_ENTRIES - len(demo) - len(third)
    avoid = [q for q, _ in combined_q]
    synthetic = distractor_entries(count, demo + third, avoid)
    lines = [
        "# FAQ retrieval evaluation",
        "",
        f"Generated by `python -m tests.eval.faq_retrieval` (`make eval`) on "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Paraphrases are written by the team "
        "and are never one of the entries' example questions. Latency is one `FaqIndex.search` "
        "call (normalisation, typo correction, ranking) on this machine, the median of "
        f"{REPEATS} runs per question; *p95 CPU* counts this process's CPU time only, so it "
        "shows the cost of a search even when other jobs share the machine (load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start of this run). The "
        "database is only read when the knowledge-base revision counter changes.",
        "",
        f"Thresholds (`actions/faq.py`): answer {ANSWER_THRESHOLD} with a lead of "
        f"{CLEAR_MARGIN} over the runner-up, buttons from {SUGGEST_THRESHOLD}. *answered* = "
        "the citizen gets the right answer directly; *wrong* = a wrong answer directly; below "
        "the rule the action offers buttons.",
        "",
        "## Chosen configuration",
        "",
        "| FAQ set | entries in index | questions | top-1 | top-3 | answered | wrong | p50 ms "
        "| p95 ms | p95 CPU ms |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    big = "demo + third-party + synthetic (2,000)"
    runs: list[tuple[str, list[EntryView], list[tuple[str, str]]]] = [
        ("demo FAQ", demo, demo_q),
        ("third-party list (visa, stay permits, M-Paspor)", third, third_q),
        (big, demo + third + synthetic, combined_q),
        (
            "demo + third-party + previous word-salad synthetic (2,000)",
            demo + third + word_salad_entries(count, demo + third),
            combined_q,
        ),
    ]
    results: dict[str, Result] = {}
    for name, entries, questions in runs:
        index = FaqIndex(entries)
        for question, _key in questions[:20]:  # warm the caches as a running server would be
            index.search(question)
        result = results[name] = evaluate(index, questions)
        lines.append(
            f"| {name} | {len(entries)} | {len(questions)} | {result.top1:.1%} | {result.top3:.1%} "
            f"| {result.answered:.1%} | {result.wrong:.1%} | {result.p50_ms:.2f} "
            f"| {result.p95_ms:.2f} | {result.p95_cpu_ms:.2f} |"
        )
    spread = [
        evaluate(FaqIndex(demo + third + distractor_entries(count, demo + third, avoid, seed)),
                 combined_q).top1
        for seed in SEEDS
    ]  # fmt: skip
    off_topic, near = unanswerable(), unanswerable("demo_unanswerable_near.csv")
    off = best_scores(FaqIndex(demo), off_topic) + best_scores(FaqIndex(demo + third), off_topic)
    near_scores = best_scores(FaqIndex(demo), near)
    lines += [
        "",
        f"2,000-entry top-1 over distractor seeds {', '.join(map(str, SEEDS))}: mean "
        f"{statistics.mean(spread):.1%}, lowest {min(spread):.1%}, highest {max(spread):.1%} "
        "(one question is 0.5 points). The synthetic entries are described in "
        "`tests/eval/faq_distractors.py`; the word-salad row is the generator used before "
        "2026-11-29, kept for comparison.",
        "",
        f"Unanswerable questions kept under the answer threshold: off-topic "
        f"({len(off_topic)}, on the demo and on the demo + third-party index) "
        f"{sum(s < ANSWER_THRESHOLD for s in off) / len(off):.0%}, highest score "
        f"{max(off):.2f}; near-domain ({len(near)}, passport-office questions the demo FAQ "
        f"does not cover) {sum(s < ANSWER_THRESHOLD for s in near_scores) / len(near):.0%}, "
        f"highest score {max(near_scores):.2f}.",
        "",
    ]
    shown = {n: results[n] for n in [runs[0][0], runs[1][0], big]}
    lines += threshold_lines(shown, off, near_scores)
    lines += [
        "",
        "## Alternatives measured",
        "",
        "Top-1/top-3 on the demo + third-party paraphrases with the demo + third-party index; "
        "2,000 = with the synthetic entries (seed 7); highest off-topic = the best score of an "
        "off-topic question on the demo FAQ (compare with each variant's own scale).",
        "",
        "| ranking | top-1 | top-3 | 2,000 top-1 | 2,000 p95 ms | highest off-topic |",
        "|---|---|---|---|---|---|",
    ]
    for name, weights in VARIANTS:
        result = evaluate(FaqIndex(demo + third, weights), combined_q)
        large = evaluate(FaqIndex(demo + third + synthetic, weights), combined_q)
        worst = max(best_scores(FaqIndex(demo, weights), off_topic))
        lines.append(
            f"| {name} | {result.top1:.1%} | {result.top3:.1%} | {large.top1:.1%} "
            f"| {large.p95_ms:.2f} | {worst:.2f} |"
        )
    misses = results["demo FAQ"].misses + results[runs[1][0]].misses
    lines += ["", "## Top-1 misses (question → expected, got)", ""]
    lines += [f"- {q} → `{want}`, got `{got}`" for q, want, got in misses] or ["- none"]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[: lines.index("## Top-1 misses (question → expected, got)")]))
    print(f"Wrote {REPORT.relative_to(PROJECT_ROOT)}")
    gated = {name: results[name] for name in [runs[0][0], runs[1][0], big]}
    latency = results[big].p95_ms
    for name, result in gated.items():
        verdict = "met" if result.top1 >= 0.85 else "NOT met"
        print(f"top-1 >= 85% on {name}: {verdict} ({result.top1:.1%})")
    print(f"p95 <= 20 ms at 2,000 entries: {'met' if latency <= 20 else 'NOT met'} ({latency:.2f})")
    ok = all(r.top1 >= 0.85 for r in gated.values()) and latency <= 20
    return 0 if ok or "--strict" not in sys.argv else 1


if __name__ == "__main__":
    sys.exit(main())
