"""Word lists for FAQ matching: domain phrases and spellings, synonyms, stop words, stem guards.

Everything here is small and hand-kept: the built-in base. Staff add their own terms with
`python -m bot vocab add` (`bot.knowledge.vocabulary`); `docs/faq_retrieval_design.md` says how
to extend either.
Two kinds of synonym, because they fail differently:

* `SYNONYMS` merge words that mean the same thing at a passport office (``penjamin`` and
  ``sponsor``, ``berkas`` and ``dokumen``): both the question and the FAQ entry are rewritten to
  one word, so a merge must be safe in every entry. Official names of permits and their acronyms
  (``izin tinggal terbatas`` = ITAS, ``izin keluar tidak kembali`` = EPO) are `PHRASES`.
* `RELATED` words are near but not equal (``perpanjang`` a stay permit vs ``ganti`` a passport,
  ``ganti`` vs ``ubah``): the question is expanded with them at a lower weight in retrieval, so a
  precise word still wins over a related one.
"""

from __future__ import annotations

# Multi-word spellings and official names folded into one token before splitting (regexes on
# lower-case, accent-folded text).
PHRASES: tuple[tuple[str, str], ...] = (
    (r"\bm[\s\-]?pas+p?or[t]?\b", "mpaspor"),
    (r"\be[\s\-]?pas+p?or[t]?\b", "epaspor"),
    (r"\be[\s\-]?ktp\b", "ktp"),
    (r"\bkartu keluarga\b", "kk"),
    (r"\bkartu tanda penduduk\b", "ktp"),
    (r"\bkode bil+ing\b", "billing"),
    (r"\bjadwal ulang\b", "reschedule"),
    (r"\b(ubah|ganti|pindah|geser|undur|mundur)(in|kan)? (jadwal|tanggal)\b", "reschedule"),
    (r"\bwalk[\s\-]?in\b", "walkin"),
    (r"\bon[\s\-]?line\b", "online"),
    (r"\bvisa (kunjungan )?(on|saat) (arrival|kedatangan)\b", "voa"),
    (r"\be[\s\-]?voa\b", "evoa"),
    (r"\bmal pelayanan publik\b", "mpp"),
    (r"\bsurat kuasa\b", "suratkuasa"),
    (r"\bbencana alam\b", "bencana"),
    (r"\bh\s*-\s*1\b", "h1"),
    (r"\be[\s\-]?visa\b", "evisa"),
    (r"\b(kartu )?izin tinggal terbatas\b", "itas"),
    (r"\b(kartu )?izin tinggal tetap\b", "itap"),
    (r"\bizin masuk kembali\b", "reentry"),
    (r"\bre[\s\-]?entry( permit)?\b", "reentry"),
    (r"\bexit permit( only)?\b", "epo"),
    (r"\borang asing\b", "asing"),
    (r"\bwarga (negara )?asing\b", "asing"),
    (r"\bwarga negara indonesia\b", "wni"),
    (r"\b(pekerja|buruh) migran( indonesia)?\b", "pmi"),
    (r"\btenaga kerja indonesia\b", "pmi"),
    (r"\btenaga kerja asing\b", "asing kerja"),
    (r"\bluar negeri\b", "luarnegeri"),
    (r"\bmanca ?negara\b", "luarnegeri"),
    (r"\btanggal merah\b", "libur"),
    (r"\bforce close\b", "error"),
    (r"\b(keluar|tertutup|menutup) sendiri\b", "error"),
    (r"\bkata sandi\b", "sandi"),
    (r"\b(log|sign)[\s\-]?in\b", "login"),
    (r"\bsign[\s\-]?up\b", "daftar"),
    (r"\bhari (yang )?sama\b", "sehari"),
    (r"\bhari itu juga\b", "sehari"),
    (r"\bjalan[\s\-]?jalan\b", "wisata"),
    (r"\blanjut usia\b", "lansia"),
    # Telling the office something is reporting it; moving house changes the address.
    (r"\b(mem)?(beri|kasih) ?(tahu|tau)(kan)?\b", "lapor"),
    (r"\b(ngabarin|mengabari|mengabarkan)\b", "lapor"),
    (r"\bpindah (rumah|alamat|domisili|kos|kontrakan)\b", "ubah alamat"),
    # Names of documents and permits, and how citizens shorten or translate them.
    (r"\bapec business travel card\b", "abtc"),
    (r"\bkartu (perjalanan )?(pebisnis |bisnis )?apec\b", "abtc"),
    (r"\bkpp[\s\-]?apec\b", "abtc"),
    (r"\bizin tinggal kunjungan\b", "itk"),
    (r"\b(ber)?kewarganegaraan ganda\b", "dwikewarganegaraan"),
    (r"\bdwi[\s\-]?kewarganegaraan\b", "dwikewarganegaraan"),
    (r"\bwarga ?negara ganda\b", "dwikewarganegaraan"),
    (r"\b(dua|2) (ke)?warga ?negara(an)?\b", "dwikewarganegaraan"),
    (r"\bdual[\s\-]?citizen(ship)?\b", "dwikewarganegaraan"),
    (r"\bktp[\s\-]?el\b", "ktp"),
    (r"\bktp elektronik\b", "ktp"),
    # App troubles.
    (r"\brequest time[ds]?[\s\-]?out\b", "rto"),
    (r"\btime[ds]?[\s\-]?out\b", "rto"),
    (r"\b(masuk|akses)( ke)? akun\b", "login akun"),
)

# Domain spellings and abbreviations (checked before the general slang lexicon).
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
    "expat": "asing",
    "ekspat": "asing",
    "ekspatriat": "asing",
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
    "bekerja": "kerja",
    "pelajar": "studi",
    "mahasiswa": "studi",
    "suket": "surat keterangan",
    "ngapain": "apa",  # a question word ("what for"), not the stem "apai"
    "ngapa": "apa",
    "apec": "abtc",
    "foreigner": "asing",
    "foreigners": "asing",
    "delete": "hapus",
    "account": "akun",
    "document": "dokumen",
    "documents": "dokumen",
    "requirement": "syarat",
    "requirements": "syarat",
    "child": "anak",
    "children": "anak",
    "kid": "anak",
    "kids": "anak",
    "lost": "hilang",
    "damaged": "rusak",
    "fee": "biaya",
    "fees": "biaya",
    "cost": "biaya",
    "price": "biaya",
    "harga": "biaya",
    "harganya": "biaya",
    "tarif": "biaya",
    "tarifnya": "biaya",
}

# Words that mean the same thing at a passport office, merged into the first word of each group
# (after the spellings above, before stemming; inflected forms are reduced by the stemmer).
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("sponsor", "penjamin", "penjaminnya", "sponsornya"),
    ("dokumen", "berkas", "file", "dokumennya", "berkasnya"),
    ("cetak", "print", "diprint", "printout", "ngeprint"),
    ("cek", "mengecek", "dicek", "ngecek", "lacak", "melacak", "track", "tracking"),
    ("daftar", "registrasi", "register", "regis"),
    ("unduh", "download", "donlod", "install", "instal"),
    ("error", "hang", "ngehang", "bug"),
    ("wisata", "turis", "liburan", "berlibur", "pelancong", "travel", "traveling", "tourist"),
    ("rapat", "meeting", "konferensi"),
    ("studi", "belajar", "sekolah"),
    ("datang", "tiba", "kedatangan"),
    ("online", "daring", "internet", "website", "web", "situs"),
    ("kembali", "balik"),
    ("bayar", "transfer", "lunas", "melunasi"),
    ("habis", "penuh"),
    ("ubah", "koreksi", "perbaiki", "edit", "revisi"),
    ("prosedur", "alur", "langkah", "tahap", "tahapan", "mekanisme", "procedure", "steps"),
    # Applying for a document: "bikin", "buat", "urus" and "ajukan" a passport or permit are one
    # request ("buat" alone is not listed: it is mostly "for").
    (
        "urus",
        "ngurus",
        "ngurusin",
        "bikin",
        "bikinin",
        "dibikinin",
        "membuat",
        "dibuat",
        "pembuatan",
        "aju",
        "apply",
        "daftarin",
    ),
)
SYNONYMS: dict[str, str] = {variant: group[0] for group in SYNONYM_GROUPS for variant in group[1:]}

# Near-synonyms by stem: a question containing the key also looks for these at lower weight.
RELATED: dict[str, tuple[str, ...]] = {
    "panjang": ("ganti",),  # perpanjang paspor is done by replacing it
    "ganti": ("ubah", "panjang"),
    "ubah": ("ganti",),
    "visa": ("itas", "izin"),
    "itas": ("visa", "izin"),
    "itap": ("itas", "izin"),
    "izin": ("visa",),
    "batal": ("hapus",),
    "hapus": ("batal", "tutup"),
    "salah": ("ubah",),
    "syarat": ("dokumen",),
    "dokumen": ("syarat",),
    "login": ("masuk", "akses"),
    "masuk": ("login",),
    "akses": ("login",),
    "tutup": ("hapus",),
    "itk": ("visa", "izin"),
    "ganda": ("dwikewarganegaraan",),
}

# Never rewritten by the general lexicon (which maps e.g. "kk" to "kakak") nor stemmed.
PROTECTED = frozenset(
    {
        "kk", "ktp", "sim", "mpp", "ptk", "skw", "wni", "wna", "kitas", "kitap", "itas", "itap",
        "voa", "evoa", "bap", "pnbp", "nik", "otp", "mpaspor", "epaspor", "paspor", "visa",
        "calo", "pungli", "umroh", "umrah", "haji", "tki", "pmi", "tkw", "cs", "hp", "wa",
        "epo", "reentry", "luarnegeri", "sponsor", "online", "login", "error", "abtc", "itk",
        "rto", "dwikewarganegaraan",
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

# Words whose beginning or end only looks like an affix: the stemmer keeps them as they are.
# Roots that an affixed form reduces to wrongly are listed with the root ("jamin").
STEM_KEEP = frozenset(
    """
    kembali keluarga kenapa kemarin kemudian kepala kecil kedua keras kereta
    berapa beberapa bersih perlu pergi pertama periksa permit penuh pesan peta
    sesuai selesai setelah sebelum secara selama selalu selain sendiri sekolah
    masalah sebab dampingi jamin kawin mungkin yakin ingin mesin dingin miskin cermin bensin
    vaksin licin domain margin admin memang menu meter media metode komplain main lain kecuali
    ganti cari beli kunci mati hati diri isi beri bagi janji uji nanti
    milik mohon minta masuk makan mulai muat nikah nilai tanya hanya punya bunyi
    """.split()
)
