"""Staff vocabulary: the checks, the table, and retrieval that follows it without a rebuild."""

from __future__ import annotations

import re
from datetime import date

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from actions.faq import ANSWER_THRESHOLD
from bot.db.base import Base
from bot.db.engine import alembic_config, make_engine, upgrade_database
from bot.knowledge import store, vocabulary_store
from bot.knowledge.entries import EntryData
from bot.knowledge.normalize import tokens
from bot.knowledge.retrieval import KnowledgeCache, search
from bot.knowledge.vocabulary import TermView, Vocabulary, VocabularyError, validate

TODAY = date(2026, 12, 2)
LAKTASI = "Ada, Kak. Ruang laktasi ada di lantai 2, di samping ruang tunggu."


@pytest.mark.parametrize(
    ("term", "standard", "kind", "reason"),
    [
        ("", "hilang", "same", "the term is empty"),
        ("nyasar", "  ", "same", "the standard word is empty"),
        ("nyasar!", "hilang", "same", "letters, digits and spaces only"),
        ("a b c d e", "hilang", "same", "too long"),
        ("nyasar", "nyasar", "same", "its own standard word"),
        ("yang", "hilang", "same", "'yang' is a stop word"),
        ("gw aja", "saya", "same", "only stop words"),
        ("nyasar", "tolong", "same", "only stop words"),
        ("kk", "kakak", "same", "protected office term"),
        ("bikin", "buat", "same", "built in (read as 'urus')"),
        ("orang asing", "turis", "same", "built in (read as 'asing')"),
        ("asing", "bule", "same", "already means 'bule'"),
        ("ga bisa", "tidak bisa", "same", "already means"),
        ("nyasar", "hilang", "maybe", "kind must be one of same, related"),
        ("pojok asi", "laktasi", "related", "a related term must be one word"),
        ("visa", "itas", "related", "already related"),
    ],
)
def test_a_term_that_breaks_a_rule_is_refused_with_the_reason(term, standard, kind, reason):
    with pytest.raises(VocabularyError, match=re.escape(reason)):
        validate(term, standard, kind, [])


def test_a_term_is_stored_lower_case_and_folded():
    assert validate(" Pojok-ASI ", "Ruang  Laktasi", "same", []) == TermView(
        "pojok asi", "ruang laktasi", "same"
    )


def test_terms_that_rewrite_each_other_are_refused():
    others = [TermView("aa", "bb"), TermView("bb", "cc dd")]
    with pytest.raises(VocabularyError, match="cc -> aa -> bb -> cc"):
        validate("cc", "aa", "same", others)
    with pytest.raises(VocabularyError, match="ee -> ee"):
        validate("ee", "ee ff", "same", [])
    with pytest.raises(VocabularyError, match="already in the vocabulary"):
        validate("aa", "zz", "same", others)
    assert validate("dd", "ee", "same", others).term == "dd"  # a chain, not a cycle


def test_same_terms_rewrite_both_sides_and_follow_chains():
    vocabulary = Vocabulary(
        [TermView("nyasar", "hilang"), TermView("pojok asi", "ruang laktasi"),
         TermView("londo", "bule")]
    )  # fmt: skip
    tokenize = vocabulary.tokenizer()
    assert tokens("paspor nyasar") == ["paspor", "nyasar"]
    assert tokenize("Paspor NYASAR") == tokenize("paspornya nyasarnya") == ["paspor", "hilang"]
    assert tokenize("ada pojok-asi?") == tokens("ruang laktasi")
    assert tokenize("londo bikin paspor") == tokens("orang asing membuat paspor")  # built-in too


def test_related_terms_expand_both_ways_and_keep_the_built_in_ones():
    vocabulary = Vocabulary([TermView("kepo", "tanya", "related")])
    assert vocabulary.related["kepo"] == ("tanya",)
    assert "kepo" in vocabulary.related["tanya"]
    assert vocabulary.related["visa"] == ("itas", "izin")
    assert Vocabulary().tokenizer() is tokens  # nothing added: the built-in tokenizer itself


def test_add_remove_and_bring_back_a_term(session):
    before = store.current_revision(session=session)
    added = vocabulary_store.add_term(
        session=session, term="Nyasar", standard="hilang", author="ani"
    )
    assert added == TermView("nyasar", "hilang", "same")
    assert store.current_revision(session=session) == before + 1
    [stored] = vocabulary_store.staff_terms(session=session)
    assert (stored.term, stored.added_by, stored.builtin) == ("nyasar", "ani", False)
    with pytest.raises(VocabularyError, match="already in the vocabulary"):
        vocabulary_store.add_term(session=session, term="nyasar", standard="rusak", author="budi")
    vocabulary_store.remove_term(session=session, term="nyasar", author="budi")
    assert vocabulary_store.staff_terms(session=session) == []
    assert store.current_revision(session=session) == before + 2
    with pytest.raises(VocabularyError, match="not in the staff vocabulary"):
        vocabulary_store.remove_term(session=session, term="nyasar", author="budi")
    with pytest.raises(VocabularyError, match="built in and cannot be removed"):
        vocabulary_store.remove_term(session=session, term="Kitas", author="budi")
    with pytest.raises(VocabularyError, match="built in and cannot be removed"):
        vocabulary_store.remove_term(session=session, term="warga negara asing", author="budi")
    vocabulary_store.add_term(session=session, term="nyasar", standard="rusak", author="citra")
    [back] = vocabulary_store.staff_terms(session=session)
    assert (back.standard, back.added_by) == ("rusak", "citra")
    listed = vocabulary_store.all_terms(session=session)
    assert listed[-1] == back and all(t.builtin for t in listed[:-1])


def test_an_import_is_all_or_nothing_and_reimporting_changes_nothing(session, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "istilah;baku;jenis\nnyasar;hilang;sama\nkk;kakak;\nkepo;tanya;x\nNyasar;rusak;\n"
    )
    report = vocabulary_store.import_terms(bad, session=session, author="ani")
    assert report.errors == [
        (3, "'kk' is a protected office term and keeps its meaning"),
        (4, "kind must be same or related, not 'x'"),
        (5, "'nyasar' is already on line 2"),
    ]
    assert vocabulary_store.staff_terms(session=session) == []
    good = tmp_path / "good.csv"
    good.write_text("term,standard,kind\nnyasar,hilang,\nkepo,tanya,related\nlondo,nyasar,\n")
    report = vocabulary_store.import_terms(good, session=session, author="ani")
    assert (report.errors, report.created) == ([], 3)
    again = vocabulary_store.import_terms(good, session=session, author="ani")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    cycle = tmp_path / "cycle.csv"
    cycle.write_text("term,standard\nhilang,londo\n")
    [(line, reason)] = vocabulary_store.import_terms(cycle, session=session, author="x").errors
    assert line == 2 and "hilang -> londo -> nyasar -> hilang" in reason
    out = tmp_path / "out.csv"
    assert vocabulary_store.export_terms(out, session=session) == 3
    assert out.read_text().splitlines()[0] == "term,standard,kind,added_by,added_at"
    assert vocabulary_store.import_terms(out, session=session, author="x").unchanged == 3


def _publish_laktasi(session) -> None:
    data = EntryData(
        category="fasilitas",
        question="Apakah tersedia ruang laktasi untuk ibu menyusui di kantor imigrasi?",
        answer=LAKTASI,
        examples=("Ada ruang laktasi?",),
        status="published",
    )
    store.save_entry(session=session, key="ruang-laktasi", data=data, author="staf")


def test_a_staff_term_makes_retrieval_find_the_entry_at_once(faq_factory):
    cache = KnowledgeCache(check_interval=0)
    question = "di kantor ada pojok asi ga min?"
    with faq_factory.begin() as session:
        _publish_laktasi(session)
        before = search(session=session, query=question, today=TODAY, cache=cache)
    assert not before or before[0].key != "ruang-laktasi" or before[0].score < ANSWER_THRESHOLD
    with faq_factory.begin() as session:
        vocabulary_store.add_term(
            session=session, term="pojok asi", standard="ruang laktasi", author="ani"
        )
    with faq_factory.begin() as session:
        after = search(session=session, query=question, today=TODAY, cache=cache)
    assert after[0].key == "ruang-laktasi" and after[0].score >= ANSWER_THRESHOLD
    assert cache.builds == 2  # the same cache rebuilt itself once: nothing else was rebuilt
    with faq_factory.begin() as session:
        vocabulary_store.remove_term(session=session, term="pojok asi", author="ani")
    with faq_factory.begin() as session:
        again = search(session=session, query=question, today=TODAY, cache=cache)
    assert [m.key for m in again] == [m.key for m in before]


def test_a_related_term_lifts_the_entry_less_than_a_same_term(faq_factory):
    question = "laktasi"
    with faq_factory.begin() as session:
        _publish_laktasi(session)
        vocabulary_store.add_term(
            session=session, term="menyusui", standard="laktasi", kind="related", author="ani"
        )
    cache = KnowledgeCache(check_interval=0)
    with faq_factory.begin() as session:
        related = search(session=session, query="menyusui", today=TODAY, cache=cache)
        exact = search(session=session, query=question, today=TODAY, cache=cache)
    assert related[0].key == exact[0].key == "ruang-laktasi"
    assert related[0].score < exact[0].score


def test_the_migration_matches_the_model_and_downgrades(fresh_url):
    upgrade_database(fresh_url)
    engine = make_engine(fresh_url)
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    Base.metadata.tables["vocabulary"].to_metadata(metadata)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, type_, _p: type_ != "table" or name == "vocabulary"},
        )
        assert compare_metadata(context, metadata) == []
    command.downgrade(alembic_config(fresh_url), "0005_faq_delivery")
    assert "vocabulary" not in inspect(engine).get_table_names()
    engine.dispose()
