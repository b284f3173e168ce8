"""The English/Indonesian detector: English, Indonesian, colloquial Indonesian, mixed, undecided."""

from __future__ import annotations

import pytest

from bot.i18n.detection import (
    ENGLISH_WORDS,
    INDONESIAN_WORDS,
    SHARED_WORDS,
    detect_language,
    indonesian_markers,
)


@pytest.mark.parametrize(
    "text",
    [
        "how much does a passport cost",
        "What are the office hours in Singkawang?",
        "when is the quota released",
        "where is the office",
        "what do I need for a new passport",
        "I lost my passport",
        "how do I apply",
        "hello",
        "thanks",
        "bye",
        "are you a bot",
        "I want to complain",
        "I want to talk to a person",
        "how do I get an ID card",
        "driving licence",
        "visa for Japan",
        "what's the weather like tomorrow",
        "My e-passport was damaged, can I renew it online?",
    ],
)
def test_english_messages_are_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "berapa biaya paspor",
        "jam buka kantor imigrasi singkawang",
        "kapan kuota dibuka",
        "alamat kantor imigrasi dimana",
        "syarat bikin paspor baru apa saja",
        "paspor saya hilang",
        "bagaimana cara mengajukan paspor",
        "halo",
        "terima kasih",
        "apakah kamu robot",
        "saya mau mengadu",
        "mau bicara dengan petugas",
        "cara bikin ktp gimana",
    ],
)
def test_indonesian_messages_are_indonesian(text: str) -> None:
    assert detect_language(text) == "id"


@pytest.mark.parametrize(
    "text",
    [
        "min gimana cara login m-paspor, udah upload foto tapi error terus",
        "mau cancel booking online bisa ga kak",
        "reschedule jadwal di apps bisa?",
        "passport saya hilang",
        "admin, kuota open kapan ya",
        "sorry kak mau tanya biaya e-paspor",
    ],
)
def test_colloquial_indonesian_with_english_loanwords_stays_indonesian(text: str) -> None:
    assert detect_language(text) == "id"


def test_a_mostly_english_mixed_message_is_english() -> None:
    assert detect_language("paspor saya hilang, what should I do now?") == "en"


def test_a_mostly_indonesian_mixed_message_is_indonesian() -> None:
    assert detect_language("please min, paspor saya hilang di bandara kemarin") == "id"


@pytest.mark.parametrize(
    "text",
    [
        "ok",
        "oke",
        "hi",
        "M-Paspor",
        "mpaspor",
        "👍",
        "",
        "   ",
        "12345",
        "visa",
        "online",
        "thanks min",
    ],
)
def test_short_or_even_messages_are_undecided(text: str) -> None:
    assert detect_language(text) is None


def test_button_payloads_are_no_language() -> None:
    assert detect_language('/ask_faq{"faq_key": "how-to-apply"}') is None
    assert detect_language("/greet") is None


def test_no_word_counts_for_both_languages_or_for_a_shared_one() -> None:
    assert not ENGLISH_WORDS & INDONESIAN_WORDS - SHARED_WORDS
    assert not ENGLISH_WORDS & SHARED_WORDS


def test_indonesian_markers_finds_only_indonesian_words() -> None:
    assert indonesian_markers("Sorry, the office is closed today.") == []
    assert indonesian_markers("Mohon maaf, kantor tutup hari ini.") == [
        "mohon",
        "kantor",
        "tutup",
        "hari",
        "ini",
    ]
