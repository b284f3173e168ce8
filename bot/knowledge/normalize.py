"""Normalise colloquial Indonesian for matching: slang, spelling variants, affixes.

The general slang lexicon is indoNLP's copy of the "Kamus Alay" colloquial Indonesian lexicon
(MIT, no run-time downloads). Domain terms are protected from it ("kk" is Kartu Keluarga, not
"kakak") and domain spellings are mapped by our own small lexicon first. Affixes are stripped by
a dictionary-free rule stemmer written here: the Sastrawi stemmer's root-word dictionary is
CC BY-NC-SA, which a government service should not take on, and matching only needs both sides
reduced the same way, not linguistically correct roots.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from indoNLP.preprocessing.slang_data import SLANG_DATA

# Multi-word spellings folded into one token before splitting.
PHRASES: tuple[tuple[str, str], ...] = (
    (r"\bm[\s\-]?pas+p?or[t]?\b", "mpaspor"),
    (r"\be[\s\-]?pas+p?or[t]?\b", "epaspor"),
    (r"\be[\s\-]?ktp\b", "ktp"),
    (r"\bkartu keluarga\b", "kk"),
    (r"\bkartu tanda penduduk\b", "ktp"),
    (r"\bkode bil+ing\b", "billing"),
    (r"\bjadwal ulang\b", "reschedule"),
    (r"\bwalk[\s\-]?in\b", "walkin"),
    (r"\bon[\s\-]?line\b", "online"),
    (r"\bvisa on arrival\b", "voa"),
    (r"\bmal pelayanan publik\b", "mpp"),
    (r"\bsurat kuasa\b", "suratkuasa"),
    (r"\bbencana alam\b", "bencana"),
    (r"\bh\s*-\s*1\b", "h1"),
    (r"\be[\s\-]?visa\b", "evisa"),
    (r"\bizin tinggal terbatas\b", "itas"),
    (r"\bizin tinggal tetap\b", "itap"),
    (r"\borang asing\b", "asing"),
    (r"\bwarga negara asing\b", "asing"),
    (r"\bwarga negara indonesia\b", "wni"),
    (r"\btanggal merah\b", "libur"),
    (r"\bforce close\b", "error"),
    (r"\bhari (yang )?sama\b", "sehari"),
    (r"\bhari itu juga\b", "sehari"),
)

# Domain spellings and abbreviations (checked before the general lexicon).
DOMAIN_LEXICON: dict[str, str] = {
    "paspr": "paspor",
    "pasport": "paspor",
    "passport": "paspor",
    "pasporr": "paspor",
    "psp": "paspor",
    "pspr": "paspor",
    "kanim": "imigrasi",
    "imigrsi": "imigrasi",
    "imgrasi": "imigrasi",
    "akte": "akta",
    "ijasah": "ijazah",
    "byr": "bayar",
    "bayr": "bayar",
    "billingnya": "billing",
    "resched": "reschedule",
    "reskedul": "reschedule",
    "antri": "antre",
    "antrian": "antrean",
    "ngantri": "antre",
    "bumil": "hamil",
    "manula": "lansia",
    "ortu": "orang tua",
    "wakilin": "wakil",
    "diwakilin": "wakil",
    "duit": "uang",
    "nyogok": "suap",
    "sogok": "suap",
    "pungutan": "pungli",
    "brp": "berapa",
    "brapa": "berapa",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "gmna": "bagaimana",
    "kpn": "kapan",
    "dmn": "mana",
    "dimana": "mana",
    "kmn": "mana",
    "kemana": "mana",
    "ilang": "hilang",
    "ga": "tidak",
    "gak": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "tdk": "tidak",
    "g": "tidak",
    "apk": "aplikasi",
    "app": "aplikasi",
    "apps": "aplikasi",
    "aplikasinya": "aplikasi",
    "otp": "otp",
    "kitas": "itas",
    "kitap": "itap",
    "bule": "asing",
    "wna": "asing",
    "extend": "perpanjang",
    "cash": "tunai",
    "crash": "error",
    "eror": "error",
    "upload": "unggah",
    "diupload": "unggah",
    "cancel": "batal",
    "refund": "kembali",
    "tki": "pmi",
    "tkw": "pmi",
    "keliru": "salah",
    "diusir": "deportasi",
    "ditemani": "dampingi",
    "hadir": "datang",
    "nyampe": "sampai",
    "umroh": "umrah",
    "password": "sandi",
    "sandinya": "sandi",
    "booking": "antrean",
    "kuliah": "studi",
    "pelajar": "studi",
    "mahasiswa": "studi",
}

# Never rewritten by the general lexicon (which maps e.g. "kk" to "kakak").
PROTECTED = frozenset(
    {
        "kk", "ktp", "sim", "mpp", "ptk", "skw", "wni", "wna", "kitas", "kitap", "itas", "itap",
        "voa", "evoa", "bap", "pnbp", "nik", "otp", "mpaspor", "epaspor", "paspor", "visa",
        "calo", "pungli", "umroh", "umrah", "haji", "tki", "pmi", "tkw", "cs", "hp", "wa",
    }
)  # fmt: skip

# Words that carry no meaning for matching a question to an FAQ entry.
STOPWORDS = frozenset(
    """
    yang di ke dari dan atau ini itu tu nya si sih dong deh kok lah kah pun nih ya yah yaa
    kak kakak ka min mimin admin pak bu bapak ibu mas mbak gan sis bro om tante
    saya aku gue gw gua sy aq q kami kita kamu anda mu ku
    tolong mohon minta mau ingin pengen pgn kepingin bisa bs boleh apakah apa adakah ada
    bagaimana gimana cara caranya kalau kalo klo kl jika bila agar supaya untuk utk buat
    dengan dgn sama sm pada dalam juga jg aja saja sudah udah udh sdh telah akan lagi lg
    the a an is are do does can i my to of for in on how what
    """.split()
)

_ELONGATION = re.compile(r"([a-z])\1{2,}")
_REDUPLICATION = re.compile(r"\b([a-z]{2,})2\b")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_PARTICLES = ("lah", "kah", "tah", "pun")
_POSSESSIVES = ("nya",)
_SUFFIXES = ("kan", "an", "in", "i")
# Nasal prefixes drop the root's first consonant before a vowel: menyerah -> serah.
_NASAL_ROOT = {"meny": "s", "peny": "s", "mem": "p", "pem": "p", "men": "t", "pen": "t"}
_NASAL = ("meng", "peng", "meny", "peny", "mem", "pem", "men", "pen", "me", "pe")
_FIRST_PREFIXES = ("ber", "ter", "per", *_NASAL, "di", "ke", "se", "nge", "ng", "be")
_SECOND_PREFIXES = ("ber", "per", "ter", "pe")
_VOWELS = "aeiou"
MIN_STEM = 3


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip Indonesian particles, "-nya", one derivational suffix and up to two prefixes."""
    if len(word) <= 4 or word in PROTECTED or not word.isalpha():
        return word
    for suffix in (*_PARTICLES, *_POSSESSIVES, *_SUFFIXES):
        if suffix in _SUFFIXES and word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
    stripped = _strip_prefix(word, _FIRST_PREFIXES)
    if stripped != word:
        stripped = _strip_prefix(stripped, _SECOND_PREFIXES)
    return stripped


def _strip_prefix(word: str, prefixes: tuple[str, ...]) -> str:
    for prefix in prefixes:
        if not word.startswith(prefix):
            continue
        rest = word[len(prefix) :]
        if prefix in _NASAL and len(rest) >= MIN_STEM:
            if rest[0] in _VOWELS and prefix in _NASAL_ROOT:
                return _NASAL_ROOT[prefix] + rest
            return rest
        if len(rest) >= 4:
            return rest
    return word


@functools.lru_cache(maxsize=65536)
def canonical_word(word: str) -> str:
    """Map one lower-case word through the domain lexicon, then the general slang lexicon."""
    if word in DOMAIN_LEXICON:
        return DOMAIN_LEXICON[word]
    if word in PROTECTED:
        return word
    return SLANG_DATA.get(word, word)


def clean(text: str) -> str:
    """Lower-case, fold accents, elongations, reduplications and domain phrases; keep words."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    text = _ELONGATION.sub(r"\1", text)
    text = _REDUPLICATION.sub(r"\1", text)
    for pattern, replacement in PHRASES:
        text = re.sub(pattern, replacement, text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(text: str) -> list[str]:
    """Return the matching tokens of a text: canonical, stemmed, without stop words."""
    result: list[str] = []
    for raw in clean(text).split():
        for word in canonical_word(raw).split():
            if word in STOPWORDS:
                continue
            result.append(stem(word))
    return result


def normalize(text: str) -> str:
    """Return the tokens of a text joined by spaces (for fuzzy string comparison)."""
    return " ".join(tokens(text))
