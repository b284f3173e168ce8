"""The normalising tokenizer: normalised token text, original spans, same in training and use."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sqlalchemy.exc import OperationalError

from bot.knowledge import vocabulary_store
from bot.knowledge.vocabulary_store import VocabularyCache
from bot.nlu.tokenizer import NormalisingWhitespaceTokenizer, staff_words


def _tokenizer(factory=None) -> NormalisingWhitespaceTokenizer:
    return NormalisingWhitespaceTokenizer(
        NormalisingWhitespaceTokenizer.get_default_config(),
        factory=factory,
        cache=VocabularyCache(build=staff_words, check_interval=0),
    )


def _tokens(text: str) -> list[tuple[str, int, int]]:
    tokens = _tokenizer().tokenize(Message({"text": text}), "text")
    return [(t.text, t.start, t.end) for t in tokens]


def test_tokens_carry_standard_words_and_original_spans():
    assert _tokens("min kpn kuota buka lg?") == [
        ("min", 0, 3),
        ("kapan", 4, 7),
        ("kuota", 8, 13),
        ("buka", 14, 18),
        ("lagi", 19, 21),
    ]


def test_kk_stays_kartu_keluarga():
    assert [t for t, _, _ in _tokens("urus kk baru dmn")] == ["urus", "kk", "baru", "dimana"]


def test_glued_words_become_two_tokens_inside_the_original_span():
    assert _tokens("hargapaspor brp") == [
        ("harga", 0, 5),
        ("paspor", 5, 11),
        ("berapa", 12, 15),
    ]


def test_entity_spans_still_cover_the_written_words():
    text = "klo bsk gmn"
    tokens = _tokenizer().tokenize(Message({"text": text}), "text")
    date = next(t for t in tokens if t.text == "besok")
    assert text[date.start : date.end] == "bsk"  # the extracted value is what the citizen wrote


def test_lemma_follows_the_normalised_text():
    tokens = _tokenizer().tokenize(Message({"text": "brp"}), "text")
    assert tokens[0].lemma == "berapa"


def test_training_and_prediction_tokenize_alike(session_factory):
    tokenizer = _tokenizer(session_factory)
    example = Message({"text": "pasport ilang gmn", "intent": "report_lost_damaged"})
    tokenizer.process_training_data(TrainingData([example]))
    incoming = Message({"text": "pasport ilang gmn"})
    tokenizer.process([incoming])
    trained = [t.text for t in example.get("text_tokens")]
    assert (
        trained
        == [t.text for t in incoming.get("text_tokens")]
        == ["paspor", "hilang", "bagaimana"]
    )


def test_intent_names_are_not_normalised():
    example = Message({"text": "ga", "intent": "deny"})
    _tokenizer().process_training_data(TrainingData([example]))
    assert [t.text for t in example.get("intent_tokens")] == ["deny"]


def _predicted(tokenizer: NormalisingWhitespaceTokenizer, text: str) -> list[tuple[str, str]]:
    message = Message({"text": text})
    tokenizer.process([message])
    return [(t.text, text[t.start : t.end]) for t in message.get("text_tokens")]


def test_a_staff_term_becomes_its_standard_word_at_prediction_time_only(session_factory):
    tokenizer = _tokenizer(session_factory)
    text = "paspor sy nyasar, kena tipu calo gmn"
    assert ("nyasar", "nyasar") in _predicted(tokenizer, text)
    with session_factory.begin() as session:
        for term, standard in (("nyasar", "hilang"), ("kena tipu calo", "pungli"),
                               ("ga dapat", "tidak bisa")):  # fmt: skip
            vocabulary_store.add_term(session=session, term=term, standard=standard, author="a")
    assert _predicted(tokenizer, text) == [
        ("paspor", "paspor"),
        ("saya", "sy"),
        ("hilang", "nyasar"),  # the span is still what the citizen wrote
        ("pungli", "kena tipu calo"),  # a phrase is one token over its written words
        ("bagaimana", "gmn"),
    ]
    assert [t for t, _ in _predicted(tokenizer, "ga dapat")] == ["tidak", "dapat"]  # 2 words
    example = Message({"text": text, "intent": "report_lost_damaged"})
    tokenizer.process_training_data(TrainingData([example]))
    assert "nyasar" in [t.text for t in example.get("text_tokens")]  # training: built-in only


class _Unreachable:
    """A session factory whose database is down; counts the attempts."""

    def __init__(self) -> None:
        self.calls = 0

    def begin(self):
        self.calls += 1
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))


def test_an_unreadable_vocabulary_leaves_the_built_in_tokens_and_backs_off(caplog):
    factory = _Unreachable()
    tokenizer = _tokenizer(factory)
    assert [t for t, _ in _predicted(tokenizer, "brp nyasar")] == ["berapa", "nyasar"]
    assert [t for t, _ in _predicted(tokenizer, "brp nyasar")] == ["berapa", "nyasar"]
    assert factory.calls == 1  # left alone for RETRY_SECONDS
    assert "Staff vocabulary not readable (OperationalError)" in caplog.text


@pytest.mark.parametrize(("kind", "standard"), [("related", "hilang"), ("same", "ruang laktasi")])
def test_only_same_terms_with_a_one_word_standard_reach_the_model(session_factory, kind, standard):
    with session_factory.begin() as session:
        vocabulary_store.add_term(
            session=session, term="nyasar", standard=standard, kind=kind, author="a"
        )
    assert [t for t, _ in _predicted(_tokenizer(session_factory), "nyasar")] == ["nyasar"]
