"""The held-out NLU sets are complete, consistently labelled, and not training data."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot import PROJECT_ROOT
from bot.schedule.dates import parse_date_expression
from tests.eval.nlu_eval import EVAL_DIRS, FRESH_DIR, Example, load_examples
from tests.eval.nlu_metrics import is_out_of_scope

OFFICES = {"pontianak", "mpp-pontianak", "singkawang"}
SERVICES = {
    "paspor-biasa",
    "e-paspor",
    "percepatan",
    "baru",
    "penggantian",
    "anak",
    "hilang",
    "rusak",
}
BUTTON_ONLY_ENTITIES = {"faq_key"}
NEAR_COPY_RATIO = 0.9  # difflib ratio of normalised texts; paraphrases stay below it


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_examples((*EVAL_DIRS, FRESH_DIR))


@pytest.fixture(scope="module")
def domain() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_the_set_is_large_enough_with_an_out_of_scope_section(examples):
    out_of_scope = [e for e in examples if is_out_of_scope(e.intent)]
    assert len(examples) >= 300
    assert len(out_of_scope) >= 80
    assert {e.source.rsplit("/", 1)[1] for e in out_of_scope} == {"out_of_scope.yml"}
    for name in ("nlu_eval", "nlu_eval_blind", "nlu_eval_fresh"):
        assert sum(e.set_name == name for e in examples) >= 250, name
        assert sum(e.set_name == name for e in out_of_scope) >= 80, name


def test_every_domain_intent_has_examples(examples, domain):
    counts = Counter(e.intent for e in examples)
    expected = set(domain["intents"]) - {"nlu_fallback"}
    missing = sorted(expected - set(counts))
    assert not missing, f"tests/nlu_eval has no examples for {missing}"
    assert set(counts) <= expected, f"unknown intents: {sorted(set(counts) - expected)}"
    thin = {intent: n for intent, n in counts.items() if n < 10}
    assert not thin, f"fewer than 10 examples: {thin}"


def test_every_entity_and_canonical_value_is_covered(examples, domain):
    entities = [x for e in examples for x in e.entities]
    # faq_key only arrives in button payloads (/ask_faq{"faq_key": ...}), never in typed text.
    assert {x.entity for x in entities} == set(domain["entities"]) - BUTTON_ONLY_ENTITIES
    assert {x.value for x in entities if x.entity == "office"} == OFFICES
    assert {x.value for x in entities if x.entity == "service"} == SERVICES


def test_entity_spans_are_consistent(examples):
    for example in examples:
        for entity in example.entities:
            span = example.text[entity.start : entity.end]
            assert span and span == span.strip(), (example.text, entity)
            if entity.entity == "date":
                assert entity.value == span, (example.text, entity)


def test_every_date_span_is_a_date_the_actions_understand(examples):
    now = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
    dates = [(e.text, x.value) for e in examples for x in e.entities if x.entity == "date"]
    assert len(dates) >= 30
    unparsed = [d for d in dates if parse_date_expression(d[1], now=now) is None]
    assert not unparsed, unparsed


def _training_texts() -> list[tuple[str, str]]:
    texts = []
    for path in sorted(Path(PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        texts += [(m.get("text"), path.name) for m in RasaYAMLReader().read(path).intent_examples]
    return texts


def test_no_message_is_a_copy_or_near_copy_of_training_data(examples):
    training = [(_normalise(text), source) for text, source in _training_texts()]
    assert training
    seen: set[str] = set()
    offenders = []
    for example in examples:
        text = _normalise(example.text)
        assert text not in seen, f"duplicate in the held-out set: {example.text!r}"
        seen.add(text)
        matcher = difflib.SequenceMatcher(a=text)
        for train_text, source in training:
            matcher.set_seq2(train_text)
            if matcher.quick_ratio() >= NEAR_COPY_RATIO and matcher.ratio() >= NEAR_COPY_RATIO:
                offenders.append(f"{example.text!r} ~ {train_text!r} (data/nlu/{source})")
    assert not offenders, "\n".join(offenders)
