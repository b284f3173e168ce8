"""What to bring: requirements for a new passport, a child, a replacement, a lost/damaged one."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    REQUIREMENT_CASES,
    PassportAction,
    requested_service,
    requirement_text,
)
from actions.language import labels_for
from bot.schedule import queries

DEFAULT_CASE = "baru"


class ActionServiceRequirements(PassportAction):
    topic = "requirements"

    def name(self) -> str:
        return "action_service_requirements"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """List the documents for the case asked about (a new passport by default)."""
        service = requested_service(tracker)
        labels = labels_for(tracker)
        case_key = service if service in REQUIREMENT_CASES else DEFAULT_CASE
        choice = await self.resolve_office(tracker)
        if choice.unknown:
            return await self.utter_unknown_office(dispatcher)
        case = await self.context.db(queries.get_service, key=case_key)
        if case is None or not case.requirements:
            dispatcher.utter_message(response="utter_data_missing")
            return self.topic_events(choice.office, service)
        if choice.office is not None:
            await self.utter_if_not_offered(dispatcher, choice.office, case, labels)
        dispatcher.utter_message(
            response="utter_requirements",
            service_name=labels.service(case),
            requirements=requirement_text(case),
        )
        return self.topic_events(choice.office, service)
