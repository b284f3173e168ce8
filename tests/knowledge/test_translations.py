"""An entry's answer in the citizen's language: the `-en` counterpart when it is published."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import sessionmaker

from bot.knowledge import store
from bot.knowledge.entries import EntryData
from bot.knowledge.translations import answer_in_language, counterpart_key

TODAY = date(2026, 12, 2)


def save(factory: sessionmaker, key: str, answer: str, language: str, **fields: object) -> None:
    with factory.begin() as session:
        store.save_entry(
            session=session,
            key=key,
            data=EntryData("umum", f"question {key}?", answer, language=language, **fields),
            author="staff",
        )


def answer(factory: sessionmaker, key: str, language: str) -> tuple[str, str] | None:
    with factory.begin() as session:
        found = answer_in_language(session=session, key=key, language=language, today=TODAY)
        return (found.match.answer, found.language) if found else None


def test_counterpart_keys() -> None:
    assert counterpart_key("biaya", "en") == "biaya-en"
    assert counterpart_key("biaya-en", "en") == "biaya-en"
    assert counterpart_key("biaya-en", "id") == "biaya"
    assert counterpart_key("biaya", "id") == "biaya"


def test_each_language_gets_its_own_entry(session_factory: sessionmaker) -> None:
    save(session_factory, "biaya", "Rp350.000.", "id")
    save(session_factory, "biaya-en", "IDR 350,000.", "en")
    assert answer(session_factory, "biaya", "en") == ("IDR 350,000.", "en")
    assert answer(session_factory, "biaya-en", "id") == ("Rp350.000.", "id")
    assert answer(session_factory, "biaya", "id") == ("Rp350.000.", "id")


def test_without_a_published_counterpart_the_entry_itself(session_factory: sessionmaker) -> None:
    save(session_factory, "biaya", "Rp350.000.", "id")
    save(session_factory, "biaya-en", "IDR 350,000.", "en", status="archived")
    assert answer(session_factory, "biaya", "en") == ("Rp350.000.", "id")


def test_a_key_ending_in_en_that_is_not_english_is_no_counterpart(
    session_factory: sessionmaker,
) -> None:
    save(session_factory, "biaya", "Rp350.000.", "id")
    save(session_factory, "biaya-en", "Biaya lain.", "id")
    assert answer(session_factory, "biaya", "en") == ("Rp350.000.", "id")


def test_an_unpublished_entry_has_no_answer(session_factory: sessionmaker) -> None:
    save(session_factory, "biaya", "Rp350.000.", "id", status="draft")
    save(session_factory, "biaya-en", "IDR 350,000.", "en")
    assert answer(session_factory, "biaya", "en") is None
