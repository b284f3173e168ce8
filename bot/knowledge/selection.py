"""One answer-selection step: a built-in intent or a published knowledge-base entry.

Language understanding was trained on the built-in intents only; it knows nothing of topics staff
publish later, and its softmax still names some intent for a message about them ("dokumen apa
saja untuk mengajukan KITAP?" looks like the passport requirements). So for every message the
intent the classifier chose and the best published entries are compared on one scale: the
probability that each is the right answer. The intent's confidence already is one (the linear
classifier's softmax scale is fitted by cross-validation); the entry's retrieval score is
turned into one by `knowledge_probability`, a logistic curve fitted on labelled paraphrases
(docs/answer_selection.md, `python -m tests.eval.selection_fit`).

The entry wins when it is the more probable answer and clear of its runner-up, with two kinds
of intent held to a stricter rule:

* `OWNED_INTENTS` are answered from the schedule database (quota, hours, addresses, fees,
  passport requirements, the lost-or-damaged procedure): current and office-specific, so an
  entry must be clearly more probable than the intent (`OWNED_MARGIN`) to take their place; so
  must `REFERRAL_INTENTS`, whose answer sends the citizen to another agency.
* `CONVERSATION_INTENTS` (greetings, yes/no, a person, a complaint, an office name) steer the
  conversation; only an entry asked nearly word for word (`EXACT_SCORE`) takes their place.

What an intent's answer is worth also depends on what the message is about: "dokumen apa saja
untuk mengajukan KITAP?" is a requirements question, but the built-in answer lists passport
documents. So the intent's probability is discounted by the message's novelty
(`message_novelty`): the share of its words (weighted as in retrieval) that the best entry's
questions contain and that none of the intent's training examples ever did ("kitap" never
appears in the passport-requirements examples). A message the intent was trained for keeps its
full weight.

A message may also hold words no intent was ever trained on and the best entry's questions do
("mau ngurus ITAS buat suami, perlu bawa apa aja?": "itas"): the classifier's view of it is a
guess, so that share (`fresh`) raises the entry's probability, and where the entry still does
not win the verdict is `unsure`: the citizen is offered the intent and the entry as buttons
(the first stage of the fallback) rather than a confident answer to another question.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from bot.knowledge.views import Match

KNOWLEDGE_INTENT = "ask_faq"
PARSE_KEY = "answer_selection"  # where the verdict is kept in the parse data
KNOWLEDGE_ENTITY = "faq_key"
OUT_OF_SCOPE_INTENT = "out_of_scope"
SEARCH_INTENTS = frozenset({KNOWLEDGE_INTENT, "nlu_fallback"})  # the FAQ action searches anyway
OWNED_INTENTS = frozenset(
    {
        "ask_quota",
        "ask_office_hours",
        "ask_office_location",
        "ask_fees",
        "ask_requirements",
        "report_lost_damaged",
    }
)
# Another agency's business (KTP at Dukcapil, SIM at Satpas, visas abroad at embassies): the
# built-in answer refers the citizen there, right for the whole topic; held to the same rule.
REFERRAL_INTENTS = frozenset({"out_of_scope_dukcapil", "out_of_scope_sim", "out_of_scope_visa"})
KEPT_INTENTS = OWNED_INTENTS | REFERRAL_INTENTS
CONVERSATION_INTENTS = frozenset(
    {
        "greet",
        "thank",
        "goodbye",
        "affirm",
        "deny",
        "bot_challenge",
        "ask_topics",
        "inform",
        "request_human",
        "complaint",
    }
)
# Fitted by tests/eval/selection_fit.py on the tuning paraphrases (docs/answer_selection.md).
LOGISTIC_SCORE = 1.29
LOGISTIC_MARGIN = 8.09
LOGISTIC_IN_SCOPE = 3.01
LOGISTIC_FRESH = 3.28
LOGISTIC_BIAS = -4.12
MIN_PROBABILITY = 0.5  # an entry less likely than not to be right never wins
# A weak match never answers directly, however far ahead of the others: questions about things
# no entry mentions ("ada mushola?", "kantin jual apa?") share only "kantor imigrasi" with one.
MIN_SCORE = 0.45
# The message must name at least this share (weighted) of what the entry's matched question is
# about: "gmn caranya bikin paspor" holds every word it shares with "Apakah paspor hilang/rusak
# bisa diurus di MPP?", but not "hilang", "rusak" or "MPP"; the entry is narrower than the
# question. Not applied where the classifier itself calls the message an FAQ question.
MIN_COVERAGE = 0.4
CLEAR_MARGIN = 0.08  # the best must lead its runner-up by this much
OWNED_MARGIN = 0.15
EXACT_SCORE = 0.95
# The FallbackClassifier's threshold (config.yml): a conversation intent below it is not
# what the message will be taken for, so it protects nothing.
FALLBACK_THRESHOLD = 0.35
# How much of a question the intent's answer settles when the intent is right: the process
# overview and "we only handle passports" answer a specific question only in part, so a likely
# entry beats them.
GENERIC_ANSWER_VALUE = 0.5
# Neither answer is sure enough (`unsure`, buttons) when the entry does not win although this
# share of the message's words is new to the classifier and known to the entry, and the entry
# is at least this probable (tests/eval/e2e tuning paraphrases: wrong answers 9 -> 4 of 55,
# none of the right built-in answers or entries' own questions lost).
UNSURE_FRESH = 0.1
UNSURE_PROBABILITY = 0.3


@dataclass(frozen=True)
class Selection:
    """What answers a message, and why (kept in the parse data for staff and evaluation)."""

    winner: str  # "intent", "knowledge" or "unsure" (offer both)
    intent: str
    confidence: float
    key: str | None = None
    score: float | None = None
    probability: float | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "winner": self.winner,
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "key": self.key,
            "score": self.score,
            "probability": None if self.probability is None else round(self.probability, 4),
        }


def knowledge_probability(
    score: float, margin: float, in_scope: float, fresh: float = 0.0
) -> float:
    """Return the calibrated probability that the best entry is the right answer.

    `score` is its retrieval score, `margin` its lead over the runner-up and `in_scope` the
    classifier's probability that the message is a question for this office at all (one minus
    the out-of-scope intents' confidences): off-topic messages share words with entries too.
    `fresh` is the share of the message's words that the entry's questions hold and no intent
    was ever trained on (`message_novelty` against every intent's words): where it is high the
    classifier's view of the message, out-of-scope included, is a guess about words it never saw.
    """
    logit = (
        LOGISTIC_SCORE * score
        + LOGISTIC_MARGIN * margin
        + LOGISTIC_IN_SCOPE * in_scope
        + LOGISTIC_FRESH * fresh
        + LOGISTIC_BIAS
    )
    return 1.0 / (1.0 + math.exp(-logit))


def message_novelty(
    message_words: Sequence[str],
    entry_words: Collection[str],
    intent_words: Collection[str],
    weight: Callable[[str], float],
) -> float:
    """Return the weighted share of the message's words that only the entry knows.

    Counted: words the entry's questions contain and the intent's training examples do not.
    """
    distinct = set(message_words)
    total = sum(weight(word) for word in distinct)
    new = sum(weight(w) for w in distinct if w in entry_words and w not in intent_words)
    return new / total if total else 0.0


def question_coverage(
    message_words: Collection[str], question_words: Collection[str], weight: Callable[[str], float]
) -> float:
    """Return the weighted share of the matched question's words that the message holds."""
    asked = set(question_words)
    total = sum(weight(word) for word in asked)
    return sum(weight(w) for w in asked if w in message_words) / total if total else 1.0


def in_scope_probability(ranking: Sequence[tuple[str, float]]) -> float:
    """Return one minus the confidence the classifier gives `out_of_scope`.

    Only the general out-of-scope intent counts: `out_of_scope_visa` (a visa for going abroad)
    and its siblings are about neighbouring services, exactly where staff add entries.
    """
    outside = sum(c for name, c in ranking if name == OUT_OF_SCOPE_INTENT)
    return max(0.0, 1.0 - outside)


def select(
    intent: str,
    confidence: float,
    matches: Sequence[Match],
    *,
    in_scope: float = 1.0,
    novelty: float = 0.0,
    fresh: float = 0.0,
    coverage: float = 1.0,
) -> Selection:
    """Choose between the classifier's intent and the best entry (`matches`, best first)."""
    kept = Selection("intent", intent, confidence)
    if not matches:
        return kept
    best = matches[0]
    margin = best.score - (matches[1].score if len(matches) > 1 else 0.0)
    probability = knowledge_probability(best.score, margin, in_scope, fresh)
    steering = intent in CONVERSATION_INTENTS and confidence >= FALLBACK_THRESHOLD
    # When the entry does not win, the intent answers, unless the message is about something
    # the classifier never learnt and a published entry knows: then neither is sure enough, and
    # the citizen chooses (the two-stage fallback's buttons) rather than get a wrong answer.
    unsure = (
        not steering
        and intent not in SEARCH_INTENTS
        and fresh >= UNSURE_FRESH
        and probability >= UNSURE_PROBABILITY
    )
    considered = Selection(
        "unsure" if unsure else "intent", intent, confidence, best.key, best.score, probability
    )
    if margin < CLEAR_MARGIN or probability < MIN_PROBABILITY or best.score < MIN_SCORE:
        return considered
    if intent not in SEARCH_INTENTS and coverage < MIN_COVERAGE:
        return considered
    if steering and best.score < EXACT_SCORE:
        return considered
    settled = confidence * (1.0 - novelty)  # how likely the intent's answer fits the message
    if intent in KEPT_INTENTS:
        needed = settled + OWNED_MARGIN
    elif steering:
        needed = 0.0
    else:
        needed = settled * GENERIC_ANSWER_VALUE
    if probability <= needed:
        return considered
    return Selection("knowledge", intent, confidence, best.key, best.score, probability)
