"""How much does it cost: passport fees, the express add-on and lost/damaged penalties."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    PENALTY_CASES,
    PassportAction,
    bullets,
    fee_line,
    requested_service,
    rupiah,
    service_keys,
)
from actions.language import labels_for
from bot.schedule import queries

CHILD_VALIDITY_SUFFIX = "-5"  # children under 17 get 5-year passports only


class ActionServiceFees(PassportAction):
    topic = "fees"

    def name(self) -> str:
        return "action_service_fees"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Give the passport fees, or the fee of one product, add-on or lost/damaged case."""
        service = requested_service(tracker)
        labels = labels_for(tracker)
        services = await self.context.db(queries.list_services)
        by_key = {s.key: s for s in services}
        passports = [s for s in services if s.category == "passport" and s.fee is not None]
        passport_fees = bullets(fee_line(s, labels) for s in passports)
        case = by_key.get(service or "")
        wanted = [by_key[k] for k in service_keys(service) if k in by_key and by_key[k].fee]
        if not passports:
            dispatcher.utter_message(response="utter_data_missing")
            return self.topic_events(service=service)
        if service in PENALTY_CASES and case is not None and case.fee is not None:
            dispatcher.utter_message(
                response="utter_fees_penalty",
                case_name=labels.service(case),
                penalty=rupiah(case.fee),
                fees=passport_fees,
            )
        elif service == "percepatan" and case is not None and case.fee is not None:
            dispatcher.utter_message(
                response="utter_fees_addon",
                service_name=labels.service(case),
                fee=rupiah(case.fee),
                fees=passport_fees,
            )
        elif service == "anak":
            child = [s for s in passports if s.key.endswith(CHILD_VALIDITY_SUFFIX)]
            dispatcher.utter_message(
                response="utter_fees_child",
                fees=bullets(fee_line(s, labels) for s in child or passports),
            )
        elif wanted and all(s.category == "passport" for s in wanted):
            dispatcher.utter_message(
                response="utter_fees_list", fees=bullets(fee_line(s, labels) for s in wanted)
            )
        else:
            extras = [s for s in services if s.category != "passport" and s.fee is not None]
            dispatcher.utter_message(
                response="utter_fees_all",
                fees=passport_fees,
                extras=bullets(fee_line(s, labels) for s in extras),
            )
        dispatcher.utter_message(response="utter_fees_payment")
        return self.topic_events(service=service)
