"""Check that a reply is English: no word that only Indonesian uses, names aside."""

from __future__ import annotations

import re

from bot.i18n.detection import indonesian_markers

# Names English replies use as they are: institutions, documents, the counters' own words.
NAMES = re.compile(
    r"\b(Kartu Keluarga|e-KTP|KTP|Satpas|Polres|Polresta|Dukcapil|cuti bersama|calo|pungli)\b",
    re.IGNORECASE,
)


def indonesian_words(text: str) -> list[str]:
    """Return the Indonesian-only words of a reply meant to be English."""
    return indonesian_markers(NAMES.sub(" ", text))
