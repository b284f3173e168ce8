"""action_service_fees: all passport fees, one product, the express add-on, penalties."""

from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.common import ActionContext
from actions.fees import ActionServiceFees
from tests.actions.conftest import run_action
from tests.helpers.trackers import entity, make_tracker


def ask(text: str, **entities: str):
    return make_tracker(
        text,
        intent="ask_fees",
        entities=[entity(name, value, text) for name, value in entities.items()],
    )


def responses(messages: list[dict]) -> list[str]:
    return [m["response"] for m in messages]


async def test_all_fees_with_penalties_and_the_billing_note(context: ActionContext) -> None:
    events, messages = await run_action(ActionServiceFees(context), ask("biaya paspor berapa?"))

    assert events == [SlotSet("last_topic", "fees")]
    assert responses(messages) == ["utter_fees_all", "utter_fees_payment"]
    fees, extras = messages[0]["fees"].splitlines(), messages[0]["extras"].splitlines()
    assert [line.rsplit(": ", 1)[1] for line in fees] == [
        "Rp350.000",
        "Rp650.000",
        "Rp650.000",
        "Rp950.000",
    ]
    assert extras == [
        "• Layanan percepatan paspor (selesai di hari yang sama): Rp1.000.000",
        "• Penggantian paspor hilang: Rp1.000.000",
        "• Penggantian paspor rusak: Rp500.000",
    ]


async def test_one_product_lists_its_two_validities(context: ActionContext) -> None:
    tracker = ask("biaya e-paspor", service="e-paspor")

    events, messages = await run_action(ActionServiceFees(context), tracker)

    assert events == [SlotSet("service", "e-paspor"), SlotSet("last_topic", "fees")]
    assert responses(messages) == ["utter_fees_list", "utter_fees_payment"]
    lines = messages[0]["fees"].splitlines()
    assert len(lines) == 2
    assert "Rp650.000" in lines[0] and "Rp950.000" in lines[1]


async def test_lost_passport_is_penalty_plus_passport_fee(context: ActionContext) -> None:
    tracker = ask("paspor hilang dendanya berapa", service="hilang")

    _, messages = await run_action(ActionServiceFees(context), tracker)

    assert responses(messages) == ["utter_fees_penalty", "utter_fees_payment"]
    assert messages[0]["penalty"] == "Rp1.000.000"
    assert "Rp350.000" in messages[0]["fees"]


async def test_damaged_passport_penalty(context: ActionContext) -> None:
    _, messages = await run_action(
        ActionServiceFees(context), ask("paspor rusak bayar berapa", service="rusak")
    )

    assert messages[0]["response"] == "utter_fees_penalty"
    assert messages[0]["penalty"] == "Rp500.000"


async def test_express_service_is_on_top_of_the_passport_fee(context: ActionContext) -> None:
    _, messages = await run_action(
        ActionServiceFees(context), ask("biaya percepatan", service="percepatan")
    )

    assert responses(messages) == ["utter_fees_addon", "utter_fees_payment"]
    assert messages[0]["fee"] == "Rp1.000.000"


async def test_a_child_gets_only_five_year_passports(context: ActionContext) -> None:
    _, messages = await run_action(
        ActionServiceFees(context), ask("biaya paspor anak", service="anak")
    )

    assert messages[0]["response"] == "utter_fees_child"
    assert "Rp350.000" in messages[0]["fees"]
    assert "Rp950.000" not in messages[0]["fees"]


async def test_an_empty_database_gives_the_data_missing_answer(
    empty_context: ActionContext,
) -> None:
    _, messages = await run_action(ActionServiceFees(empty_context), ask("biaya?"))

    assert responses(messages) == ["utter_data_missing"]
