"""Shared pieces of the custom actions: injectable context, slot/entity resolution, formatting."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, time, timezone
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import sessionmaker

from actions.language import Labels
from bot.db.engine import process_session_factory, run_db
from bot.schedule import dates, queries
from bot.schedule.views import HoursView, OfficeView, QuotaReleaseView, ServiceView

T = TypeVar("T")

MAIN_OFFICE_KEY = "pontianak"
# Words that name "an immigration office" without saying which one ("kantor imigrasi buka?").
GENERIC_OFFICE_WORDS = frozenset(
    {"kantor", "kanim", "imigrasi", "imigrasinya", "kantornya", "the", "immigration", "office"}
)

# NLU `service` entity values -> service keys in the schedule database.
SERVICE_KEYS: dict[str, tuple[str, ...]] = {
    "paspor-biasa": ("paspor-biasa-5", "paspor-biasa-10"),
    "e-paspor": ("e-paspor-5", "e-paspor-10"),
    "percepatan": ("percepatan",),
    "baru": ("baru",),
    "penggantian": ("penggantian",),
    "anak": ("anak",),
    "hilang": ("hilang",),
    "rusak": ("rusak",),
}

# Cases with their own requirements; a product or add-on falls back to a new passport.
REQUIREMENT_CASES = ("baru", "penggantian", "anak", "hilang", "rusak")
PENALTY_CASES = ("hilang", "rusak")


def utc_now() -> datetime:
    """Return the current time as an aware UTC datetime (the production clock)."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class ActionContext:
    """What an action needs from the outside world; tests pass their own factory and clock.

    `factory=None` uses the action server's factory, built once from DATABASE_URL.
    """

    factory: sessionmaker | None = None
    clock: Callable[[], datetime] = utc_now

    async def db(self, fn: Callable[..., T], **kwargs: Any) -> T:
        """Run one query function in a worker thread, in its own short transaction."""
        return await run_db(fn, factory=self.factory or process_session_factory(), **kwargs)

    def now(self) -> datetime:
        """Return the current aware time from the injected clock."""
        return self.clock()


@dataclass(frozen=True)
class OfficeChoice:
    """The office the citizen means: `requested` is what they wrote (entity or slot)."""

    requested: str | None
    office: OfficeView | None

    @property
    def unknown(self) -> bool:
        return self.requested is not None and self.office is None


class PassportAction(Action, ABC):
    """Abstract base of our actions: holds the context; rasa-sdk skips abstract classes."""

    topic: ClassVar[str | None] = None

    def __init__(self, context: ActionContext | None = None) -> None:
        self.context = context or ActionContext()

    @abstractmethod
    def name(self) -> str:
        """Return the action name registered in domain.yml."""

    @abstractmethod
    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Answer the citizen and return the events to apply."""

    async def resolve_office(self, tracker: Tracker) -> OfficeChoice:
        """Find the office named in the latest message, else in the `office` slot."""
        requested = latest_entity(tracker, "office") or tracker.get_slot("office")
        if not requested or is_generic_office(str(requested)):
            return OfficeChoice(None, None)
        office = await self.context.db(queries.find_office, text=str(requested))
        return OfficeChoice(str(requested), office)

    async def utter_unknown_office(self, dispatcher: CollectingDispatcher) -> list[EventType]:
        """Say that the office is unknown, list the known ones, and clear the `office` slot."""
        offices = await self.context.db(queries.list_offices)
        if offices:
            dispatcher.utter_message(
                response="utter_office_unknown", offices=bullets(o.name for o in offices)
            )
        else:
            dispatcher.utter_message(response="utter_data_missing")
        return [SlotSet("office", None), SlotSet("last_topic", self.topic)]

    async def utter_if_not_offered(
        self,
        dispatcher: CollectingDispatcher,
        office: OfficeView,
        service: ServiceView,
        labels: Labels,
    ) -> None:
        """Tell the citizen when the office does not offer the service, and which ones do."""
        if not office.service_keys or service.key in office.service_keys:
            return
        offices = await self.context.db(queries.list_offices)
        others = [o.name for o in offices if service.key in o.service_keys]
        dispatcher.utter_message(
            response="utter_service_not_at_office",
            office_name=office.name,
            service_name=labels.service(service),
            offices=bullets(others),
        )

    def topic_events(
        self, office: OfficeView | None = None, service: str | None = None
    ) -> list[EventType]:
        """Slot events for what the action resolved, then `last_topic`, in a fixed order."""
        events: list[EventType] = []
        if office is not None:
            events.append(SlotSet("office", office.key))
        if service is not None:
            events.append(SlotSet("service", service))
        events.append(SlotSet("last_topic", self.topic))
        return events


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """Return the first value of `entity` in the latest message, if any."""
    value = next(tracker.get_latest_entity_values(entity), None)
    return str(value) if value else None


def is_generic_office(text: str) -> bool:
    """Return True when the text names no particular office ("kantor imigrasi", "kanim")."""
    return all(word in GENERIC_OFFICE_WORDS for word in text.lower().split())


def requested_service(tracker: Tracker) -> str | None:
    """Return the NLU service value from the latest message, else from the `service` slot."""
    value = latest_entity(tracker, "service") or tracker.get_slot("service")
    return str(value) if value else None


def requested_range(tracker: Tracker, now: datetime) -> dates.DateRange | None:
    """Parse the `date` entity, else the whole latest message, into a date range."""
    span = latest_entity(tracker, "date")
    if span:
        parsed = dates.parse_date_expression(span, now=now)
        if parsed is not None:
            return parsed
    text = tracker.latest_message.get("text") or ""
    return dates.parse_date_expression(text, now=now) if text else None


def service_keys(value: str | None) -> tuple[str, ...]:
    """Map an NLU service value (or a database key) to database service keys."""
    if not value:
        return ()
    return SERVICE_KEYS.get(value, (value,))


def bullets(lines: Iterable[str]) -> str:
    """Format lines as a chat list, one bullet per line."""
    return "\n".join(f"• {line}" for line in lines)


def rupiah(amount: int) -> str:
    """Format an amount as Indonesian rupiah: Rp1.000.000."""
    return f"Rp{amount:,}".replace(",", ".")


def clock_time(value: time) -> str:
    """Format a time of day the Indonesian way: 08.00."""
    return value.strftime("%H.%M")


def tz_label(tz: str) -> str:
    """Return the Indonesian zone abbreviation (WIB, WITA, WIT), else the zone name."""
    return dates.TZ_ABBREVIATIONS.get(tz, tz)


def hours_text(
    opens: time,
    closes: time | None,
    tz: str,
    labels: Labels,
    break_start: time | None = None,
    break_end: time | None = None,
) -> str:
    """Format opening hours: "08.00–16.00 WIB (istirahat 12.00–13.00)"."""
    text = clock_time(opens)
    if closes is not None:
        text += f"–{clock_time(closes)}"
    text += f" {tz_label(tz)}"
    if break_start is not None and break_end is not None:
        text += f" ({labels.word('break')} {clock_time(break_start)}–{clock_time(break_end)})"
    return text


def week_lines(week: list[HoursView], tz: str, labels: Labels) -> list[str]:
    """Group weekdays with the same hours: "Senin–Kamis: 08.00–16.00 WIB (...)"."""
    by_day = {h.weekday: h for h in week if h.opens is not None and h.closes is not None}
    groups: list[tuple[int, int, str]] = []
    for weekday in range(7):
        hours = by_day.get(weekday)
        if hours is None or hours.opens is None:
            text = labels.word("closed")
        else:
            text = hours_text(
                hours.opens, hours.closes, tz, labels, hours.break_start, hours.break_end
            )
        if groups and groups[-1][2] == text:
            groups[-1] = (groups[-1][0], weekday, text)
        else:
            groups.append((weekday, weekday, text))
    lines: list[str] = []
    for first, last, text in groups:
        days = (
            labels.day_name(first)
            if first == last
            else f"{labels.day_name(first)}–{labels.day_name(last)}"
        )
        lines.append(f"{days}: {text}")
    return lines


def local_time_label(moment: datetime, tz: str) -> str:
    """Format the time of day of an aware datetime in the office's zone: "16.00 WIB"."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{clock_time(local.time())} {tz_label(tz)}"


def release_line(release: QuotaReleaseView, tz: str, labels: Labels, *, with_office: bool) -> str:
    """Format one quota release (times, slots and channel come from the database)."""
    text = labels.moment(release.opens_at, tz)
    if release.slots:
        text += f" — {release.slots} {labels.word('slots')}"
    text += f" ({release.booking_channel})"
    if release.service_name:
        text = f"{labels.service_name(release.service_key, release.service_name)}: {text}"
    if with_office:
        text = f"{release.office_name}: {text}"
    if release.note:
        text += f"\n  {release.note}"
    return text


def requirement_text(service: ServiceView) -> str:
    """Format a service's description, requirement lines and notes (all from the database)."""
    parts = [service.description, bullets(service.requirements), service.notes or ""]
    return "\n\n".join(part for part in parts if part)


def fee_line(service: ServiceView, labels: Labels) -> str:
    """Format one service's name and fee (both from the database)."""
    if service.fee is None:
        return labels.service(service)
    return f"{labels.service(service)}: {rupiah(service.fee)}"
