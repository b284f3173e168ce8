"""Normalise colloquial Indonesian for matching: slang, spelling variants, synonyms, affixes.

The general slang lexicon is indoNLP's copy of the "Kamus Alay" colloquial Indonesian lexicon
(MIT, no run-time downloads). Domain terms are protected from it ("kk" is Kartu Keluarga, not
"kakak"); domain spellings, official names and synonyms come from our own small lexicon
(`bot.knowledge.lexicon`) first. Affixes are stripped by a dictionary-free rule stemmer written
here: the Sastrawi stemmer's root-word dictionary is CC BY-NC-SA, which a government service
should not take on, and matching only needs both sides reduced the same way, not linguistically
correct roots. Without a dictionary the rules follow the affix's allomorph (``mem-`` before
b/p/f/v or a vowel, ``men-`` before c/d/j/t/z, ...), allow ``-i`` only on a prefixed verb, and
leave words in `STEM_KEEP` alone (``kembali``, ``perlu``, ``sesuai``), so that common roots are
not cut into unrelated stubs (``penjamin`` -> ``jam``, ``berapa`` -> ``rapa``).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from indoNLP.preprocessing.slang_data import SLANG_DATA

from bot.knowledge.lexicon import (
    DOMAIN_LEXICON,
    PHRASES,
    PROTECTED,
    RELATED,
    STEM_KEEP,
    STOPWORDS,
    SYNONYMS,
)

__all__ = [
    "DOMAIN_LEXICON",
    "PHRASES",
    "PROTECTED",
    "RELATED",
    "STOPWORDS",
    "SYNONYMS",
    "canonical_word",
    "clean",
    "fold",
    "normalize",
    "stem",
    "tokens",
]

_ELONGATION = re.compile(r"([a-z])\1{2,}")
_REDUPLICATION = re.compile(r"\b([a-z]{2,})2(nya)?\b")  # "langkah2nya" -> "langkahnya"
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PHRASES = tuple((re.compile(pattern), replacement) for pattern, replacement in PHRASES)
_VOWELS = "aeiou"
# Particles with the shortest word they may leave ("masalah" is not "masa" + "-lah").
_PARTICLES = (("lah", 5), ("kah", 4), ("pun", 4))
_FORMAL = ("me", "pe", "ber", "ter", "per", "ke")
# Prefix -> (letters the remainder may start with, shortest remainder, letters a vowel-initial
# remainder may get back, the usual one first: "menulis" = men + tulis, "menikah" = men + nikah;
# a root in STEM_KEEP decides). "" allows any start; ber-/ter-/per- come before pe-.
_PREFIX_RULES: tuple[tuple[str, str, int, str], ...] = (
    ("ber", "", 4, ""),
    ("ter", "", 4, ""),
    ("per", "", 4, ""),
    ("meng", _VOWELS + "gh", 3, "k"),
    ("peng", _VOWELS + "gh", 3, "k"),
    ("meny", _VOWELS, 3, "s"),
    ("peny", _VOWELS, 3, "s"),
    ("mem", _VOWELS + "bpfv", 3, "pm"),
    ("pem", _VOWELS + "bpfv", 3, "pm"),
    ("men", _VOWELS + "cdjstz", 3, "tn"),
    ("pen", _VOWELS + "cdjstz", 3, "tn"),
    ("me", "lmnrwy", 4, ""),
    ("pe", "lmnrwy", 4, ""),
    ("di", "", 3, ""),
    ("ke", "", 4, ""),
    ("nge", "", 3, ""),
    ("ng", _VOWELS, 3, ""),
)
_SECOND = ("ber", "per", "ter", "pe")


def _prefix_roots(word: str, prefix: str, starts: str, shortest: int, restore: str) -> list[str]:
    """Return the candidate roots after `prefix`, or [] when the prefix does not fit."""
    rest = word[len(prefix) :]
    if len(rest) < shortest or (starts and rest[0] not in starts):
        return []
    if prefix == "ke" and rest[0] not in _VOWELS and rest[1] not in _VOWELS + "lr":
        return []  # "kemnaker": a consonant cluster does not start a root
    if prefix in ("men", "pen") and rest[0] == "s" and not rest.startswith("sy"):
        return []  # only "mensyaratkan"; "menyimpan" is meny- + simpan
    if restore and rest[0] in _VOWELS:
        restored = [letter + rest for letter in restore]
        return [rest, *restored] if restore == "k" else [*restored, rest]
    return [rest]


def _strip_prefixes(word: str) -> str:
    for prefix, starts, shortest, restore in _PREFIX_RULES:
        if not word.startswith(prefix):
            continue
        roots = _prefix_roots(word, prefix, starts, shortest, restore)
        if not roots:
            continue
        for root in roots:
            if root in STEM_KEEP:
                return root
        root = roots[0]
        if restore and root != word[len(prefix) :]:
            return root  # a restored nasal root ("pegang") has no second prefix
        allowed = ("per",) if restore else _SECOND
        for second, starts2, shortest2, _ in _PREFIX_RULES:
            if second in allowed and root.startswith(second):
                inner = _prefix_roots(root, second, starts2, shortest2, "")
                if inner:
                    return inner[0]
        return root
    return word


def _strip_suffix(word: str) -> str:
    prefixed = _strip_prefixes(word) != word
    formal = prefixed and word.startswith(_FORMAL)
    noun = prefixed and word.startswith(("ke", "pe"))  # ke-an, pe-an, per-an: not -kan
    if word.endswith("kan") and len(word) >= 7 and not noun:
        return word[:-3]
    if word.endswith("an") and len(word) - 2 >= (4 if prefixed else 5):
        return word[:-2]
    if word.endswith("in") and not formal and len(word) >= 7:
        return word[:-2]
    if word.endswith("i") and prefixed and len(word) >= 6 and word[-2] not in _VOWELS + "s":
        return word[:-1]
    return word


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip Indonesian particles, "-nya", one derivational suffix and up to two prefixes."""
    if len(word) <= 4 or word in PROTECTED or word in STEM_KEEP or not word.isalpha():
        return word
    whole = _strip_prefixes(word)
    if whole in STEM_KEEP:
        return whole  # "ditanya" is "tanya", not "dita" + "-nya"
    for particle, shortest in _PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= shortest:
            word = word[: -len(particle)]
            break
    if word.endswith("nya") and len(word) >= 6:
        word = word[:-3]
    if word in STEM_KEEP or word in PROTECTED:
        return word
    whole = _strip_prefixes(word)
    if whole in STEM_KEEP:
        return whole  # "dijamin" is "jamin", not "jam" + "-in"
    return _strip_prefixes(_strip_suffix(word))


def _lookup(word: str) -> str:
    if word in DOMAIN_LEXICON:
        return DOMAIN_LEXICON[word]
    if word in PROTECTED or word in SYNONYMS:
        return word
    return SLANG_DATA.get(word, word)


@functools.lru_cache(maxsize=65536)
def canonical_word(word: str) -> str:
    """Map one lower-case word through the domain lexicon, the slang lexicon and synonyms."""
    return " ".join(SYNONYMS.get(part, part) for part in _lookup(word).split())


def fold(text: str) -> str:
    """Lower-case and fold accents, elongations ("bangettt") and reduplications ("anak2")."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _ELONGATION.sub(r"\1", text)
    return _REDUPLICATION.sub(r"\1\2", text)


def clean(text: str) -> str:
    """Fold the text (see `fold`), then domain phrases; keep words."""
    text = fold(text)
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return " ".join(_NON_WORD.sub(" ", text).split())


@functools.lru_cache(maxsize=65536)
def _word_tokens(raw: str) -> tuple[str, ...]:
    result = []
    for word in canonical_word(raw).split():
        if word in STOPWORDS:
            continue
        root = stem(word)
        result.append(SYNONYMS.get(root, root))
    return tuple(result)


def tokens(text: str) -> list[str]:
    """Return the matching tokens of a text: canonical, stemmed, without stop words."""
    return [token for raw in clean(text).split() for token in _word_tokens(raw)]


def normalize(text: str) -> str:
    """Return the tokens of a text joined by spaces (for fuzzy string comparison)."""
    return " ".join(tokens(text))
