"""Is the office open: now, on a given day or over a period, with the weekly hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import (
    MAIN_OFFICE_KEY,
    PassportAction,
    bullets,
    hours_text,
    local_time_label,
    requested_range,
    week_lines,
)
from actions.language import Labels, labels_for
from bot.schedule import queries
from bot.schedule.dates import DateRange
from bot.schedule.views import DayScheduleView, OfficeView

MAX_LISTED_DAYS = 14


class ActionOfficeHours(PassportAction):
    topic = "hours"

    def name(self) -> str:
        return "action_office_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Say whether the office is open (now or on the asked day) and give its weekly hours."""
        now = self.context.now()
        labels = labels_for(tracker)
        choice = await self.resolve_office(tracker)
        if choice.unknown:
            return await self.utter_unknown_office(dispatcher)
        office = choice.office or await self.context.db(queries.get_office, key=MAIN_OFFICE_KEY)
        if office is None:
            dispatcher.utter_message(response="utter_data_missing")
            return self.topic_events()
        period = requested_range(tracker, now)
        today = now.astimezone(ZoneInfo(office.timezone)).date()
        if period is None or period.start == period.end == today:
            await self._now(dispatcher, office, now, labels)
        elif period.start == period.end:
            await self._day(dispatcher, office, period.start, labels)
        else:
            await self._days(dispatcher, office, period, labels)
        await self._week(dispatcher, office, labels, named=choice.office is not None)
        return self.topic_events(choice.office)

    async def _now(
        self, dispatcher: CollectingDispatcher, office: OfficeView, now: datetime, labels: Labels
    ) -> None:
        status = await self.context.db(queries.office_status, office_key=office.key, at=now)
        tz = office.timezone
        if status.is_open:
            dispatcher.utter_message(
                response="utter_office_open_now",
                office_name=office.name,
                closes=local_time_label(status.closes_at, tz) if status.closes_at else "",
            )
        elif status.next_opening is None:
            dispatcher.utter_message(response="utter_data_missing")
        elif status.on_break:
            dispatcher.utter_message(
                response="utter_office_on_break",
                office_name=office.name,
                reopens=local_time_label(status.next_opening, tz),
            )
        elif not status.today.is_open:
            dispatcher.utter_message(
                response="utter_office_closed_today",
                office_name=office.name,
                reason=labels.closure_reason(
                    status.today.day,
                    status.today.closure_reason or labels.date_text(status.today.day),
                ),
                next_opening=labels.moment(status.next_opening, tz),
            )
        else:
            dispatcher.utter_message(
                response="utter_office_closed_now",
                office_name=office.name,
                next_opening=labels.moment(status.next_opening, tz),
            )

    async def _day(
        self, dispatcher: CollectingDispatcher, office: OfficeView, day: date, labels: Labels
    ) -> None:
        schedule = await self.context.db(queries.day_schedule, office_key=office.key, day=day)
        if schedule.is_open and schedule.hours is not None:
            dispatcher.utter_message(
                response="utter_office_open_day",
                office_name=office.name,
                day=labels.date_text(day),
                hours=day_hours(schedule, office.timezone, labels),
            )
            return
        midnight = datetime.combine(day, time.min, tzinfo=ZoneInfo(office.timezone))
        status = await self.context.db(queries.office_status, office_key=office.key, at=midnight)
        if status.next_opening is None:
            dispatcher.utter_message(response="utter_data_missing")
            return
        dispatcher.utter_message(
            response="utter_office_closed_day",
            office_name=office.name,
            day=labels.date_text(day),
            reason=labels.closure_reason(day, schedule.closure_reason or labels.date_text(day)),
            next_opening=labels.moment(status.next_opening, office.timezone),
        )

    async def _days(
        self,
        dispatcher: CollectingDispatcher,
        office: OfficeView,
        period: DateRange,
        labels: Labels,
    ) -> None:
        lines: list[str] = []
        day = period.start
        while day <= period.end and len(lines) < MAX_LISTED_DAYS:
            schedule = await self.context.db(queries.day_schedule, office_key=office.key, day=day)
            lines.append(f"{labels.date_text(day)}: {day_hours(schedule, office.timezone, labels)}")
            day += timedelta(days=1)
        dispatcher.utter_message(
            response="utter_office_days",
            office_name=office.name,
            period=labels.period(period),
            days=bullets(lines),
        )

    async def _week(
        self, dispatcher: CollectingDispatcher, office: OfficeView, labels: Labels, *, named: bool
    ) -> None:
        week = await self.context.db(queries.weekly_hours, office_key=office.key)
        if not week:
            return
        hours = bullets(week_lines(week, office.timezone, labels))
        if not named:
            offices = await self.context.db(queries.list_offices)
            weeks = [await self.context.db(queries.weekly_hours, office_key=o.key) for o in offices]
            if len(offices) > 1 and all(w == week for w in weeks):
                dispatcher.utter_message(
                    response="utter_office_hours_week_all",
                    offices=labels.join(o.name for o in offices),
                    hours=hours,
                )
                return
        dispatcher.utter_message(
            response="utter_office_hours_week", office_name=office.name, hours=hours
        )


def day_hours(schedule: DayScheduleView, tz: str, labels: Labels) -> str:
    """Format one day's hours, or "tutup" with the reason from the database."""
    hours = schedule.hours
    if not schedule.is_open or hours is None or hours.opens is None or hours.closes is None:
        closed = labels.word("closed")
        if not schedule.closure_reason:
            return closed
        return f"{closed} — {labels.closure_reason(schedule.day, schedule.closure_reason)}"
    return hours_text(hours.opens, hours.closes, tz, labels, hours.break_start, hours.break_end)
