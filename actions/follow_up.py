"""A message with only an office, service or date: answer the previous topic again with it."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import PassportAction
from actions.fees import ActionServiceFees
from actions.office_hours import ActionOfficeHours
from actions.office_location import ActionOfficeLocation
from actions.quota import ActionQuotaInfo
from actions.requirements import ActionServiceRequirements

TOPIC_ACTIONS: dict[str, type[PassportAction]] = {
    "quota": ActionQuotaInfo,
    "hours": ActionOfficeHours,
    "location": ActionOfficeLocation,
    "fees": ActionServiceFees,
    "requirements": ActionServiceRequirements,
}


class ActionFollowUp(PassportAction):
    def name(self) -> str:
        return "action_follow_up"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Re-run the action of `last_topic` with the new entities, or ask what is wanted."""
        topic = tracker.get_slot("last_topic")
        action_class = TOPIC_ACTIONS.get(str(topic)) if topic else None
        if action_class is None:
            dispatcher.utter_message(response="utter_follow_up_unknown")
            return []
        return await action_class(self.context).run(dispatcher, tracker, domain)
