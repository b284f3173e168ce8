"""Where is the office: address and maps link of one office, or of all of them."""

from __future__ import annotations

from urllib.parse import quote_plus

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import PassportAction
from bot.schedule import queries
from bot.schedule.views import OfficeView

MAPS_SEARCH_URL = "https://www.google.com/maps/search/?api=1&query="


class ActionOfficeLocation(PassportAction):
    topic = "location"

    def name(self) -> str:
        return "action_office_location"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Give the address and a maps link of the office asked for, or of every office."""
        choice = await self.resolve_office(tracker)
        if choice.unknown:
            return await self.utter_unknown_office(dispatcher)
        if choice.office is not None:
            office = choice.office
            dispatcher.utter_message(
                response="utter_office_address",
                office_name=office.name,
                address=office_address(office),
                maps_url=maps_link(office),
            )
            return self.topic_events(office)
        offices = await self.context.db(queries.list_offices)
        if not offices:
            dispatcher.utter_message(response="utter_data_missing")
            return self.topic_events()
        blocks = [f"*{o.name}*\n{office_address(o)}\n{maps_link(o)}" for o in offices]
        dispatcher.utter_message(response="utter_office_addresses", offices="\n\n".join(blocks))
        return self.topic_events()


def office_address(office: OfficeView) -> str:
    """Return the address with the city when the address does not already name it."""
    if office.city and office.city.lower() not in office.address.lower():
        return f"{office.address}, {office.city}"
    return office.address


def maps_link(office: OfficeView) -> str:
    """Return the office's maps link, else a maps search for its name and address."""
    return office.maps_url or MAPS_SEARCH_URL + quote_plus(
        f"{office.name}, {office_address(office)}"
    )
