"""Synthetic distractor entries for the 2,000-entry FAQ measure in `tests.eval.faq_retrieval`.

A knowledge base grown to 2,000 entries holds entries about other services that still share
words with passport questions. `distractor_entries` builds such entries in the shape of the real
ones (`tests.eval.test_faq_distractors` checks the shape against the demo and third-party lists):

* each entry is one topic: a few words of other public services (tax, health insurance,
  vehicles, schools...) plus one or two passport-domain words, drawn as often as they occur in
  the real questions; its example questions reword the main question, as staff write them;
* questions are as long as real ones after normalisation (about 5 words);
* every entry has an answer as long as a real one that repeats about half of the question's
  words, so an answer-aware ranking meets answers that compete, not empty ones.

`word_salad_entries` is the generator used until 2026-11-28, kept for comparison. Its entries
had the placeholder answer "Jawaban contoh." (no answer could ever compete with a real one, and
the average text length BM25 normalises by was set by 2-word answers), three unrelated random
questions per entry (about 5,800 topics rather than 1,930) and domain words drawn uniformly from
the vocabulary (a rare word like "sim" as frequent as "paspor", flattening IDF).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from bot.knowledge.normalize import clean, tokens
from bot.knowledge.views import EntryView

# Words of other public services (tax, health insurance, vehicles, schools, land...) so that the
# synthetic entries read like a large government FAQ, each with one or two passport-domain words.
GENERAL_WORDS = """
pajak npwp bpjs kesehatan iuran kendaraan bermotor stnk bpkb sekolah zonasi beasiswa sertifikat
tanah bangunan izin usaha nib retribusi sampah air pdam listrik token subsidi bantuan sosial
vaksin puskesmas rumah sakit rujukan klaim pensiun taspen gaji tunjangan cuti pegawai asn
lowongan seleksi ujian kelulusan nilai rapor ijin keramaian acara pernikahan kua nikah cerai
pengadilan tilang denda parkir terminal pelabuhan tiket kapal bandara bagasi karantina hewan
tumbuhan ekspor impor bea cukai barang kiriman paket pos pengiriman lacak resi koperasi umkm
pinjaman bunga angsuran rekening tabungan asuransi jiwa banjir posko evakuasi relawan donor
darah pmi kebakaran damkar ambulans polisi laporan kehilangan surat keterangan catatan
kepolisian skck domisili kelurahan kecamatan rt rw musrenbang aspirasi jalan rusak lampu
""".split()
# Function words that fill an answer's sentence (most are stop words for the ranking).
ANSWER_FILLER = """
adalah dapat melalui dengan sesuai untuk di ke pada oleh secara setiap wajib perlu bagi yang
dan atau dari kak hari kerja sejak setelah sebelum bisa tidak paling lambat
""".split()
STARTS = ["apakah", "bagaimana", "berapa", "kapan", "di mana", "siapa", "mengapa"]


def _content_counts(texts: Sequence[str]) -> Counter:
    """Count the words of texts that survive normalisation (stop words dropped)."""
    return Counter(word for text in texts for word in clean(text).split() if tokens(word))


def distractor_entries(
    count: int, real: Sequence[EntryView], avoid: Sequence[str] = (), seed: int = 7
) -> list[EntryView]:
    """Make `count` entries shaped like `real` on other topics; none repeats a text in `avoid`."""
    rng = random.Random(seed)
    in_questions = _content_counts([e.question for e in real])
    in_answers = _content_counts([e.answer for e in real])
    answer_lengths = [len(e.answer.split()) for e in real]
    taken = {frozenset(tokens(text)) for text in [q for e in real for q in e.questions()]}
    taken |= {frozenset(tokens(text)) for text in avoid}

    def draw(counts: Counter, number: int) -> list[str]:
        words: list[str] = []
        while len(words) < number:
            word = rng.choices(list(counts), weights=list(counts.values()))[0]
            if word not in words:
                words.append(word)
        return words

    def question(topic: list[str]) -> str:
        while True:
            picked = rng.sample(topic, max(2, len(topic) - rng.randint(0, 1)))
            if rng.random() < 0.5:
                picked.append(rng.choice(GENERAL_WORDS))
            rng.shuffle(picked)
            text = f"{rng.choice(STARTS)} {' '.join(picked)}?"
            if frozenset(tokens(text)) not in taken:
                return text

    entries = []
    for number in range(count):
        topic = rng.sample(GENERAL_WORDS, rng.randint(2, 3)) + draw(in_questions, rng.randint(1, 2))
        words = [w for w in topic if rng.random() < 0.7] + draw(in_answers, rng.randint(1, 3))
        length = rng.choice(answer_lengths)
        while len(words) < length:
            pool = GENERAL_WORDS if rng.random() < 0.4 else ANSWER_FILLER
            words.append(rng.choice(pool))
        rng.shuffle(words)
        entries.append(
            EntryView(f"synthetic-{number}", "sintetis", question(topic),
                      " ".join(words).capitalize() + ".", (question(topic), question(topic)),
                      "id", "published")
        )  # fmt: skip
    return entries


def word_salad_entries(count: int, real: Sequence[EntryView], seed: int = 7) -> list[EntryView]:
    """The previous generator: three unrelated random questions and a placeholder answer."""
    rng = random.Random(seed)
    domain = sorted({w for e in real for w in clean(e.question).split()})
    entries = []
    for number in range(count):

        def sentence() -> str:
            picked = rng.sample(GENERAL_WORDS, rng.randint(3, 6))
            picked += rng.sample(domain, rng.randint(1, 2))
            rng.shuffle(picked)
            return f"{rng.choice(STARTS)} {' '.join(picked)}?"

        entries.append(
            EntryView(f"synthetic-{number}", "sintetis", sentence(), "Jawaban contoh.",
                      (sentence(), sentence()), "id", "published")
        )  # fmt: skip
    return entries
