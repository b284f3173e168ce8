"""The normalising tokenizer: normalised token text, original spans, same in training and use."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.tokenizer import NormalisingWhitespaceTokenizer


def _tokenizer() -> NormalisingWhitespaceTokenizer:
    return NormalisingWhitespaceTokenizer(NormalisingWhitespaceTokenizer.get_default_config())


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


def test_training_and_prediction_tokenize_alike():
    tokenizer = _tokenizer()
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
