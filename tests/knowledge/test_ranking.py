"""Ranking: how an entry's questions and answer combine into its order and its score."""

from __future__ import annotations

from bot.knowledge.ranking import FaqIndex
from bot.knowledge.views import EntryView


def _entry(key: str, question: str, answer: str) -> EntryView:
    return EntryView(key, "umum", question, answer, (), "id", "published")


# Entries on other services, so that IDF tells common words from rare ones as in a real list.
OTHERS = [
    _entry(f"other-{word}", f"Apakah {word} wajib?", "Ya, wajib.")
    for word in "npwp bpjs stnk skck nib ktp sim kk akta ijazah".split()
]


def _keys(index: FaqIndex, question: str) -> list[str]:
    return [match.key for match in index.search(question)]


def test_asking_exactly_an_entry_question_scores_one() -> None:
    index = FaqIndex([_entry("ambil", "Kapan paspor bisa diambil?", "Empat hari kerja."), *OTHERS])
    assert index.search("kapan paspor bisa diambil")[0].score == 1.0


def test_a_short_question_sharing_fewer_words_does_not_outrank_a_full_match() -> None:
    full = _entry(
        "full", "Bagaimana mengurus paspor yang hilang saat berada di luar negeri?", "KBRI."
    )
    short = _entry("short", "Paspor hilang?", "Lapor polisi.")
    index = FaqIndex([full, short, *OTHERS])
    assert _keys(index, "paspor hilang di luar negeri")[:2] == ["full", "short"]


def test_the_answer_decides_the_order_but_not_the_score() -> None:
    index = FaqIndex(
        [
            _entry("bank", "Cara bayar paspor?", "Lewat bank."),
            _entry("minimarket", "Cara bayar paspor?", "Di Indomaret atau lewat bank."),
            *OTHERS,
        ]
    )
    first, second = index.search("bayar paspor di indomaret")[:2]
    assert (first.key, second.key) == ("minimarket", "bank")
    # The score compared with the answer threshold comes from the questions alone: rewording
    # an answer never decides whether the bot answers directly.
    assert first.score == second.score


def test_an_answer_that_only_repeats_its_question_adds_nothing() -> None:
    echo = _entry(
        "echo",
        "Kapan paspor bisa diambil di kantor pos?",
        "Paspor bisa diambil di kantor pos kapan saja, kantor pos buka setiap hari.",
    )
    exact = _entry("exact", "Kapan paspor bisa diambil lagi?", "Empat hari kerja.")
    index = FaqIndex([echo, exact, *OTHERS])
    assert _keys(index, "kapan paspor bisa diambil")[:2] == ["exact", "echo"]


def test_a_word_the_faq_never_mentions_weighs_like_its_rarest_word() -> None:
    index = FaqIndex(
        [_entry("prioritas", "Siapa yang bisa lewat jalur prioritas?", "Lansia."), *OTHERS]
    )
    known = index.search("jalur prioritas")[0].score
    unknown = index.search("jalur prioritas musholla")[0].score  # never indexed
    rare = index.search("jalur prioritas npwp")[0].score  # indexed once, elsewhere
    assert unknown < known
    assert abs(unknown - rare) < 0.02
