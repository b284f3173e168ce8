"""Lost or damaged passport: requirements, penalty and which offices handle the case."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    PENALTY_CASES,
    PassportAction,
    bullets,
    requested_service,
    requirement_text,
    rupiah,
)
from bot.schedule import queries

DEFAULT_CASE = "hilang"


class ActionLostDamagedPassport(PassportAction):
    topic = "requirements"

    def name(self) -> str:
        return "action_lost_damaged_passport"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Explain how to replace a lost (default) or damaged passport and where."""
        asked = requested_service(tracker)
        case_key = asked if asked in PENALTY_CASES else DEFAULT_CASE
        choice = await self.resolve_office(tracker)
        if choice.unknown:
            return await self.utter_unknown_office(dispatcher)
        case = await self.context.db(queries.get_service, key=case_key)
        if case is None:
            dispatcher.utter_message(response="utter_data_missing")
            return self.topic_events(choice.office, case_key)
        if choice.office is not None:
            await self.utter_if_not_offered(dispatcher, choice.office, case)
        dispatcher.utter_message(
            response="utter_lost_damaged",
            case_name=case.name,
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
