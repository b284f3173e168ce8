"""action_detect_language and the labels actions format English replies with."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from rasa_sdk.events import SlotSet

from actions.language import ActionDetectLanguage, Labels, choose_language
from bot.schedule import hours
from bot.schedule.dates import DateRange
from bot.schedule.views import ServiceView
from tests.actions.conftest import run_action
from tests.helpers.trackers import make_tracker

EN, ID = "en", "id"


@pytest.mark.parametrize(
    ("chosen", "previous_chosen", "detected", "previous", "expected"),
    [
        (EN, None, ID, ID, EN),  # the explicit English choice wins over an Indonesian message
        (EN, EN, None, EN, EN),
        (ID, None, EN, ID, EN),  # "id" is the default, no choice: the words decide
        (None, None, EN, None, EN),
        (None, None, ID, EN, ID),
        (None, None, None, EN, EN),  # "ok" keeps the previous language
        (None, None, None, None, ID),  # nothing known: Indonesian
        (ID, EN, None, EN, ID),  # just switched back from English: Indonesian
        (ID, ID, None, EN, EN),
    ],
)
def test_choose_language(chosen, previous_chosen, detected, previous, expected) -> None:
    assert (
        choose_language(
            chosen=chosen, previous_chosen=previous_chosen, detected=detected, previous=previous
        )
        == expected
    )


async def test_an_english_message_sets_english() -> None:
    tracker = make_tracker("how much does a passport cost", metadata={"language": "id"})
    events, messages = await run_action(ActionDetectLanguage(), tracker)
    assert events == [SlotSet("language", "en"), SlotSet("chosen_language", "id")]
    assert messages == []


async def test_the_contacts_english_choice_wins_over_an_indonesian_message() -> None:
    tracker = make_tracker("berapa biaya paspor", metadata={"channel": "webchat", "language": "en"})
    events, _ = await run_action(ActionDetectLanguage(), tracker)
    assert events == [SlotSet("language", "en"), SlotSet("chosen_language", "en")]


async def test_an_undecided_message_keeps_the_language_and_sets_nothing() -> None:
    tracker = make_tracker("ok", slots={"language": "en", "chosen_language": "id"})
    events, _ = await run_action(ActionDetectLanguage(), tracker)
    assert events == []


async def test_an_undecided_message_after_switching_back_to_indonesian_is_indonesian() -> None:
    tracker = make_tracker(
        "ok", slots={"language": "en", "chosen_language": "en"}, metadata={"language": "id"}
    )
    events, _ = await run_action(ActionDetectLanguage(), tracker)
    assert events == [SlotSet("language", "id"), SlotSet("chosen_language", "id")]


async def test_an_unknown_language_in_the_metadata_is_ignored() -> None:
    tracker = make_tracker("ok", metadata={"language": "fr"})
    events, _ = await run_action(ActionDetectLanguage(), tracker)
    assert events == [SlotSet("language", "id")]


ENGLISH = Labels(EN)
INDONESIAN = Labels(ID)


def test_dates_and_times_in_english() -> None:
    moment = datetime(2026, 12, 4, 7, 0, tzinfo=timezone.utc)  # 14.00 WIB
    assert ENGLISH.date_text(date(2026, 12, 4)) == "Friday, 4 December 2026"
    assert ENGLISH.moment(moment, "Asia/Jakarta") == "Friday, 4 December 2026 at 14.00 WIB"
    assert INDONESIAN.moment(moment, "Asia/Jakarta") == "Jumat, 4 Desember 2026 pukul 14.00 WIB"


def test_periods_in_english_replace_the_parsers_indonesian_label() -> None:
    week = DateRange(date(2026, 11, 30), date(2026, 12, 6), "minggu depan (30 Nov–6 Des 2026)")
    day = DateRange(date(2026, 12, 3), date(2026, 12, 3), "besok (Kamis, 3 Desember 2026)")
    assert ENGLISH.period(week) == "30 Nov–6 Dec 2026"
    assert ENGLISH.period(day) == "Thursday, 3 December 2026"
    assert INDONESIAN.period(week) == week.label


def test_known_service_names_in_english_and_unknown_ones_as_the_database_has_them() -> None:
    def service(key: str, name: str) -> ServiceView:
        return ServiceView(key, name, "case", "", None, None, ())

    assert ENGLISH.service(service("hilang", "Penggantian paspor hilang")) == (
        "Lost passport replacement"
    )
    assert ENGLISH.service(service("paspor-dinas", "Paspor dinas")) == "Paspor dinas"
    assert INDONESIAN.service(service("hilang", "Penggantian paspor hilang")) == (
        "Penggantian paspor hilang"
    )


def test_derived_closure_reasons_in_english_staff_reasons_as_written() -> None:
    christmas, saturday, wednesday = date(2026, 12, 25), date(2026, 12, 5), date(2026, 12, 2)
    assert ENGLISH.closure_reason(christmas, hours.holiday_name(christmas) or "") == (
        "Christmas Day"
    )
    assert ENGLISH.closure_reason(saturday, hours.no_hours_reason(5)) == "weekend (Saturday)"
    assert ENGLISH.closure_reason(wednesday, "Pemadaman listrik") == "Pemadaman listrik"
    assert INDONESIAN.closure_reason(saturday, hours.no_hours_reason(5)) == (
        hours.no_hours_reason(5)
    )


def test_names_joined_in_each_language() -> None:
    assert ENGLISH.join(["A", "B", "C"]) == "A, B and C"
    assert INDONESIAN.join(["A", "B"]) == "A dan B"
    assert ENGLISH.join(["A"]) == "A"
