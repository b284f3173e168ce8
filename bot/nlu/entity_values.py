"""Which entity values the actions can use (no Rasa import: the gateway checks payloads too)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bot.schedule.dates import parse_date_expression

CANONICAL_VALUES: dict[str, frozenset[str]] = {
    "office": frozenset({"pontianak", "mpp-pontianak", "singkawang"}),
    "service": frozenset(
        {"paspor-biasa", "e-paspor", "percepatan", "baru", "penggantian", "anak", "hilang", "rusak"}
    ),
}
DATE_ENTITY = "date"


def is_usable(entity: dict[str, Any]) -> bool:
    """Return True when an action can use this extracted entity."""
    name = entity.get("entity")
    value = str(entity.get("value", "")).strip().lower()
    if name in CANONICAL_VALUES:
        return value in CANONICAL_VALUES[name]
    if name == DATE_ENTITY:
        return parse_date_expression(value, now=datetime.now(timezone.utc)) is not None
    return True
