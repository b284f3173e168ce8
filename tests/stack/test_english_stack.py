"""English end to end: one English message per intent through the web chat gets English replies.

What the assistant says itself must be English. What staff keep in the database as they wrote it
(office names and addresses, requirement lists, notes) is taken out of the reply before the
check, and so is an FAQ answer that exists only in Indonesian after the note that says so.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.db.engine import make_engine, make_session_factory
from bot.i18n.detection import detect_language
from bot.schedule import queries
from bot.schedule.models import QuotaRelease
from tests.helpers.english import indonesian_words

pytestmark = pytest.mark.stack

ONLY_INDONESIAN_NOTE = "This answer is only available in Indonesian:"
LINK = re.compile(r"https?://\S+")

ENGLISH_BY_INTENT = {
    "ask_fees": "how much does a passport cost",
    "ask_office_hours": "what are the office hours in singkawang",
    "ask_quota": "when is the quota released",
    "ask_office_location": "where is the office",
    "ask_requirements": "what do I need for a new passport",
    "report_lost_damaged": "I lost my passport",
    "ask_process": "how do I apply for a passport",
    "greet": "hello",
    "thank": "thanks",
    "goodbye": "bye",
    "bot_challenge": "are you a bot",
    "complaint": "I want to complain about the service",
    "request_human": "I want to talk to a person",
    "out_of_scope_dukcapil": "how do I get an ID card",
    "out_of_scope_sim": "where can I get a driving licence",
    "out_of_scope_visa": "how do I get a visa for Japan",
    "out_of_scope": "how do I cook fried rice",
    "ask_topics": "what can you help me with?",
}

INDONESIAN_BY_INTENT = {
    "ask_fees": "berapa biaya bikin paspor",
    "ask_office_hours": "jam buka kantor imigrasi singkawang",
    "ask_quota": "kapan kuota paspor dibuka",
    "ask_office_location": "alamat kantor imigrasi dimana",
    "ask_requirements": "apa saja syarat bikin paspor baru",
    "report_lost_damaged": "paspor saya hilang",
    "ask_process": "bagaimana alur pembuatan paspor",
    "greet": "halo selamat pagi",
    "thank": "terima kasih banyak",
    "goodbye": "sampai jumpa",
    "bot_challenge": "apakah kamu robot",
    "complaint": "saya mau mengadu soal pelayanan petugas",
    "request_human": "saya mau bicara dengan petugas",
    "out_of_scope_dukcapil": "cara bikin ktp gimana",
    "out_of_scope_sim": "mau perpanjang sim dimana ya",
    "out_of_scope_visa": "cara bikin visa jepang gimana",
    "out_of_scope": "resep nasi goreng yang enak apa ya",
    "ask_topics": "mau tanya soal paspor dong",
}


def database_texts(stack) -> list[str]:
    """What staff keep in the database as written, longest first (taken out before checking)."""
    engine = make_engine(stack.settings.database_url)
    texts: list[str] = []
    with make_session_factory(engine).begin() as session:
        for office in queries.list_offices(session=session):
            texts += [office.name, office.short_name, office.address, office.city]
            texts += [office.notes or "", office.maps_url or ""]
        for service in queries.list_services(session=session):
            texts += [
                service.name,
                service.description,
                service.notes or "",
                service.fee_note or "",
            ]
            texts += list(service.requirements)
        texts += session.execute(select(QuotaRelease.note)).scalars()
    engine.dispose()
    return sorted({t for t in texts if t}, key=len, reverse=True)


def assistant_words(replies: list[dict], staff_texts: list[str]) -> str:
    """Join what the assistant said itself, leaving out staff's texts and noted FAQ answers."""
    said: list[str] = []
    after_note = False
    for reply in replies:
        text = reply.get("text") or ""
        if after_note:  # the Indonesian-only FAQ answer the note announced
            after_note = False
            continue
        after_note = text == ONLY_INDONESIAN_NOTE
        text = LINK.sub(" ", text)
        for staff_text in staff_texts:
            text = text.replace(staff_text, " ")
        said.append(text)
        said += [button.get("title") or "" for button in reply.get("buttons") or []]
    return "\n".join(said)


@pytest.fixture(scope="module")
def staff_texts(stack) -> list[str]:
    return database_texts(stack)


@pytest.mark.parametrize("intent", sorted(ENGLISH_BY_INTENT))
async def test_an_english_question_gets_english_replies(stack, staff_texts, intent) -> None:
    replies = await stack.send({"text": ENGLISH_BY_INTENT[intent]})
    assert replies, intent
    said = assistant_words(replies, staff_texts)
    assert indonesian_words(said) == [], (intent, said)
    assert detect_language(said) == "en", (intent, said)


@pytest.mark.parametrize("intent", sorted(INDONESIAN_BY_INTENT))
async def test_an_indonesian_question_still_gets_indonesian_replies_not_english(
    stack, intent
) -> None:
    replies = await stack.send({"text": INDONESIAN_BY_INTENT[intent]})
    said = "\n".join(reply.get("text") or "" for reply in replies)
    assert detect_language(said) == "id", (intent, said)


async def test_choosing_english_makes_an_ambiguous_message_english(stack) -> None:
    indonesian = await stack.send({"text": "ok"}, "default")
    assert [r["text"] for r in indonesian] == ["Baik, Kak 👍"]
    chosen = await stack.send({"text": "ok", "language": "en"}, "chose english")
    assert [r["text"] for r in chosen] == ["All right 👍"]
    # the choice is the contact's: later messages without the field stay English,
    # Indonesian ones included
    again = await stack.send({"text": "berapa biaya paspor"}, "chose english")
    said = "\n".join(r.get("text") or "" for r in again)
    assert "Passport fees" in said and "Biaya paspor" not in said


async def test_an_english_conversation_keeps_english_for_short_replies(stack) -> None:
    await stack.send({"text": "how much does a passport cost"}, "detected english")
    assert [r["text"] for r in await stack.send({"text": "ok"}, "detected english")] == [
        "All right 👍"
    ]
    switched = await stack.send({"text": "kalau jam buka kantor pontianak?"}, "detected english")
    assert detect_language("\n".join(r.get("text") or "" for r in switched)) == "id"
