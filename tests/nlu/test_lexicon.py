"""The NLU slang lexicon: general slang normalised, domain terms protected, glued words split."""

from __future__ import annotations

import pytest

from bot.nlu.lexicon import normalise_word, split_glued


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("brp", "berapa"),
        ("BRP", "berapa"),
        ("gmn", "bagaimana"),
        ("kpn", "kapan"),
        ("sy", "saya"),
        ("udh", "sudah"),
        ("ilang", "hilang"),
        ("pasport", "paspor"),
        ("ga", "tidak"),
        ("klo", "kalau"),  # the lexicon's chain "klo" -> "kalo" is followed to "kalau"
        ("paspor", "paspor"),
        ("ngapain", "ngapain"),  # the general lexicon's "mengapai" is wrong
    ],
)
def test_slang_and_misspellings_become_standard_words(word, expected):
    assert normalise_word(word) == expected


@pytest.mark.parametrize(
    "word", ["kk", "mpp", "skw", "ptk", "kanim", "epaspor", "mpaspor", "kia", "sim", "min", "kak"]
)
def test_domain_terms_are_protected(word):
    # The general lexicon maps "kk" to "kakak"; here it is the Kartu Keluarga.
    assert normalise_word(word) == word


def test_unknown_words_are_kept():
    assert normalise_word("singkawang") == "singkawang"


@pytest.mark.parametrize(
    ("word", "cuts"),
    [("hargapaspor", (5,)), ("kuotapaspor", (5,)), ("jambuka", (3,)), ("carabikin", (4,))],
)
def test_glued_domain_words_are_split(word, cuts):
    assert split_glued(word) == cuts


@pytest.mark.parametrize("word", ["paspor", "pontianak", "kuota", "berapa", "10thn", "singkawang"])
def test_ordinary_words_are_not_split(word):
    assert split_glued(word) == ()
