"""Lost or damaged passport: requirements, penalty and which offices handle the case."""

from __future__ import annotations

import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    PENALTY_CASES,
    PassportAction,
    bullets,
    latest_entity,
    requested_service,
    requirement_text,
    rupiah,
)
from actions.language import labels_for
from bot.schedule import queries

DEFAULT_CASE = "hilang"
# How citizens describe the two cases when the NLU tags no service ("sobek kena air",
# "ketumpahan kopi", "kecopetan"). Both kinds of word (lost in a flood) leave it to the NLU.
DAMAGE_WORDS = re.compile(
    r"\b(rusak|sobek|robek|basah|kena air|kebanjiran|terbakar|kebakar|hangus|luntur|lecek|"
    r"kusut|ketumpahan|tumpah|tercoret|dicoret|rayap|jamur|berjamur|copot|lepas|damaged|torn)",
    re.IGNORECASE,
)
LOSS_WORDS = re.compile(
    r"\b(hilang|ilang|kehilangan|kecopetan|dicopet|dicuri|kecurian|raib|ketinggalan|"
    r"tertinggal|lost|stolen)",
    re.IGNORECASE,
)


def case_in_text(text: str) -> str | None:
    """Return "rusak" or "hilang" when the message's own words say which, else None."""
    damaged, lost = bool(DAMAGE_WORDS.search(text)), bool(LOSS_WORDS.search(text))
    if damaged != lost:
        return "rusak" if damaged else "hilang"
    return None


def requested_case(tracker: Tracker) -> str:
    """The case asked about: this message's entity, its words, the slot, else a lost one."""
    tagged = latest_entity(tracker, "service")
    if tagged in PENALTY_CASES:
        return str(tagged)
    said = case_in_text(tracker.latest_message.get("text") or "")
    if said:
        return said
    remembered = requested_service(tracker)
    return remembered if remembered in PENALTY_CASES else DEFAULT_CASE


class ActionLostDamagedPassport(PassportAction):
    topic = "requirements"

    def name(self) -> str:
        return "action_lost_damaged_passport"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Explain how to replace a lost (default) or damaged passport and where."""
        case_key = requested_case(tracker)
        labels = labels_for(tracker)
        choice = await self.resolve_office(tracker)
        if choice.unknown:
            return await self.utter_unknown_office(dispatcher)
        case = await self.context.db(queries.get_service, key=case_key)
        if case is None:
            dispatcher.utter_message(response="utter_data_missing")
            return self.topic_events(choice.office, case_key)
        if choice.office is not None:
            await self.utter_if_not_offered(dispatcher, choice.office, case, labels)
        dispatcher.utter_message(
            response="utter_lost_damaged",
            case_name=labels.service(case),
            requirements=requirement_text(case),
        )
        if case.fee is not None:
            dispatcher.utter_message(
                response="utter_lost_damaged_penalty", penalty=rupiah(case.fee)
            )
        offices = await self.context.db(queries.list_offices)
        handling = [o.name for o in offices if case.key in o.service_keys]
        if handling:
            dispatcher.utter_message(
                response="utter_lost_damaged_offices", offices=bullets(handling)
            )
        return self.topic_events(choice.office, case_key)
