"""Retrieval: colloquial paraphrases rank the right entry; the cache follows the database."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from bot import PROJECT_ROOT
from bot.knowledge import retrieval, store
from bot.knowledge.demo_entries import DEMO_FAQ
from bot.knowledge.entries import EntryData
from bot.knowledge.normalize import normalize, stem, tokens
from bot.knowledge.retrieval import FaqIndex, KnowledgeCache
from bot.knowledge.views import EntryView

TODAY = date(2026, 12, 2)


@pytest.fixture(scope="module")
def demo_index() -> FaqIndex:
    return FaqIndex(
        [EntryView(k, c, q, a, tuple(e), "id", "published") for k, c, q, a, e in DEMO_FAQ]
    )


def test_kk_stays_kartu_keluarga_and_slang_is_normalised() -> None:
    assert "kk" in tokens("KK sy hilang")
    assert normalize("Gmn caranya ngurus paspor yg ilang?") == "urus paspor hilang"
    # "bikin", "membuat", "urus" and "ajukan" a document are one request
    assert normalize("bikin M-Paspor") == normalize("membuat m paspor") == "urus mpaspor"
    assert normalize("mengajukan KITAP") == normalize("ngurus kitap") == "urus itap"
    assert normalize("pengambilan paspornya") == normalize("ambil paspor")


@pytest.mark.parametrize(
    ("word", "root"),
    [
        ("penjamin", "jamin"),  # not "jam" (hour)
        ("berapa", "berapa"),  # not "rapa"
        ("perlu", "perlu"),
        ("kembali", "kembali"),
        ("negeri", "negeri"),  # "-i" is only stripped from prefixed verbs
        ("imigrasi", "imigrasi"),
        ("didampingi", "dampingi"),
        ("memperpanjang", "panjang"),
        ("perpanjangan", "panjang"),
        ("pemegang", "pegang"),
        ("permohonan", "mohon"),
        ("ditanya", "tanya"),
        ("masukin", "masuk"),
    ],
)
def test_stemmer_keeps_roots_that_only_look_affixed(word, root) -> None:
    assert stem(word) == root


def test_domain_synonyms_and_official_names_meet() -> None:
    assert tokens("penjamin") == tokens("sponsor")
    assert tokens("unggah berkas") == tokens("upload dokumen")
    assert tokens("kartu izin tinggal terbatas") == tokens("KITAS") == ["itas"]
    assert tokens("re-entry permit") == tokens("izin masuk kembali")
    assert "luarnegeri" in tokens("paspor di luar negeri")


def test_related_words_rank_but_do_not_outweigh_exact_words() -> None:
    index = FaqIndex(
        [
            EntryView("a", "x", "Cara ganti paspor?", "A.", (), "id", "published"),
            EntryView("b", "x", "Cara perpanjang paspor?", "B.", (), "id", "published"),
        ]
    )
    assert [m.key for m in index.search("perpanjang paspor")] == ["b", "a"]
    exact, related = index.search("perpanjang paspor")
    assert related.score < exact.score


@pytest.mark.parametrize(
    ("question", "key"),
    [
        ("paspor sy ancur kena banjir didenda ga min", "bencana-alam"),
        ("bumil ada jalur khusus ga", "prioritas"),
        ("ngambil paspor bisa diwakilin adek?", "ambil-diwakilkan"),
        ("jadwal antrian mau diundur caranya", "reschedule"),
        ("bayar paspor bs pake gopay ga", "bayar-cara"),
        ("anak sy 16 thn dpt paspor brp tahun", "masa-berlaku-anak"),
        ("ditawarin calo di parkiran mau lapor", "pungli-lapor"),
        ("e paspor sama paspor biasa bedanya apa", "epaspor-beda"),
        ("pasport sy ilang nanti di bap?", "hilang-bap"),  # typo and slang
    ],
)
def test_colloquial_paraphrases_rank_first(demo_index: FaqIndex, question, key) -> None:
    matches = demo_index.search(question)
    assert matches[0].key == key, [(m.key, m.score) for m in matches]
    assert matches[0].score > matches[-1].score or len(matches) == 1


def test_word_order_does_not_matter(demo_index: FaqIndex) -> None:
    one = demo_index.search("denda paspor rusak karena banjir")[0]
    other = demo_index.search("karena banjir paspor rusak denda")[0]
    assert one.key == other.key == "bencana-alam"


def test_unrelated_question_scores_low(demo_index: FaqIndex) -> None:
    matches = demo_index.search("resep rendang padang gimana")
    assert not matches or matches[0].score < 0.3


def _publish(factory, key: str, answer: str, **fields) -> None:
    data = EntryData(category="umum", question=f"Pertanyaan {key}?", answer=answer, **fields)
    with factory.begin() as session:
        store.save_entry(session=session, key=key, data=data, author="tester")


def test_only_published_and_currently_valid_entries_are_served(faq_factory) -> None:
    _publish(faq_factory, "draft", "draft", status="draft")
    _publish(faq_factory, "expired", "old", valid_until=date(2026, 12, 1))
    _publish(faq_factory, "future", "soon", valid_from=date(2026, 12, 3))
    with faq_factory.begin() as session:
        keys = {e.key for e in store.published_entries(session=session, today=TODAY)}
    assert {"bayar-cara", "reschedule"} <= keys
    assert not {"draft", "expired", "future"} & keys


def test_second_cache_sees_a_published_edit_after_its_check_interval(faq_factory) -> None:
    moment = [0.0]
    first = KnowledgeCache(check_interval=2.0, clock=lambda: moment[0])
    second = KnowledgeCache(check_interval=2.0, clock=lambda: moment[0])

    def answer(cache: KnowledgeCache) -> str:
        with faq_factory.begin() as session:
            found = retrieval.search(
                session=session, query="batas waktu bayar billing", today=TODAY, cache=cache
            )
        return found[0].answer

    old = answer(first)
    assert answer(second) == old
    with faq_factory.begin() as session:
        store.edit_entry(
            session=session, key="bayar-batas-waktu", author="staff", answer="Bayar dalam 3 jam."
        )
    moment[0] = 1.0  # within the interval: the counter is not read again
    assert answer(second) == old
    moment[0] = 2.5  # interval passed: the counter moved, so the index is rebuilt
    assert answer(second) == "Bayar dalam 3 jam."
    assert answer(first) == "Bayar dalam 3 jam."
    assert second.builds == 2


def test_another_process_serves_a_published_edit_without_restart(faq_factory, db_url) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from datetime import date
        from bot.db.engine import make_engine, make_session_factory
        from bot.knowledge import retrieval
        from bot.knowledge.retrieval import KnowledgeCache

        factory = make_session_factory(make_engine({db_url!r}))
        cache = KnowledgeCache(check_interval=0)
        for line in sys.stdin:
            with factory.begin() as session:
                found = retrieval.search(
                    session=session, query=line, today=date(2026, 12, 2), cache=cache
                )
            print(found[0].key + "|" + found[0].answer.replace("\\n", " "), flush=True)
        """
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdin is not None and worker.stdout is not None
    try:
        worker.stdin.write("boleh ambil paspor diwakilkan keluarga?\n")
        worker.stdin.flush()
        before = worker.stdout.readline().strip()
        with faq_factory.begin() as session:
            store.edit_entry(
                session=session,
                key="ambil-diwakilkan",
                author="staff",
                answer="Boleh, dengan surat kuasa bermeterai.",
            )
        worker.stdin.write("boleh ambil paspor diwakilkan keluarga?\n")
        worker.stdin.flush()
        after = worker.stdout.readline().strip()
    finally:
        worker.stdin.close()
        worker.wait(timeout=60)
    assert before.startswith("ambil-diwakilkan|Boleh, Kak.")
    assert after == "ambil-diwakilkan|Boleh, dengan surat kuasa bermeterai."
