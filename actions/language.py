"""The language of the replies: the `language` slot, and the words actions put into responses.

After every user message Rasa runs `action_detect_language` (the custom mapping of the
`language` and `chosen_language` slots in domain.yml). The rule:

1. The contact chose English (`/bahasa en`, Telegram's language button, the web chat's
   `language: "en"`; the gateway sends it as message metadata): English, whatever the message's
   language, until the citizen chooses again. A contact's language is Indonesian unless chosen,
   so "id" from the gateway is no explicit choice.
2. Otherwise the message's own words decide (`bot.i18n.detection`).
3. An undecided message ("ok", "hi", a button) keeps the previous language; right after the
   contact switched from English back to Indonesian, it is Indonesian.

Responses pick their English variation from the slot. Actions format what they add to a
response (dates, hours, service names, a few words) with the `Labels` of the slot's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.i18n import english
from bot.i18n.detection import ENGLISH, INDONESIAN, detect_language
from bot.schedule import dates
from bot.schedule.dates import DateRange
from bot.schedule.views import ServiceView

LANGUAGE_SLOT = "language"
CHOSEN_SLOT = "chosen_language"
LANGUAGES = (INDONESIAN, ENGLISH)

# Words the actions put between database values, per language.
WORDS: dict[str, dict[str, str]] = {
    INDONESIAN: {"closed": "tutup", "break": "istirahat", "slots": "kuota", "and": "dan"},
    ENGLISH: {"closed": "closed", "break": "break", "slots": "slots", "and": "and"},
}


def choose_language(
    *, chosen: str | None, previous_chosen: str | None, detected: str | None, previous: str | None
) -> str:
    """Return the reply language for one message (the rule in the module docstring)."""
    if chosen == ENGLISH:
        return ENGLISH
    if detected is not None:
        return detected
    if chosen == INDONESIAN and previous_chosen == ENGLISH:
        return INDONESIAN
    return previous if previous in LANGUAGES else INDONESIAN


def _known(value: Any) -> str | None:
    return value if value in LANGUAGES else None


class ActionDetectLanguage(Action):
    def name(self) -> str:
        return "action_detect_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Set the `language` slot for the latest message (and remember the contact's choice)."""
        message = tracker.latest_message or {}
        chosen = _known((message.get("metadata") or {}).get("language"))
        previous_chosen = _known(tracker.get_slot(CHOSEN_SLOT))
        previous = _known(tracker.get_slot(LANGUAGE_SLOT))
        language = choose_language(
            chosen=chosen,
            previous_chosen=previous_chosen,
            detected=detect_language(message.get("text") or ""),
            previous=previous,
        )
        events: list[EventType] = []
        if language != previous:
            events.append(SlotSet(LANGUAGE_SLOT, language))
        if chosen is not None and chosen != previous_chosen:
            events.append(SlotSet(CHOSEN_SLOT, chosen))
        return events


@dataclass(frozen=True)
class Labels:
    """Formats what an action adds to a response, in one language."""

    language: str

    @property
    def english(self) -> bool:
        return self.language == ENGLISH

    def word(self, name: str) -> str:
        """Return one of the fixed words in WORDS."""
        return WORDS[self.language][name]

    def day_name(self, weekday: int) -> str:
        return english.DAY_NAMES[weekday] if self.english else dates.DAY_NAMES[weekday]

    def date_text(self, day: date) -> str:
        """Format a date: "Jumat, 25 Desember 2026" / "Friday, 25 December 2026"."""
        return english.format_date(day) if self.english else dates.format_date_id(day)

    def moment(self, moment: datetime, tz: str) -> str:
        """Format an aware datetime in the office's zone, with the day and time."""
        if self.english:
            return english.format_datetime(moment, tz)
        return dates.format_datetime_id(moment, tz)

    def period(self, period: DateRange) -> str:
        """Label a parsed date range (the parser's own label is Indonesian)."""
        return english.format_period(period.start, period.end) if self.english else period.label

    def service(self, service: ServiceView) -> str:
        """Return a service's name (an English label for the known keys)."""
        return self.service_name(service.key, service.name)

    def service_name(self, key: str | None, name: str) -> str:
        """Return the name of the service with this key (the database's name in Indonesian)."""
        return english.service_name(key, name) if self.english and key else name

    def closure_reason(self, day: date, reason: str) -> str:
        """Return why the office is closed on `day`."""
        return english.closure_reason(day, reason) if self.english else reason

    def join(self, names: Iterable[str]) -> str:
        """Join names for a sentence: "A", "A and B", "A, B and C"."""
        items = list(names)
        if len(items) <= 1:
            return "".join(items)
        return f"{', '.join(items[:-1])} {self.word('and')} {items[-1]}"


def reply_language(tracker: Tracker) -> str:
    """Return the language of the replies to the latest message (Indonesian unless set)."""
    return _known(tracker.get_slot(LANGUAGE_SLOT)) or INDONESIAN


def labels_for(tracker: Tracker) -> Labels:
    """Return the labels of the reply language."""
    return Labels(reply_language(tracker))
