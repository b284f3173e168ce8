"""action_lost_damaged_passport: requirements, penalty and the offices that handle it."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.common import ActionContext
from actions.lost_damaged import ActionLostDamagedPassport
from tests.actions.conftest import run_action
from tests.helpers.trackers import entity, make_tracker


def report(text: str, **entities: str):
    return make_tracker(
        text,
        intent="report_lost_damaged",
        entities=[entity(name, value, text) for name, value in entities.items()],
    )


def responses(messages: list[dict]) -> list[str]:
    return [m["response"] for m in messages]


async def test_default_is_a_lost_passport(context: ActionContext) -> None:
    events, messages = await run_action(
        ActionLostDamagedPassport(context), report("paspor saya ilang gimana?")
    )

    assert events == [SlotSet("service", "hilang"), SlotSet("last_topic", "requirements")]
    assert responses(messages) == [
        "utter_lost_damaged",
        "utter_lost_damaged_penalty",
        "utter_lost_damaged_offices",
    ]
    assert "polisi" in messages[0]["requirements"].lower()
    assert messages[1]["penalty"] == "Rp1.000.000"
    offices = messages[2]["offices"]
    assert "Singkawang" in offices and "MPP" not in offices


async def test_damaged_passport(context: ActionContext) -> None:
    tracker = report("paspor saya rusak kena air", service="rusak")

    events, messages = await run_action(ActionLostDamagedPassport(context), tracker)

    assert events == [SlotSet("service", "rusak"), SlotSet("last_topic", "requirements")]
    assert messages[1]["penalty"] == "Rp500.000"


async def test_a_stale_service_slot_does_not_change_the_case(context: ActionContext) -> None:
    tracker = make_tracker(
        "paspor hilang", intent="report_lost_damaged", slots={"service": "e-paspor"}
    )

    events, messages = await run_action(ActionLostDamagedPassport(context), tracker)

    assert events[0] == SlotSet("service", "hilang")
    assert messages[1]["penalty"] == "Rp1.000.000"


async def test_mpp_is_told_to_go_elsewhere(context: ActionContext) -> None:
    tracker = report("paspor hilang, bisa di mpp?", office="mpp-pontianak")

    events, messages = await run_action(ActionLostDamagedPassport(context), tracker)

    assert events[0] == SlotSet("office", "mpp-pontianak")
    assert responses(messages)[0] == "utter_service_not_at_office"


async def test_an_empty_database_gives_the_data_missing_answer(
    empty_context: ActionContext,
) -> None:
    _, messages = await run_action(ActionLostDamagedPassport(empty_context), report("hilang"))

    assert responses(messages) == ["utter_data_missing"]


async def test_the_citizens_own_words_tell_damaged_from_lost(context: ActionContext) -> None:
    """No service entity tagged: "sobek kena air" is a damaged passport, not a lost one."""
    tracker = report("paspor anak saya sobek kena air, kena denda ga?")

    events, messages = await run_action(ActionLostDamagedPassport(context), tracker)

    assert events[0] == SlotSet("service", "rusak")
    assert messages[1]["penalty"] == "Rp500.000"


async def test_words_of_this_message_beat_the_remembered_case(context: ActionContext) -> None:
    text = "kalau paspornya kecopetan gimana?"
    tracker = make_tracker(text, intent="report_lost_damaged", slots={"service": "rusak"})

    events, messages = await run_action(ActionLostDamagedPassport(context), tracker)

    assert events[0] == SlotSet("service", "hilang")
    assert messages[1]["penalty"] == "Rp1.000.000"


def test_mixed_words_leave_the_case_to_the_nlu() -> None:
    from actions.lost_damaged import case_in_text

    assert case_in_text("paspor hilang terbawa banjir dan sisanya basah") is None
    assert case_in_text("paspor ketumpahan kopi") == "rusak"
    assert case_in_text("paspor saya hilang di bandara") == "hilang"
    assert case_in_text("mau bikin paspor") is None
