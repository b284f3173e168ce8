"""An entry's answer in the citizen's language.

An English version of an entry is its own entry, with `language` "en" and the Indonesian
entry's key plus "-en" (`biaya-paspor` → `biaya-paspor-en`). Staff import and edit it like any
other entry; it needs no link column and survives export and re-import as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.knowledge import retrieval, store
from bot.knowledge.views import Match

ENGLISH = "en"
ENGLISH_SUFFIX = "-en"


def counterpart_key(key: str, language: str) -> str:
    """Return the key the entry `key` has in `language` by the naming rule above."""
    if language == ENGLISH:
        return key if key.endswith(ENGLISH_SUFFIX) else key + ENGLISH_SUFFIX
    return key.removesuffix(ENGLISH_SUFFIX)


@dataclass(frozen=True)
class LocalisedMatch:
    """The entry to send and the language its answer is written in."""

    match: Match
    language: str


def questions_in_language(
    *, session: Session, keys: Iterable[str], language: str, today: date
) -> dict[str, str]:
    """Return the question of each entry's published counterpart in `language`, by entry key."""
    wanted = {counterpart_key(key, language): key for key in keys}
    wanted = {other: key for other, key in wanted.items() if other != key}
    found = store.published_entries_with_keys(session=session, keys=wanted, today=today)
    return {wanted[e.key]: e.question for e in found if e.language == language}


def answer_in_language(
    *, session: Session, key: str, language: str, today: date
) -> LocalisedMatch | None:
    """Return the published entry `key`, or its counterpart in `language` when it has one.

    None when `key` itself is not published and valid today.
    """
    entry = store.published_entry(session=session, key=key, today=today)
    if entry is None:
        return None
    if entry.language != language:
        other = store.published_entry(
            session=session, key=counterpart_key(key, language), today=today
        )
        if other is not None and other.language == language:
            entry = other
    match = retrieval.published_match(session=session, key=entry.key, today=today)
    return LocalisedMatch(match, entry.language) if match is not None else None
