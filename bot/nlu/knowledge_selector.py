"""Let a published knowledge-base entry answer a message when it fits better than the intent.

Runs after the intent classifier and before the FallbackClassifier. For each message it ranks
the published entries (the same in-process index the FAQ action uses, rebuilt within seconds of
a staff edit, no retraining) and asks `bot.knowledge.selection.select` which answer is the more
probable one. When the entry wins, the intent becomes `ask_faq` and the
verdict names the entry, so the FAQ action answers with exactly that entry. When neither is
sure (`unsure`: the message is about words the classifier never learnt, see
`selection.select`), the intents are scaled below the FallbackClassifier's threshold, so the
citizen is offered the likely intent and the entry as buttons instead of a wrong answer.
Either way the verdict is kept in the parse data as `answer_selection`, for staff and for the
evaluation (no entity is added: the entry is not something the citizen said).

Training only records each intent's example texts (JSON); when the model is loaded they are
turned into words with today's lexicon, so a lexicon change never makes a trained word look
new. The selection discounts an intent for a message whose key words it was never trained on
and the best entry has (`selection.novelty`); an intent without stored examples (a model
trained before this component) gets no discount.

The knowledge base lives in the database of DATABASE_URL. The process's engine is built on the
first message (Rasa gives a graph component no start-up hook to receive it). When the
knowledge base cannot be read the message keeps the classifier's intent; the database is then
left alone for `RETRY_SECONDS` (a parse runs on Rasa's event loop: an unreachable database
must not make every message wait for its timeout), logged once per failure.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sqlalchemy.orm import sessionmaker

from bot.knowledge import retrieval, selection
from bot.knowledge.normalize import tokens
from bot.knowledge.ranking import FaqIndex

logger = logging.getLogger(__name__)

EXAMPLES_FILE = "intent_examples.json"
OFFICE_ZONE = ZoneInfo("Asia/Jakarta")
CANDIDATES = 2  # the best entry and its runner-up (for the lead)
RETRY_SECONDS = 30.0
# The FallbackClassifier's ambiguity threshold (config.yml): the other intents are scaled down
# so that an entry's win is never read as an ambiguous parse.
AMBIGUITY_GAP = 0.05


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class KnowledgeSelector(GraphComponent):
    """Replace the intent by `ask_faq` + `faq_key` when a published entry is the better answer."""

    def __init__(
        self,
        model_storage: ModelStorage | None = None,
        resource: Resource | None = None,
        examples: dict[str, list[str]] | None = None,
        factory: sessionmaker | None = None,
        cache: retrieval.KnowledgeCache | None = None,
    ) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.examples = examples or {}
        self.intent_words = words_by_intent(self.examples)
        self.trained_words = set().union(*self.intent_words.values())
        self._words_for: tuple = ()  # the staff vocabulary intent_words were made with
        self._factory = factory
        self._cache = cache
        self._retry_at = 0.0

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeSelector:
        """Create an untrained selector (no intent vocabularies yet)."""
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Record each intent's example texts."""
        examples: dict[str, list[str]] = defaultdict(list)
        for example in training_data.intent_examples:
            if example.get(INTENT) and example.get(TEXT):
                examples[str(example.get(INTENT))].append(str(example.get(TEXT)))
        self.examples = dict(examples)
        self.intent_words = words_by_intent(self.examples)
        self.trained_words = set().union(*self.intent_words.values())
        self._words_for = ()
        self.persist()
        assert self._resource is not None
        return self._resource

    def persist(self) -> None:
        """Write the example texts (JSON) to the model storage."""
        if self._model_storage is None or self._resource is None:
            return
        with self._model_storage.write_to(self._resource) as directory:
            (directory / EXAMPLES_FILE).write_text(json.dumps(self.examples), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> KnowledgeSelector:
        """Load the example texts (none when the component was never trained)."""
        try:
            with model_storage.read_from(resource) as directory:
                stored = json.loads((directory / EXAMPLES_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            logger.warning("No intent examples stored: intents get no novelty discount.")
            return cls(model_storage, resource)
        return cls(model_storage, resource, {str(k): list(v) for k, v in stored.items()})

    def process(self, messages: list[Message]) -> list[Message]:
        """Decide each message's answer source."""
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            if not text.strip() or not intent.get("name"):
                continue
            index = self._index()
            if index is None:
                continue
            chosen = self._select(index, text, str(intent["name"]), message)
            message.set(selection.PARSE_KEY, chosen.as_dict(), add_to_output=True)
            if chosen.winner == "knowledge":
                _answer_from_entry(message, chosen)
            elif chosen.winner == "unsure":
                _leave_to_fallback(message)
        return messages

    def _select(
        self, index: FaqIndex, text: str, intent: str, message: Message
    ) -> selection.Selection:
        matches = index.search(text, limit=CANDIDATES)
        ranking = [
            (str(item.get("name")), float(item.get("confidence") or 0.0))
            for item in message.get(INTENT_RANKING_KEY) or []
        ]
        novelty, fresh, coverage = 0.0, 0.0, 1.0
        words = index.words(text)
        intent_words = self._intent_words(index)
        if matches and intent in intent_words:
            entry_words = index.question_words(matches[0].key)
            novelty = selection.message_novelty(
                words, entry_words, intent_words[intent], index.weight
            )
            fresh = selection.message_novelty(words, entry_words, self.trained_words, index.weight)
        if matches:
            matched = index.words(matches[0].matched)
            coverage = selection.question_coverage(set(words), matched, index.weight)
        confidence = float((message.get(INTENT) or {}).get("confidence") or 0.0)
        return selection.select(
            intent,
            confidence,
            matches,
            in_scope=selection.in_scope_probability(ranking),
            novelty=novelty,
            fresh=fresh,
            coverage=coverage,
        )

    def _intent_words(self, index: FaqIndex) -> dict[str, set[str]]:
        """Each intent's words as this index reads them (staff terms rewritten, as in messages)."""
        terms = index.staff_vocabulary.terms
        if terms != self._words_for:
            self.intent_words = words_by_intent(self.examples, index.words)
            self.trained_words = set().union(*self.intent_words.values())
            self._words_for = terms
        return self.intent_words

    def _index(self) -> FaqIndex | None:
        if time.monotonic() < self._retry_at:
            return None
        today = datetime.now(OFFICE_ZONE).date()
        try:
            if self._factory is None:
                from bot.db.engine import process_session_factory

                self._factory = process_session_factory()
            with self._factory.begin() as session:
                cache = self._cache or retrieval.cache_for(session)
                return cache.index(session=session, today=today)
        except Exception as exc:  # noqa: BLE001 - any failure: the classifier's intent stands
            self._retry_at = time.monotonic() + RETRY_SECONDS
            logger.warning(
                "Knowledge base not readable (%s); intents stand for %.0f s.",
                exc.__class__.__name__,
                RETRY_SECONDS,
            )
            return None


def words_by_intent(
    examples: dict[str, list[str]], tokenize: Callable[[str], list[str]] = tokens
) -> dict[str, set[str]]:
    """Each intent's words, as the knowledge base tokenises its example texts today."""
    return {name: {w for text in texts for w in tokenize(text)} for name, texts in examples.items()}


def _leave_to_fallback(message: Message) -> None:
    """Scale the intents below the fallback threshold: the citizen is offered both as buttons."""
    intent = message.get(INTENT) or {}
    confidence = float(intent.get("confidence") or 0.0)
    target = selection.FALLBACK_THRESHOLD - AMBIGUITY_GAP
    if confidence <= target:
        return
    scale = target / confidence
    ranking = [
        {**item, "confidence": float(item["confidence"]) * scale}
        for item in message.get(INTENT_RANKING_KEY) or []
    ]
    message.set(INTENT, {**intent, "confidence": target}, add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def _answer_from_entry(message: Message, chosen: selection.Selection) -> None:
    """Make the message an `ask_faq` question for the chosen entry."""
    probability = float(chosen.probability or 0.0)
    others = [
        item
        for item in message.get(INTENT_RANKING_KEY) or []
        if item.get("name") != selection.KNOWLEDGE_INTENT
    ]
    highest = max((float(item["confidence"]) for item in others), default=0.0)
    scale = 1.0 - probability
    if highest * scale > probability - AMBIGUITY_GAP:
        scale = max(0.0, probability - 2 * AMBIGUITY_GAP) / highest
    ranking = [
        {"name": item["name"], "confidence": float(item["confidence"]) * scale} for item in others
    ]
    top = {"name": selection.KNOWLEDGE_INTENT, "confidence": probability}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
