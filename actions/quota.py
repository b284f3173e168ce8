"""When does the M-Paspor quota open: next releases per office, service and date range."""

from __future__ import annotations

from datetime import datetime

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    PassportAction,
    bullets,
    release_line,
    requested_range,
    requested_service,
    service_keys,
)
from actions.language import Labels, labels_for
from bot.schedule import queries
from bot.schedule.dates import DateRange
from bot.schedule.views import OfficeView, QuotaReleaseView


class ActionQuotaInfo(PassportAction):
    topic = "quota"

    def name(self) -> str:
        return "action_quota_info"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Tell the citizen when the next passport quota opens, never offering a past one."""
        now = self.context.now()
        labels = labels_for(tracker)
        choice = await self.resolve_office(tracker)
        if choice.unknown:
            return await self.utter_unknown_office(dispatcher)
        period = requested_range(tracker, now)
        service = requested_service(tracker)
        keys = service_keys(service)
        if choice.office is None:
            await self._each_office(dispatcher, now, period, keys, labels)
            return self.topic_events(service=service)
        office = choice.office
        releases = await self._releases(office, now, period, keys, limit=3)
        if releases:
            dispatcher.utter_message(
                response="utter_quota_releases",
                office_name=office.name,
                releases=bullets(
                    release_line(r, office.timezone, labels, with_office=False) for r in releases
                ),
            )
            return self.topic_events(office, service)
        later = await self._releases(office, now, None, keys, limit=1) if period else []
        if later:
            dispatcher.utter_message(
                response="utter_quota_none_in_range",
                office_name=office.name,
                period=labels.period(period) if period else "",
                next_release=release_line(later[0], office.timezone, labels, with_office=False),
            )
        else:
            dispatcher.utter_message(response="utter_quota_none_scheduled", office_name=office.name)
        return self.topic_events(office, service)

    async def _each_office(
        self,
        dispatcher: CollectingDispatcher,
        now: datetime,
        period: DateRange | None,
        keys: tuple[str, ...],
        labels: Labels,
    ) -> None:
        """Give the next release of every office (within the period when one was asked)."""
        offices = await self.context.db(queries.list_offices)
        if not offices:
            dispatcher.utter_message(response="utter_data_missing")
            return
        in_period: list[tuple[datetime, str]] = []
        later: list[tuple[datetime, str]] = []
        for office in offices:
            found = await self._releases(office, now, period, keys, limit=1)
            target = in_period
            if not found and period is not None:
                found, target = await self._releases(office, now, None, keys, limit=1), later
            target.extend(
                (r.opens_at, release_line(r, office.timezone, labels, with_office=True))
                for r in found
            )
        if in_period:
            dispatcher.utter_message(
                response="utter_quota_releases_all",
                releases=bullets(line for _, line in sorted(in_period)),
            )
        elif later and period is not None:
            dispatcher.utter_message(
                response="utter_quota_none_in_range_all",
                period=labels.period(period),
                releases=bullets(line for _, line in sorted(later)),
            )
        else:
            dispatcher.utter_message(response="utter_quota_none_scheduled_all")

    async def _releases(
        self,
        office: OfficeView,
        now: datetime,
        period: DateRange | None,
        keys: tuple[str, ...],
        *,
        limit: int,
    ) -> list[QuotaReleaseView]:
        """Upcoming releases of one office, for the service (or all services), in the period."""
        releases = await self.context.db(
            queries.upcoming_releases,
            now=now,
            office_key=office.key,
            start=period.start if period else None,
            end=period.end if period else None,
            limit=limit + 10 if keys else limit,
        )
        wanted = [
            r
            for r in releases
            if r.opens_at > now and (not keys or r.service_key is None or r.service_key in keys)
        ]
        return wanted[:limit]
