"""`faq retrain` data generation: published questions become ask_faq examples, no clashes."""

from __future__ import annotations

import yaml

from bot.knowledge.training import held_out_questions, write_generated
from bot.knowledge.views import EntryView


def _entry(key: str, question: str, *examples: str) -> EntryView:
    return EntryView(key, "umum", question, "Jawaban.", examples, "id", "published")


def test_generated_file_holds_new_questions_only(tmp_path) -> None:
    nlu = tmp_path / "nlu"
    nlu.mkdir()
    (nlu / "process.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: ask_process\n  examples: |\n    - cara bayar paspor gmn\n',
        encoding="utf-8",
    )
    target = nlu / "faq_generated.yml"
    entries = [
        _entry("a", 'Apa itu "VoA"?', "cara bayar paspor gmn", "voa [itu] apa"),
        _entry("b", 'apa itu "voa"?'),  # same text, different case: kept once
    ]
    assert write_generated(entries, target) == 2
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    examples = [line[2:] for line in data["nlu"][0]["examples"].splitlines()]
    assert data["nlu"][0]["intent"] == "ask_faq"
    assert examples == ['Apa itu "VoA"?', "voa (itu) apa"]
    assert write_generated(entries, target) == 2  # rerunning ignores its own previous output


def test_held_out_paraphrases_are_read_for_the_evaluation() -> None:
    questions = held_out_questions()
    assert len(questions) >= 100
    assert all(question.strip() for question in questions)
