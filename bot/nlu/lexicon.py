"""Word-level normalisation of colloquial Indonesian for the NLU pipeline.

The general slang lexicon is indoNLP's copy of the colloquial Indonesian lexicon ("Kamus Alay",
Salsabila et al.; indoNLP is MIT-licensed, pinned in requirements.lock, bundled in the wheel, so
nothing is downloaded at run time). Domain terms are protected from it ("kk" is Kartu Keluarga
here, not "kakak") and a small domain lexicon maps passport-office spellings first. Words glued
together ("hargapaspor", "kuotapaspor") are split at a known domain word.

This lexicon is frozen with the model: a change here changes the features a trained model sees,
so it must be followed by a retraining (the Makefile's model hash includes bot/nlu/*.py).
"""

from __future__ import annotations

import functools

from indoNLP.preprocessing.slang_data import SLANG_DATA

# Never rewritten by the general lexicon: abbreviations with a fixed meaning at this office.
PROTECTED = frozenset(
    {
        "kk", "ktp", "kia", "sim", "mpp", "ptk", "skw", "kanim", "epaspor", "mpaspor", "paspor",
        "wni", "wna", "kitas", "kitap", "voa", "bap", "pnbp", "nik", "otp", "calo", "pungli",
        "umroh", "haji", "pmi", "tki", "cs", "wa", "hp", "min", "kak", "p", "sabtu", "minggu",
        "samsat", "bpjs", "npwp", "skck", "kua", "pos", "bank", "bri", "bca", "bni", "kuota",
    }
)  # fmt: skip

# Domain spellings, checked before the general lexicon. Keys are lower-case single words.
DOMAIN_LEXICON: dict[str, str] = {
    "pasport": "paspor",
    "passport": "paspor",
    "paspr": "paspor",
    "pasprt": "paspor",
    "pasp": "paspor",
    "psp": "paspor",
    "pspr": "paspor",
    "pasporr": "paspor",
    "paspornya": "paspor",
    "pasporku": "paspor",
    "e-paspor": "epaspor",
    "e-passport": "epaspor",
    "m-paspor": "mpaspor",
    "mpasspor": "mpaspor",
    "imgrasi": "imigrasi",
    "imigrsi": "imigrasi",
    "imigrasinya": "imigrasi",
    "kouta": "kuota",
    "kuata": "kuota",
    "kuotanya": "kuota",
    "qouta": "kuota",
    "quota": "kuota",
    "akte": "akta",
    "ijasah": "ijazah",
    "byr": "bayar",
    "antri": "antre",
    "antrian": "antrean",
    "antriannya": "antrean",
    "ilang": "hilang",
    "ilangin": "hilang",
    "brp": "berapa",
    "brapa": "berapa",
    "bp": "berapa",
    "gmn": "bagaimana",
    "gmna": "bagaimana",
    "gimana": "bagaimana",
    "kpn": "kapan",
    "kapn": "kapan",
    "dmn": "dimana",
    "dmana": "dimana",
    "skrg": "sekarang",
    "skg": "sekarang",
    "bsk": "besok",
    "besuk": "besok",
    "ga": "tidak",
    "gak": "tidak",
    "gk": "tidak",
    "g": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "engga": "tidak",
    "tdk": "tidak",
    "kagak": "tidak",
    "kalo": "kalau",
    "klo": "kalau",
    "kl": "kalau",
    "duit": "uang",
    "harganya": "harga",
    "biayanya": "biaya",
    "syaratnya": "syarat",
    "caranya": "cara",
    "ngapain": "ngapain",  # the lexicon has "mengapai"
}

# Domain words at which a glued token may be split ("hargapaspor" -> "harga paspor").
GLUE_WORDS = frozenset(
    {
        "paspor", "kuota", "harga", "biaya", "syarat", "cara", "jam", "buka", "tutup", "lokasi",
        "alamat", "kantor", "imigrasi", "bikin", "buat", "urus", "ngurus", "berapa", "brp",
        "kapan", "kpn", "dimana", "dmn", "gimana", "gmn", "hilang", "ilang", "rusak", "baru",
        "anak", "antrian", "daftar", "bayar", "tarif", "dibuka", "jadwal", "min", "kak",
    }
)  # fmt: skip
MIN_GLUE_PART = 3


@functools.lru_cache(maxsize=65536)
def normalise_word(word: str) -> str:
    """Return the standard spelling of one word (lower-case; may be several words)."""
    lower = word.lower()
    if lower in DOMAIN_LEXICON:
        return DOMAIN_LEXICON[lower]
    if lower in PROTECTED:
        return lower
    standard = SLANG_DATA.get(lower, lower)
    # The lexicon chains a few entries ("klo" -> "kalo" -> "kalau"); follow one more step.
    return DOMAIN_LEXICON.get(standard, SLANG_DATA.get(standard, standard))


@functools.lru_cache(maxsize=65536)
def split_glued(word: str) -> tuple[int, ...]:
    """Return the offsets at which to split a glued word, or () to keep it whole."""
    lower = word.lower()
    if lower in GLUE_WORDS or lower in DOMAIN_LEXICON or lower in SLANG_DATA or not lower.isalpha():
        return ()
    for cut in range(MIN_GLUE_PART, len(lower) - MIN_GLUE_PART + 1):
        head, tail = lower[:cut], lower[cut:]
        if head in GLUE_WORDS and tail in GLUE_WORDS:
            return (cut,)
    return ()
