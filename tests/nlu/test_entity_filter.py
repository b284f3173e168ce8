"""The entity filter keeps what the actions can use and drops DIET's fragments."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.entity_filter import UsableEntityFilter, is_usable


def _entity(name: str, value: str) -> dict:
    return {"entity": name, "value": value, "start": 0, "end": len(value)}


@pytest.mark.parametrize(
    "entity",
    [
        _entity("office", "pontianak"),
        _entity("office", "mpp-pontianak"),
        _entity("service", "e-paspor"),
        _entity("service", "penggantian"),
        _entity("date", "besok"),
        _entity("date", "bsk"),
        _entity("date", "jumat ini"),
        _entity("date", "tgl 5 desember"),
        _entity("faq_key", "bencana-alam"),
    ],
)
def test_usable_entities_are_kept(entity):
    assert is_usable(entity)


@pytest.mark.parametrize(
    "entity",
    [
        _entity("service", "paspor"),  # fragment of "paspor biasa"
        _entity("service", "adek"),
        _entity("office", "kanim"),
        _entity("date", "ini"),  # fragment of "jumat ini"
        _entity("date", "depan"),
    ],
)
def test_fragments_are_dropped(entity):
    assert not is_usable(entity)


def test_process_filters_each_message():
    message = Message(
        {"text": "x", "entities": [_entity("service", "paspor"), _entity("office", "singkawang")]}
    )
    UsableEntityFilter().process([message])
    assert message.get("entities") == [_entity("office", "singkawang")]
