"""Let a published knowledge-base entry answer a message when it fits better than the intent.

Runs after the intent classifier and before the FallbackClassifier. For each message it ranks
the published entries (the same in-process index the FAQ action uses, rebuilt within seconds of
a staff edit, no retraining) and asks `bot.knowledge.selection.select` which answer is the more
probable one. When the entry wins, the intent becomes `ask_faq` with the entry's key as the
`faq_key` entity, so the FAQ action answers with exactly that entry. Either way the decision is
kept in the parse data as `answer_selection`, for staff and for the evaluation.

The knowledge base lives in the database of DATABASE_URL. When it cannot be read the message
keeps the classifier's intent (logged); the FAQ action still searches when it is reached.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot.knowledge import retrieval, selection
from bot.knowledge.views import Match

logger = logging.getLogger(__name__)

OUTPUT_KEY = "answer_selection"
OFFICE_ZONE = ZoneInfo("Asia/Jakarta")
CANDIDATES = 2  # the best entry and its runner-up (for the lead)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class KnowledgeSelector(GraphComponent):
    """Replace the intent by `ask_faq` + `faq_key` when a published entry is the better answer."""

    def __init__(self, factory: sessionmaker | None = None) -> None:
        self._factory = factory

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeSelector:
        """Create the component; the database is opened on the first message."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Decide each message's answer source."""
        for message in messages:
            text = message.get(TEXT) or ""
            intent = message.get(INTENT) or {}
            if not text.strip() or not intent.get("name"):
                continue
            matches = self._matches(text)
            if matches is None:
                continue
            ranking = [
                (str(item.get("name")), float(item.get("confidence") or 0.0))
                for item in message.get(INTENT_RANKING_KEY) or []
            ]
            chosen = selection.select(
                str(intent["name"]),
                float(intent.get("confidence") or 0.0),
                matches,
                in_scope=selection.in_scope_probability(ranking),
            )
            message.set(OUTPUT_KEY, chosen.as_dict(), add_to_output=True)
            if chosen.winner == "knowledge":
                _answer_from_entry(message, chosen)
        return messages

    def _matches(self, text: str) -> list[Match] | None:
        today = datetime.now(OFFICE_ZONE).date()
        try:
            if self._factory is None:
                from bot.db.engine import process_session_factory

                self._factory = process_session_factory()
            with self._factory.begin() as session:
                return retrieval.search(session=session, query=text, today=today, limit=CANDIDATES)
        except SQLAlchemyError as exc:
            logger.warning("Knowledge base not readable, the intent stands: %s", exc)
            return None


def _answer_from_entry(message: Message, chosen: selection.Selection) -> None:
    """Make the message an `ask_faq` question for the chosen entry."""
    probability = float(chosen.probability or 0.0)
    ranking = [
        {"name": item["name"], "confidence": float(item["confidence"]) * (1.0 - probability)}
        for item in message.get(INTENT_RANKING_KEY) or []
        if item.get("name") != selection.KNOWLEDGE_INTENT
    ]
    top = {"name": selection.KNOWLEDGE_INTENT, "confidence": probability}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top, *ranking], add_to_output=True)
    entities = [
        e for e in message.get(ENTITIES) or [] if e.get("entity") != selection.KNOWLEDGE_ENTITY
    ]
    entities.append(
        {
            "entity": selection.KNOWLEDGE_ENTITY,
            "value": chosen.key,
            "start": 0,
            "end": len(message.get(TEXT) or ""),
            "confidence_entity": probability,
            "extractor": KnowledgeSelector.__name__,
        }
    )
    message.set(ENTITIES, entities, add_to_output=True)
