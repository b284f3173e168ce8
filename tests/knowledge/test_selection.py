"""The answer-selection rule: when a published entry answers instead of the intent."""

from __future__ import annotations

import pytest

from bot.knowledge import selection
from bot.knowledge.selection import knowledge_probability, select
from bot.knowledge.views import Match


def matches(*scores: float) -> list[Match]:
    return [Match(f"entry-{n}", "q", "a", score, "q") for n, score in enumerate(scores)]


def test_probability_grows_with_score_lead_and_scope():
    base = knowledge_probability(0.5, 0.1, 1.0)
    assert knowledge_probability(0.7, 0.1, 1.0) > base
    assert knowledge_probability(0.5, 0.3, 1.0) > base
    assert knowledge_probability(0.5, 0.1, 0.2) < base
    assert 0.0 < knowledge_probability(0.0, 0.0, 0.0) < knowledge_probability(1, 1, 1) < 1.0


def test_a_clear_likely_entry_beats_a_generic_intent():
    chosen = select("ask_process", 0.99, matches(0.8, 0.3))
    assert (chosen.winner, chosen.key) == ("knowledge", "entry-0")


def test_an_entry_close_to_its_runner_up_does_not_answer():
    chosen = select("ask_process", 0.99, matches(0.8, 0.77))
    assert chosen.winner == "intent"
    assert chosen.key == "entry-0"  # considered, and kept in the parse data


def test_no_entry_no_change():
    assert select("greet", 0.9, []) == selection.Selection("intent", "greet", 0.9)


@pytest.mark.parametrize("intent", sorted(selection.OWNED_INTENTS))
def test_database_answers_keep_what_they_own(intent):
    assert select(intent, 0.9, matches(0.8, 0.3)).winner == "intent"
    # ... unless the classifier is unsure and the entry clearly fits
    assert select(intent, 0.4, matches(0.9, 0.2)).winner == "knowledge"


@pytest.mark.parametrize("intent", sorted(selection.CONVERSATION_INTENTS))
def test_conversation_intents_give_way_only_to_their_exact_question(intent):
    assert select(intent, 0.5, matches(0.9, 0.1)).winner == "intent"
    assert select(intent, 0.5, matches(1.0, 0.1)).winner == "knowledge"


def test_off_topic_messages_need_a_much_better_match():
    likely_off_topic = selection.in_scope_probability([("out_of_scope", 0.9), ("greet", 0.1)])
    assert likely_off_topic == pytest.approx(0.1)
    assert select("out_of_scope", 0.9, matches(0.6, 0.5), in_scope=likely_off_topic).winner == (
        "intent"
    )
    assert select("out_of_scope", 0.6, matches(0.7, 0.3), in_scope=0.6).winner == "knowledge"


def test_a_referral_keeps_its_topic_unless_the_entry_knows_what_it_never_saw():
    """ "visa jepang" stays with the embassy referral; "visa on arrival" goes to a VoA entry."""
    assert select("out_of_scope_visa", 0.9, matches(0.7, 0.3)).winner == "intent"
    assert select("out_of_scope_visa", 0.9, matches(0.7, 0.3), novelty=0.8).winner == "knowledge"


def test_the_verdict_is_plain_data():
    verdict = select("ask_process", 0.991234, matches(0.8, 0.3)).as_dict()
    assert verdict["winner"] == "knowledge"
    assert verdict["confidence"] == 0.9912
    assert set(verdict) == {"winner", "intent", "confidence", "key", "score", "probability"}


def test_an_unsure_conversation_intent_protects_nothing():
    """Below the fallback threshold the message would not be taken for a greeting anyway."""
    assert select("inform", 0.2, matches(0.9, 0.1)).winner == "knowledge"
    assert select("inform", 0.9, matches(0.9, 0.1)).winner == "intent"


def test_a_weak_match_never_answers_however_far_ahead():
    assert select("out_of_scope", 0.3, matches(0.4, 0.0)).winner == "intent"


def test_novelty_counts_only_words_the_entry_has_and_the_intent_never_saw():
    weight = {"dokumen": 1.0, "urus": 1.0, "itap": 2.0}.__getitem__
    share = selection.message_novelty(
        ["dokumen", "urus", "itap"], {"syarat", "urus", "itap"}, {"dokumen", "urus"}, weight
    )
    assert share == pytest.approx(0.5)
    assert selection.message_novelty([], {"x"}, set(), weight) == 0.0
    discounted = select("ask_requirements", 0.9, matches(0.8, 0.3), novelty=0.6)
    assert discounted.winner == "knowledge"


def test_an_entry_narrower_than_the_question_does_not_take_it():
    """ "bikin paspor" holds only a little of "paspor hilang/rusak diurus di MPP"."""
    weight = {"paspor": 0.2, "urus": 1.0, "hilang": 1.5, "rusak": 1.5, "mpp": 2.5}.__getitem__
    coverage = selection.question_coverage(
        {"urus", "paspor"}, ["paspor", "hilang", "rusak", "urus", "mpp"], weight
    )
    assert coverage == pytest.approx(1.2 / 6.7)
    assert select("ask_process", 0.99, matches(0.8, 0.3), coverage=coverage).winner == "intent"
    assert select("ask_faq", 0.9, matches(0.8, 0.3), coverage=coverage).winner == "knowledge"


def test_words_new_to_the_classifier_make_an_entry_that_does_not_win_a_choice():
    """A requirements intent kept for a KITAS question: offer both rather than answer wrongly."""
    kept = select("ask_requirements", 0.95, matches(0.3, 0.25), novelty=0.1)
    assert kept.winner == "intent"
    unsure = select("ask_requirements", 0.95, matches(0.3, 0.25), novelty=0.1, fresh=0.3)
    assert (unsure.winner, unsure.key) == ("unsure", "entry-0")
    assert unsure.probability is not None and unsure.probability >= selection.UNSURE_PROBABILITY


@pytest.mark.parametrize("intent", ["greet", "request_human", "ask_faq", "nlu_fallback"])
def test_conversation_and_search_intents_are_never_unsure(intent):
    assert select(intent, 0.9, matches(0.3, 0.25), fresh=0.5).winner == "intent"


def test_fresh_words_raise_the_entry_probability():
    assert knowledge_probability(0.5, 0.1, 1.0, fresh=0.5) > knowledge_probability(0.5, 0.1, 1.0)
