"""action_office_hours: open now, on a given day, over a period, with the weekly hours."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from rasa_sdk.events import SlotSet

from actions.common import ActionContext
from actions.office_hours import ActionOfficeHours
from tests.actions.conftest import run_action
from tests.helpers.trackers import entity, make_tracker

WIB = timezone(timedelta(hours=7))
PONTIANAK = "Kantor Imigrasi Kelas I TPI Pontianak"


def ask(text: str, **entities: str):
    return make_tracker(
        text,
        intent="ask_office_hours",
        entities=[entity(name, value, text) for name, value in entities.items()],
    )


def responses(messages: list[dict]) -> list[str]:
    return [m["response"] for m in messages]


async def test_saturday_is_closed_and_names_the_next_opening(context: ActionContext) -> None:
    events, messages = await run_action(ActionOfficeHours(context), ask("sabtu buka ga"))

    assert events == [SlotSet("last_topic", "hours")]
    assert responses(messages) == ["utter_office_closed_day", "utter_office_hours_week_all"]
    closed = messages[0]
    assert closed["office_name"] == PONTIANAK
    assert closed["day"] == "Sabtu, 5 Desember 2026"
    assert "Sabtu" in closed["reason"]
    assert closed["next_opening"] == "Senin, 7 Desember 2026 pukul 08.00 WIB"
    assert "Singkawang" in messages[1]["offices"]


async def test_christmas_2026_is_a_holiday(context: ActionContext) -> None:
    text = "tanggal 25 desember kantor pontianak buka?"
    tracker = ask(text, office="pontianak", date="tanggal 25 desember")

    events, messages = await run_action(ActionOfficeHours(context), tracker)

    assert events == [SlotSet("office", "pontianak"), SlotSet("last_topic", "hours")]
    assert responses(messages) == ["utter_office_closed_day", "utter_office_hours_week"]
    closed = messages[0]
    assert closed["day"] == "Jumat, 25 Desember 2026"
    assert "Natal" in closed["reason"]
    assert "25 Desember" not in closed["next_opening"]
    assert closed["next_opening"].endswith("pukul 08.00 WIB")


async def test_on_a_holiday_today_it_says_closed_today(context_at) -> None:
    christmas = datetime(2026, 12, 25, 10, 0, tzinfo=WIB)
    tracker = ask("kanim singkawang buka sekarang?", office="singkawang")

    _, messages = await run_action(ActionOfficeHours(context_at(christmas)), tracker)

    assert responses(messages) == ["utter_office_closed_today", "utter_office_hours_week"]
    assert "Natal" in messages[0]["reason"]


async def test_open_now_on_an_ordinary_morning(context: ActionContext) -> None:
    tracker = ask("kantor imigrasi singkawang buka ga?", office="singkawang")

    events, messages = await run_action(ActionOfficeHours(context), tracker)

    assert events == [SlotSet("office", "singkawang"), SlotSet("last_topic", "hours")]
    assert responses(messages) == ["utter_office_open_now", "utter_office_hours_week"]
    assert messages[0]["closes"] == "16.00 WIB"
    assert messages[0]["office_name"] == "Kantor Imigrasi Kelas II TPI Singkawang"


async def test_lunch_break_says_when_service_resumes(context_at) -> None:
    lunch = datetime(2026, 12, 2, 12, 30, tzinfo=WIB)

    _, messages = await run_action(ActionOfficeHours(context_at(lunch)), ask("buka ga?"))

    assert responses(messages)[0] == "utter_office_on_break"
    assert messages[0]["reopens"] == "13.00 WIB"


async def test_evening_is_closed_until_next_morning(context_at) -> None:
    evening = datetime(2026, 12, 2, 20, 0, tzinfo=WIB)

    _, messages = await run_action(ActionOfficeHours(context_at(evening)), ask("masih buka?"))

    assert responses(messages)[0] == "utter_office_closed_now"
    assert messages[0]["next_opening"] == "Kamis, 3 Desember 2026 pukul 08.00 WIB"


async def test_weekly_hours_are_grouped_by_day(context: ActionContext) -> None:
    tracker = ask("jam buka mpp pontianak?", office="mpp-pontianak")

    _, messages = await run_action(ActionOfficeHours(context), tracker)

    week = messages[-1]
    assert week["response"] == "utter_office_hours_week"
    assert week["hours"].splitlines() == [
        "• Senin–Kamis: 08.00–16.00 WIB (istirahat 12.00–13.00)",
        "• Jumat: 08.00–16.30 WIB (istirahat 11.30–13.00)",
        "• Sabtu–Minggu: tutup",
    ]


async def test_a_period_lists_each_day(context: ActionContext) -> None:
    tracker = ask("jadwal buka minggu depan", date="minggu depan")

    _, messages = await run_action(ActionOfficeHours(context), tracker)

    assert responses(messages) == ["utter_office_days", "utter_office_hours_week_all"]
    days = messages[0]["days"].splitlines()
    assert len(days) == 7
    assert days[0] == "• Senin, 7 Desember 2026: 08.00–16.00 WIB (istirahat 12.00–13.00)"
    assert days[5].startswith("• Sabtu, 12 Desember 2026: tutup")


async def test_an_unknown_office_is_not_invented(context: ActionContext) -> None:
    tracker = ask("kanim medan buka?", office="medan")

    events, messages = await run_action(ActionOfficeHours(context), tracker)

    assert events == [SlotSet("office", None), SlotSet("last_topic", "hours")]
    assert responses(messages) == ["utter_office_unknown"]


async def test_an_empty_database_gives_the_data_missing_answer(
    empty_context: ActionContext,
) -> None:
    events, messages = await run_action(ActionOfficeHours(empty_context), ask("buka ga?"))

    assert events == [SlotSet("last_topic", "hours")]
    assert responses(messages) == ["utter_data_missing"]


async def test_a_generic_office_name_means_no_particular_office(context: ActionContext) -> None:
    text = "kantor imigrasi sabtu buka ga"
    tracker = ask(text, office="kantor imigrasi", date="sabtu")

    events, messages = await run_action(ActionOfficeHours(context), tracker)

    assert events == [SlotSet("last_topic", "hours")]
    assert responses(messages) == ["utter_office_closed_day", "utter_office_hours_week_all"]
