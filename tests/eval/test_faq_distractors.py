"""The synthetic distractors of the 2,000-entry FAQ measure look like real entries."""

from __future__ import annotations

import statistics

import pytest

from bot.knowledge.normalize import tokens
from tests.eval.faq_distractors import distractor_entries, word_salad_entries
from tests.eval.faq_retrieval import demo_entries, paraphrases, third_party_entries


@pytest.fixture(scope="module")
def real():
    return demo_entries() + third_party_entries()


@pytest.fixture(scope="module")
def held_out() -> list[str]:
    pairs = paraphrases("demo_paraphrases.csv") + paraphrases("third_party_paraphrases.csv")
    return [question for question, _key in pairs]


@pytest.fixture(scope="module")
def synthetic(real, held_out):
    return distractor_entries(400, real, held_out)


def _shape(entries) -> dict[str, float]:
    def share(part: list[str], whole: list[str]) -> float:
        return len(set(part) & set(whole)) / max(1, len(set(part)))

    return {
        "question words": statistics.mean(len(tokens(e.question)) for e in entries),
        "answer words": statistics.mean(len(tokens(e.answer)) for e in entries),
        "question words in the answer": statistics.mean(
            share(tokens(e.question), tokens(e.answer)) for e in entries
        ),
        "example words in the question": statistics.mean(
            share(tokens(x), tokens(e.question)) for e in entries for x in e.examples
        ),
    }


def test_distractors_have_the_shape_of_real_entries(real, synthetic) -> None:
    want, got = _shape(real), _shape(synthetic)
    assert got["question words"] == pytest.approx(want["question words"], abs=0.75)
    assert got["answer words"] == pytest.approx(want["answer words"], rel=0.25)
    assert got["question words in the answer"] == pytest.approx(
        want["question words in the answer"], abs=0.15
    )
    assert got["example words in the question"] == pytest.approx(
        want["example words in the question"], abs=0.15
    )


def test_distractors_never_repeat_a_real_or_held_out_question(real, held_out, synthetic) -> None:
    taken = {frozenset(tokens(q)) for e in real for q in e.questions()}
    taken |= {frozenset(tokens(q)) for q in held_out}
    assert not [q for e in synthetic for q in e.questions() if frozenset(tokens(q)) in taken]


def test_distractors_are_reproducible_and_seeded(real, held_out, synthetic) -> None:
    assert distractor_entries(400, real, held_out) == synthetic
    assert distractor_entries(400, real, held_out, seed=8) != synthetic


def test_the_previous_generator_is_kept_as_it_was(real) -> None:
    salad = word_salad_entries(50, real)
    assert {e.answer for e in salad} == {"Jawaban contoh."}
    assert all(len(e.examples) == 2 for e in salad)
