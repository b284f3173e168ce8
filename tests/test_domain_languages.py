"""Every response in domain.yml has an English variation that says the same thing."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from bot import PROJECT_ROOT
from bot.i18n.detection import detect_language
from tests.helpers.english import indonesian_words

DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
RESPONSES: dict[str, list[dict[str, Any]]] = DOMAIN["responses"]
ENGLISH_CONDITION = [{"type": "slot", "name": "language", "value": "en"}]


def variations(name: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the Indonesian (unconditional) and the English variations of a response."""
    indonesian = [v for v in RESPONSES[name] if not v.get("condition")]
    english = [v for v in RESPONSES[name] if v.get("condition") == ENGLISH_CONDITION]
    return indonesian, english


def test_the_language_slot_is_categorical_and_does_not_steer_the_dialogue() -> None:
    slot = DOMAIN["slots"]["language"]
    assert slot["type"] == "categorical"
    assert slot["values"] == ["id", "en"]
    assert slot["influence_conversation"] is False
    assert slot["mappings"] == [{"type": "custom", "action": "action_detect_language"}]


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_has_an_english_variation(name: str) -> None:
    indonesian, english = variations(name)
    assert indonesian, f"{name} needs an Indonesian default"
    assert english, f"{name} needs a variation with condition language=en"
    assert len(indonesian) + len(english) == len(RESPONSES[name])


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_the_english_variation_says_the_same_in_english(name: str) -> None:
    indonesian, english = variations(name)
    placeholders = {frozenset(re.findall(r"{(\w+)}", v["text"])) for v in indonesian}
    for variation in english:
        text = variation["text"]
        assert frozenset(re.findall(r"{(\w+)}", text)) in placeholders, name
        assert indonesian_words(text) == [], (name, text)
        words = re.sub(r"{\w+}", "", text)
        if len(words.split()) > 3:
            assert detect_language(words) == "en", (name, text)
        payloads = [b["payload"] for b in variation.get("buttons", [])]
        assert payloads == [b["payload"] for b in indonesian[0].get("buttons", [])], name
