"""Tell English from Indonesian in a citizen's message, deterministically and cheaply.

The message is tokenised into lower-case words; each side counts its marker words: common
function words and the domain's own words, which citizens spell differently in each language
("passport"/"paspor", "fee"/"biaya", "lost"/"hilang"). The side with more markers wins. Words
that Indonesians use as they are ("online", "login", "upload", "cancel", "booking", "ok", "hi",
"admin", "visa") are markers of neither, so colloquial Indonesian with loan words stays
Indonesian. A message without markers, or with as many of each, is undecided (None): the
caller keeps the previous language.
"""

from __future__ import annotations

import re

ENGLISH = "en"
INDONESIAN = "id"

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Names that read the same in both languages: the booking app.
_NAMES = re.compile(r"\bm-?paspor\b")

ENGLISH_WORDS = frozenset(
    """
    a about after an and any are am as at be been before by can can't could did do does don't
    for from get got has have how i i'd i'm i've if in into is it it's its just me much my need
    needs not of on or our please should so some than that the their them there these they this
    to us want was we were what what's when where where's which who why will with would you
    your you're
    hello hey thanks thank bye goodbye morning afternoon evening sorry yes yeah
    passport passports cost costs price fee fees pay paid office offices hours open opening
    closed close lost lose stolen damaged broken torn apply applying application requirements
    required require documents bring new renew renewal replace replacement child children kid
    quota released release appointment address located location far talk speak person human
    officer staff complain complaint card licence license driving embassy long take takes
    today tomorrow week next day days time still already only also help english
    """.split()
)

INDONESIAN_WORDS = frozenset(
    """
    yang dan di ke dari pada untuk utk dengan dgn dgn atau tapi tetapi kalau kalo klo kl jika
    apa apakah bagaimana gimana gmn gmana berapa brp kapan kpn dimana dmn mana siapa kenapa
    mengapa saya aku sy gue gw kami kita anda kamu kakak kak min mimin pak bu bang mas mbak
    ini itu ada tidak tdk bukan ga gak gk nggak ngga enggak engga belum blm sudah udah udh sdh
    akan bisa bs dapat mau ingin pengen pingin minta tolong mohon harus perlu butuh boleh
    terima kasih makasih makasi trims tq halo selamat pagi siang sore malam dadah sampai jumpa
    ya iya yah dong sih deh nih tuh kok aja saja juga lagi lg banget bgt sama lah kah
    paspor kantor imigrasi biaya harga bayar syarat persyaratan berkas jam buka tutup hari
    besok minggu bulan tahun hilang ilang rusak sobek kuota antrian antrean jadwal lokasi
    alamat baru anak lama cara caranya bikin buat membuat urus ngurus mengurus perpanjang
    petugas pengaduan mengadu keluhan bicara orang manusia ktp akta pembuatan layanan dibuka
    daftar mendaftar sekarang hari ini kemana dimanakah apakah sih wkwk
    """.split()
)

# Used as they are in Indonesian chat: never a sign of either language.
SHARED_WORDS = frozenset(
    """
    ok oke okay hi online offline login logout upload download cancel booking reschedule
    admin email password error app apps aplikasi status bot chatbot visa sim e m wa whatsapp
    """.split()
)


def tokens(text: str) -> list[str]:
    """Return the message's lower-case words (apostrophes kept inside a word), names left out."""
    return _TOKEN.findall(_NAMES.sub(" ", text.lower().replace("’", "'")))


def detect_language(text: str) -> str | None:
    """Return "en" or "id" when the message's words say which, else None (undecided).

    Button payloads ("/ask_faq{…}") are no language and stay undecided.
    """
    if text.lstrip().startswith("/"):
        return None
    english = indonesian = 0
    for word in tokens(text):
        if word in SHARED_WORDS:
            continue
        english += word in ENGLISH_WORDS
        indonesian += word in INDONESIAN_WORDS
    if english > indonesian:
        return ENGLISH
    if indonesian > english:
        return INDONESIAN
    return None


def indonesian_markers(text: str) -> list[str]:
    """Return the words of `text` that only Indonesian uses (tests check English replies)."""
    return [w for w in tokens(text) if w in INDONESIAN_WORDS and w not in ENGLISH_WORDS]
