"""The linear intent classifier: normalised tokens in, calibrated ranking out, no pickle."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import linear_intent
from bot.nlu.linear_intent import (
    ARRAYS_FILE,
    MODEL_FILE,
    SCALE_BOUNDS,
    LinearIntentClassifier,
    fit_scale,
    softmax,
)
from bot.nlu.tokenizer import NormalisingWhitespaceTokenizer

EXAMPLES = {
    "ask_fees": [
        "berapa biaya paspor",
        "harga e paspor brp",
        "bayar paspor berapa ya",
        "biaya bikin paspor 10 tahun",
        "tarif paspor elektronik",
        "ongkos paspor berapa min",
    ],
    "ask_quota": [
        "kapan kuota dibuka",
        "kuota mpaspor buka kapan",
        "kuota habis terus, kapan ada lagi",
        "jam berapa kuota dirilis",
        "kuota besok ada ga",
        "kapan kuota paspor buka lagi",
    ],
    "greet": ["halo", "hai min", "selamat pagi", "permisi kak", "assalamualaikum", "halo admin"],
}


def _tokenizer() -> NormalisingWhitespaceTokenizer:
    return NormalisingWhitespaceTokenizer(NormalisingWhitespaceTokenizer.get_default_config())


def _message(text: str, intent: str | None = None) -> Message:
    data = {"text": text} | ({"intent": intent} if intent else {})
    message = Message(data=data)
    _tokenizer().process([message])
    return message


def _training_data(examples: dict[str, list[str]]) -> TrainingData:
    return TrainingData(
        [_message(text, intent) for intent, texts in examples.items() for text in texts]
    )


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def _context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def _trained(storage, examples=EXAMPLES, **config) -> LinearIntentClassifier:
    classifier = LinearIntentClassifier.create(
        config, storage, Resource("linear_intent"), _context()
    )
    classifier.train(_training_data(examples))
    return classifier


def _parse(classifier: LinearIntentClassifier, text: str) -> Message:
    message = _message(text)
    classifier.process([message])
    return message


def test_predicts_the_intent_of_unseen_colloquial_messages(storage):
    classifier = _trained(storage)
    assert _parse(classifier, "brp harga paspor nya kak").get("intent")["name"] == "ask_fees"
    assert _parse(classifier, "kpn kuota buka lg").get("intent")["name"] == "ask_quota"
    assert _parse(classifier, "halo kak").get("intent")["name"] == "greet"


def test_features_come_from_the_normalised_tokens(storage):
    # "brp" and "berapa" are the same token after the tokenizer, so the same features: the
    # same ranking. With the raw text they would share only a few characters.
    classifier = _trained(storage)
    assert _parse(classifier, "brp biaya").get("intent_ranking") == _parse(
        classifier, "berapa biaya"
    ).get("intent_ranking")
    assert _parse(classifier, "kpn kuota").get("intent_ranking") == _parse(
        classifier, "kapan kuota"
    ).get("intent_ranking")


@pytest.mark.parametrize("text", ["👍", "🙏🙏", "?", "!!", "مرحبا", ""])
def test_a_message_without_known_words_or_letters_gets_equal_confidences(storage, text):
    classifier = _trained(storage)
    ranking = _parse(classifier, text).get("intent_ranking")
    assert [r["confidence"] for r in ranking] == pytest.approx([1 / 3] * 3)


def test_one_known_word_is_evidence(storage):
    classifier = _trained(storage)
    ranking = _parse(classifier, "kuota 👍").get("intent_ranking")
    assert ranking[0]["name"] == "ask_quota"
    assert ranking[0]["confidence"] > 1 / 3


def test_ranking_is_sorted_sums_to_one_and_is_cut_to_the_ranking_length(storage):
    classifier = _trained(storage, ranking_length=2)
    message = _parse(classifier, "berapa biaya kuota")
    ranking = message.get("intent_ranking")
    assert len(ranking) == 2
    assert ranking[0] == message.get("intent")
    assert ranking[0]["confidence"] >= ranking[1]["confidence"]
    full = _trained(storage, ranking_length=0)
    confidences = [
        r["confidence"] for r in _parse(full, "berapa biaya kuota").get("intent_ranking")
    ]
    assert len(confidences) == 3
    assert sum(confidences) == pytest.approx(1.0)


def test_an_unrelated_message_gets_a_lower_confidence_than_a_clear_one(storage):
    classifier = _trained(storage)
    clear = _parse(classifier, "berapa biaya paspor").get("intent")["confidence"]
    unrelated = _parse(classifier, "zzz qqq").get("intent")["confidence"]
    assert unrelated < clear


def test_loaded_model_gives_the_same_confidences_and_is_stored_without_pickle(storage):
    trained = _trained(storage)
    loaded = LinearIntentClassifier.load({}, storage, Resource("linear_intent"), _context())
    for text in ("brp biaya paspor", "kuota kpn", "pagi min", "kata yang tidak dikenal"):
        assert _parse(loaded, text).get("intent_ranking") == _parse(trained, text).get(
            "intent_ranking"
        )
    with storage.read_from(Resource("linear_intent")) as directory:
        assert sorted(p.name for p in directory.iterdir()) == sorted([ARRAYS_FILE, MODEL_FILE])
        with np.load(directory / ARRAYS_FILE, allow_pickle=False) as arrays:
            assert all(arrays[name].dtype != object for name in arrays.files)


def test_loading_without_a_stored_model_leaves_messages_untouched(storage):
    classifier = LinearIntentClassifier.load({}, storage, Resource("missing"), _context())
    message = _message("halo")
    classifier.process([message])
    assert message.get("intent") is None


def test_a_corrupt_stored_model_is_an_error_not_an_untrained_classifier(storage):
    _trained(storage)
    with storage.write_to(Resource("linear_intent")) as directory:
        (directory / MODEL_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError):
        LinearIntentClassifier.load({}, storage, Resource("linear_intent"), _context())


def test_rasas_training_cache_sees_changes_to_the_modules():
    # Rasa fingerprints only the class's own source; helpers and the lexicon live outside it.
    assert (
        LinearIntentClassifier.fingerprint_addon({})
        == hashlib.sha256(Path(linear_intent.__file__).read_bytes()).hexdigest()
    )
    tokenizer_addon = NormalisingWhitespaceTokenizer.fingerprint_addon({})
    assert tokenizer_addon and len(tokenizer_addon) == 64


def test_two_intents_and_a_single_intent_work(storage):
    two = _trained(storage, {k: EXAMPLES[k] for k in ("ask_fees", "greet")})
    ranking = _parse(two, "biaya paspor brp").get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "ask_fees"
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    one = _trained(storage, {"greet": EXAMPLES["greet"]})
    assert _parse(one, "apa saja").get("intent") == {"name": "greet", "confidence": 1.0}


def test_training_is_reproducible(storage, tmp_path):
    first = _trained(storage)
    (tmp_path / "again").mkdir()
    second = _trained(LocalModelStorage(tmp_path / "again"))
    assert first.model is not None and second.model is not None
    assert first.model.scale == second.model.scale
    np.testing.assert_array_equal(first.model.coef, second.model.coef)


def test_fitted_scale_matches_how_separable_the_margins_are():
    gold = np.array([0, 1, 0, 1] * 25)
    clean = np.where(np.eye(2)[gold] == 1, 1.0, -1.0)  # always right by a wide margin
    noisy = clean.copy()
    noisy[::4] *= -1  # a quarter confidently wrong
    # Always right: the sharper the better, until the loss is flat in floating point.
    assert fit_scale(clean, gold) > 10.0
    assert fit_scale(noisy, gold) < 2.0
    assert SCALE_BOUNDS[0] <= fit_scale(noisy, gold) <= SCALE_BOUNDS[1]


def test_softmax_rows_sum_to_one_and_keep_the_order():
    probabilities = softmax(np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 5.0]]), 3.0)
    np.testing.assert_allclose(probabilities.sum(axis=1), [1.0, 1.0])
    assert list(probabilities.argmax(axis=1)) == [0, 2]
