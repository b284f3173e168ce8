"""FAQ answers from the knowledge base staff keep current (fallback and FAQ-type questions)."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import ActionContext, PassportAction, latest_entity
from bot.knowledge import retrieval, store
from bot.knowledge.retrieval import KnowledgeCache
from bot.knowledge.views import Match

ANSWER_THRESHOLD = 0.45  # best score needed to answer directly (see docs/faq_eval.md)
SUGGEST_THRESHOLD = 0.3  # candidates at or above this are offered as buttons
CLEAR_MARGIN = 0.08  # the best must lead the runner-up by this much to answer without asking
MAX_SUGGESTIONS = 3
BUTTON_TITLE_LENGTH = 60
FAQ_INTENT = "ask_faq"
# Questions the classifier calls out of scope may still be on a topic staff have added since the
# model was trained: answer them from the knowledge base only on a clear match.
OUT_OF_SCOPE_INTENT = "out_of_scope"
FAQ_ENTITY = "faq_key"
OFFICE_ZONE = ZoneInfo("Asia/Jakarta")


def faq_payload(key: str) -> str:
    """Return the button payload that asks for one entry directly."""
    return f"/{FAQ_INTENT}{json.dumps({FAQ_ENTITY: key})}"


def button_title(question: str) -> str:
    """Shorten a question for a button, keeping whole words."""
    if len(question) <= BUTTON_TITLE_LENGTH:
        return question
    return question[: BUTTON_TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def is_clear(matches: list[Match]) -> bool:
    """Return True when the best match is good enough and not too close to the runner-up."""
    if not matches or matches[0].score < ANSWER_THRESHOLD:
        return False
    return len(matches) == 1 or matches[0].score - matches[1].score >= CLEAR_MARGIN


class ActionFaqAnswer(PassportAction):
    topic = "faq"

    def __init__(
        self, context: ActionContext | None = None, cache: KnowledgeCache | None = None
    ) -> None:
        super().__init__(context)
        self.cache = cache

    def name(self) -> str:
        return "action_faq_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer from the best FAQ entry, offer close candidates, or say honestly we can't."""
        today = self.context.now().astimezone(OFFICE_ZONE).date()
        key = latest_entity(tracker, FAQ_ENTITY)
        if key:
            chosen = await self.context.db(retrieval.published_match, key=key, today=today)
            if chosen is not None:
                dispatcher.utter_message(text=chosen.answer)
                return []
            dispatcher.utter_message(response="utter_faq_no_answer")
            return []
        text = (tracker.latest_message.get("text") or "").strip()
        matches = await self.context.db(
            retrieval.search, query=text, today=today, limit=MAX_SUGGESTIONS, cache=self.cache
        )
        if is_clear(matches):
            dispatcher.utter_message(text=matches[0].answer)
            return []
        if (tracker.latest_message.get("intent") or {}).get("name") == OUT_OF_SCOPE_INTENT:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        candidates = [m for m in matches if m.score >= SUGGEST_THRESHOLD]
        if candidates:
            buttons = [
                {"title": button_title(m.question), "payload": faq_payload(m.key)}
                for m in candidates
            ]
            dispatcher.utter_message(response="utter_faq_suggestions", buttons=buttons)
            return []
        best = matches[0] if matches else None
        if text:
            await self.context.db(
                store.log_unanswered,
                text=text,
                best_key=best.key if best else None,
                best_score=best.score if best else None,
                now=self.context.now(),
            )
        dispatcher.utter_message(response="utter_faq_no_answer")
        return []
