"""action_follow_up: a bare office, service or date re-runs the previous topic."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.common import ActionContext
from actions.follow_up import ActionFollowUp
from actions.quota import ActionQuotaInfo
from tests.actions.conftest import run_action
from tests.helpers.trackers import entity, make_tracker


async def test_without_a_previous_topic_it_asks_what_is_wanted(context: ActionContext) -> None:
    tracker = make_tracker("singkawang", entities=[entity("office", "singkawang", "singkawang")])

    events, messages = await run_action(ActionFollowUp(context), tracker)

    assert events == []
    assert [m["response"] for m in messages] == ["utter_follow_up_unknown"]


async def test_an_office_after_a_quota_question_gives_that_office_quota(
    context: ActionContext,
) -> None:
    text = "kalau singkawang?"
    tracker = make_tracker(
        text,
        entities=[entity("office", "singkawang", text)],
        slots={"last_topic": "quota", "office": "singkawang"},
    )

    events, messages = await run_action(ActionFollowUp(context), tracker)
    _, direct = await run_action(ActionQuotaInfo(context), tracker)

    assert events == [SlotSet("office", "singkawang"), SlotSet("last_topic", "quota")]
    assert messages == direct
    assert messages[0]["office_name"] == "Kantor Imigrasi Kelas II TPI Singkawang"


async def test_a_date_after_an_hours_question_answers_for_that_day(
    context: ActionContext,
) -> None:
    tracker = make_tracker(
        "kalau sabtu?",
        entities=[entity("date", "sabtu", "kalau sabtu?")],
        slots={"last_topic": "hours", "office": "pontianak"},
    )

    events, messages = await run_action(ActionFollowUp(context), tracker)

    assert events == [SlotSet("office", "pontianak"), SlotSet("last_topic", "hours")]
    assert messages[0]["response"] == "utter_office_closed_day"


async def test_a_service_after_a_fees_question_gives_that_fee(context: ActionContext) -> None:
    tracker = make_tracker(
        "kalau yang rusak?",
        entities=[entity("service", "rusak", "kalau yang rusak?")],
        slots={"last_topic": "fees", "service": "rusak"},
    )

    events, messages = await run_action(ActionFollowUp(context), tracker)

    assert events == [SlotSet("service", "rusak"), SlotSet("last_topic", "fees")]
    assert messages[0]["response"] == "utter_fees_penalty"


async def test_an_unknown_topic_is_treated_as_none(context: ActionContext) -> None:
    tracker = make_tracker("pontianak", slots={"last_topic": "weather"})

    events, messages = await run_action(ActionFollowUp(context), tracker)

    assert events == []
    assert [m["response"] for m in messages] == ["utter_follow_up_unknown"]
