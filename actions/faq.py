"""FAQ answers from the knowledge base staff keep current (fallback and FAQ-type questions)."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import ActionContext, PassportAction, latest_entity
from actions.language import reply_language
from bot.i18n.detection import ENGLISH
from bot.knowledge import retrieval, store, translations
from bot.knowledge.models import Delivery
from bot.knowledge.retrieval import KnowledgeCache
from bot.knowledge.selection import PARSE_KEY
from bot.knowledge.views import Match

# Fitted on the question-field score (docs/faq_eval.md, "Thresholds"): no off-topic or
# near-domain unanswerable question reaches ANSWER_THRESHOLD (highest 0.43 / 0.50).
ANSWER_THRESHOLD = 0.55  # best score needed to answer directly (see docs/faq_eval.md)
SUGGEST_THRESHOLD = 0.35  # candidates at or above this are offered as buttons
CLEAR_MARGIN = 0.08  # the best must lead the runner-up by this much to answer without asking
MAX_SUGGESTIONS = 3
BUTTON_TITLE_LENGTH = 60
FAQ_INTENT = "ask_faq"
# Questions the classifier calls out of scope may still be on a topic staff have added since the
# model was trained: answer them from the knowledge base only on a clear match.
OUT_OF_SCOPE_INTENT = "out_of_scope"
FAQ_ENTITY = "faq_key"
FALLBACK_INTENT = "nlu_fallback"
OFFICE_ZONE = ZoneInfo("Asia/Jakarta")

# Two-stage fallback. The first time a message falls under the NLU threshold the citizen gets
# the likely intents (and close FAQ entries) as buttons, or is asked to rephrase; a second miss
# in a row gives up honestly with a person or a complaint on offer.
# Curated intents the fallback may offer, with the title of their button.
SUGGESTIBLE_INTENTS = {
    "ask_quota": "Jadwal kuota paspor (M-Paspor)",
    "ask_office_hours": "Jam buka kantor",
    "ask_office_location": "Alamat kantor imigrasi",
    "ask_fees": "Biaya paspor",
    "ask_requirements": "Syarat membuat paspor",
    "ask_process": "Alur dan lama pembuatan paspor",
    "report_lost_damaged": "Paspor hilang atau rusak",
    "complaint": "Menyampaikan pengaduan",
}
# The same buttons in English (every key of SUGGESTIBLE_INTENTS).
SUGGESTIBLE_INTENTS_EN = {
    "ask_quota": "Passport quota dates (M-Paspor)",
    "ask_office_hours": "Office opening hours",
    "ask_office_location": "Immigration office address",
    "ask_fees": "Passport fees",
    "ask_requirements": "Passport requirements",
    "ask_process": "How to apply and how long it takes",
    "report_lost_damaged": "Lost or damaged passport",
    "complaint": "Make a complaint",
}
INTENT_SUGGEST_THRESHOLD = 0.15  # from the sweep in docs/nlu_eval.md, "Fallback suggestions"
MAX_INTENT_SUGGESTIONS = 2
CARRIED_ENTITIES = ("office", "service", "date")  # kept in the button so nothing is asked again
# Responses that mean "the first stage has been tried" when they answered the previous message.
FIRST_STAGE_RESPONSES = {"utter_faq_suggestions", "utter_ask_rephrase"}
HUMAN_BUTTON = {"title": "Bukan, bicara dengan petugas", "payload": "/request_human"}
HUMAN_BUTTON_EN = {"title": "None of these, talk to an officer", "payload": "/request_human"}


def faq_payload(key: str) -> str:
    """Return the button payload that asks for one entry directly."""
    return f"/{FAQ_INTENT}{json.dumps({FAQ_ENTITY: key})}"


def button_title(question: str) -> str:
    """Shorten a question for a button, keeping whole words."""
    if len(question) <= BUTTON_TITLE_LENGTH:
        return question
    return question[: BUTTON_TITLE_LENGTH - 1].rsplit(" ", 1)[0] + "…"


def likely_intents(
    ranking: list[dict[str, Any]], threshold: float = INTENT_SUGGEST_THRESHOLD
) -> list[str]:
    """Return the curated intents worth offering from an intent ranking, most likely first."""
    likely = [
        str(item["name"])
        for item in ranking
        if item.get("name") in SUGGESTIBLE_INTENTS
        and float(item.get("confidence") or 0.0) >= threshold
    ]
    return likely[:MAX_INTENT_SUGGESTIONS]


def intent_payload(intent: str, entities: list[dict[str, Any]]) -> str:
    """Return a button payload for `intent` carrying the message's office/service/date."""
    carried: dict[str, str] = {}
    for item in entities:
        name = item.get("entity")
        if name in CARRIED_ENTITIES and name not in carried and item.get("value"):
            carried[str(name)] = str(item["value"])
    return f"/{intent}{json.dumps(carried)}" if carried else f"/{intent}"


# Events that start a conversation afresh: what came before them is not "in a row".
FRESH_START_EVENTS = {"session_started", "restart"}


def first_stage_tried(events: list[dict[str, Any]]) -> bool:
    """Return True when the reply to the previous user message was a first-stage fallback.

    Any offer of buttons counts (also FAQ suggestions for an `ask_faq` question): an unclear
    message right after them is the second miss. A new session or a restart starts afresh.
    """
    users_seen = 0
    for event in reversed(events):
        if event.get("event") in FRESH_START_EVENTS:
            return False
        if event.get("event") == "user":
            users_seen += 1
            if users_seen == 2:
                return False
        elif event.get("event") == "bot" and users_seen == 1:
            if (event.get("metadata") or {}).get("utter_action") in FIRST_STAGE_RESPONSES:
                return True
    return False


def is_clear(matches: list[Match]) -> bool:
    """Return True when the best match is good enough and not too close to the runner-up."""
    if not matches or matches[0].score < ANSWER_THRESHOLD:
        return False
    return len(matches) == 1 or matches[0].score - matches[1].score >= CLEAR_MARGIN


def send_answer(dispatcher: CollectingDispatcher, match: Match) -> None:
    """Send an entry's answer the way staff chose for it.

    `parts`: the whole answer as one message; the inbox splits it into as many messages as the
    channel needs, at paragraphs and sentences. `summary`: staff's summary and the link to the
    official source (utter_faq_summary); an entry lacking either is answered in full.
    """
    if match.delivery == Delivery.SUMMARY.value and match.summary and match.source_url:
        dispatcher.utter_message(
            response="utter_faq_summary", summary=match.summary, source=match.source_url
        )
    else:
        dispatcher.utter_message(text=match.answer)


def send_localised(
    dispatcher: CollectingDispatcher, answer: translations.LocalisedMatch, language: str
) -> None:
    """Send an answer; an English reader is told first when it exists only in Indonesian."""
    if language == ENGLISH and answer.language != ENGLISH:
        dispatcher.utter_message(response="utter_faq_only_indonesian")
    send_answer(dispatcher, answer.match)


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
        language = reply_language(tracker)
        # Parsed by the NLU (not a button payload): the answer-selection step left its verdict,
        # which names the entry when one won; a button names it as the faq_key entity.
        verdict = tracker.latest_message.get(PARSE_KEY)
        decided = verdict is not None
        chosen_key = (
            verdict.get("key") if decided and verdict.get("winner") == "knowledge" else None
        )
        key = chosen_key or latest_entity(tracker, FAQ_ENTITY)
        if key:
            chosen = await self.context.db(
                translations.answer_in_language, key=key, language=language, today=today
            )
            if chosen is not None:
                send_localised(dispatcher, chosen, language)
                return []
            if not decided:  # a button for an entry withdrawn since it was offered
                dispatcher.utter_message(response="utter_faq_no_answer")
                return []
            # withdrawn in the seconds since the message was parsed: search what is published
        text = (tracker.latest_message.get("text") or "").strip()
        matches = await self.context.db(
            retrieval.search, query=text, today=today, limit=MAX_SUGGESTIONS, cache=self.cache
        )
        # The answer-selection step (bot.knowledge.selection) already gave every clear, likely
        # entry its faq_key; without its verdict (the knowledge base was unreadable at parse
        # time) the action decides by the score alone.
        if not decided and is_clear(matches):
            best_entry = await self.context.db(
                translations.answer_in_language, key=matches[0].key, language=language, today=today
            )
            if best_entry is not None:
                send_localised(dispatcher, best_entry, language)
                return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == OUT_OF_SCOPE_INTENT:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        second_miss = intent == FALLBACK_INTENT and first_stage_tried(tracker.events)
        offered = verdict.get("key") if decided and verdict.get("winner") == "unsure" else None
        if offered and offered not in {m.key for m in matches}:
            unsure = await self.context.db(retrieval.published_match, key=offered, today=today)
            matches = [unsure, *matches] if unsure else matches
        questions: dict[str, str] = {}
        if language == ENGLISH and not second_miss and matches:
            questions = await self.context.db(
                translations.questions_in_language,
                keys=[m.key for m in matches],
                language=language,
                today=today,
            )
        buttons = (
            []
            if second_miss
            else self.suggestions(tracker, matches, intent, language, questions, offered)
        )
        if buttons:
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
        if intent == FALLBACK_INTENT and not second_miss:
            dispatcher.utter_message(response="utter_ask_rephrase")
        else:
            dispatcher.utter_message(response="utter_faq_no_answer")
        return []

    @staticmethod
    def suggestions(
        tracker: Tracker,
        matches: list[Match],
        intent: str | None,
        language: str,
        questions: dict[str, str] | None = None,
        offered: str | None = None,
    ) -> list[dict]:
        """Return buttons for the likely curated intents first, then close FAQ entries.

        `questions` replaces an entry's question in its button (its English counterpart's).
        `offered` is an entry the answer selection could not rule out (`unsure`): offered
        whatever its score.
        """
        english = language == ENGLISH
        titles = SUGGESTIBLE_INTENTS_EN if english else SUGGESTIBLE_INTENTS
        buttons = []
        if intent == FALLBACK_INTENT:
            entities = tracker.latest_message.get("entities") or []
            for name in likely_intents(tracker.latest_message.get("intent_ranking") or []):
                buttons.append({"title": titles[name], "payload": intent_payload(name, entities)})
        buttons += [
            {
                "title": button_title((questions or {}).get(m.key, m.question)),
                "payload": faq_payload(m.key),
            }
            for m in matches
            if m.score >= SUGGEST_THRESHOLD or m.key == offered
        ]
        return buttons + [HUMAN_BUTTON_EN if english else HUMAN_BUTTON] if buttons else []
