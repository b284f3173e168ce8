"""action_service_requirements: the documents per case, and offices that lack a service."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from sqlalchemy.orm import sessionmaker

from actions.common import ActionContext
from actions.requirements import ActionServiceRequirements
from bot.schedule import queries
from tests.actions.conftest import run_action
from tests.helpers.trackers import entity, make_tracker


def ask(text: str, **entities: str):
    return make_tracker(
        text,
        intent="ask_requirements",
        entities=[entity(name, value, text) for name, value in entities.items()],
    )


def requirement_lines(factory: sessionmaker, key: str) -> tuple[str, ...]:
    with factory.begin() as session:
        service = queries.get_service(key, session=session)
    assert service is not None
    return service.requirements


async def test_default_is_a_new_passport(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    events, messages = await run_action(ActionServiceRequirements(context), ask("syaratnya apa"))

    assert events == [SlotSet("last_topic", "requirements")]
    assert [m["response"] for m in messages] == ["utter_requirements"]
    for line in requirement_lines(seeded_factory, "baru"):
        assert f"• {line}" in messages[0]["requirements"]


async def test_a_product_falls_back_to_new_passport_requirements(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    tracker = ask("syarat e-paspor", service="e-paspor")

    events, messages = await run_action(ActionServiceRequirements(context), tracker)

    assert events == [SlotSet("service", "e-paspor"), SlotSet("last_topic", "requirements")]
    first = requirement_lines(seeded_factory, "baru")[0]
    assert f"• {first}" in messages[0]["requirements"]


async def test_child_requirements(context: ActionContext, seeded_factory: sessionmaker) -> None:
    _, messages = await run_action(
        ActionServiceRequirements(context), ask("syarat paspor anak", service="anak")
    )

    for line in requirement_lines(seeded_factory, "anak"):
        assert f"• {line}" in messages[0]["requirements"]


async def test_mpp_does_not_handle_lost_passports(context: ActionContext) -> None:
    text = "syarat paspor hilang di mpp"
    tracker = ask(text, service="hilang", office="mpp-pontianak")

    events, messages = await run_action(ActionServiceRequirements(context), tracker)

    assert events == [
        SlotSet("office", "mpp-pontianak"),
        SlotSet("service", "hilang"),
        SlotSet("last_topic", "requirements"),
    ]
    assert [m["response"] for m in messages] == [
        "utter_service_not_at_office",
        "utter_requirements",
    ]
    others = messages[0]["offices"]
    assert "Pontianak" in others and "Singkawang" in others and "MPP" not in others


async def test_main_office_handles_everything(context: ActionContext) -> None:
    tracker = ask("syarat paspor rusak di kanim pontianak", service="rusak", office="pontianak")

    _, messages = await run_action(ActionServiceRequirements(context), tracker)

    assert [m["response"] for m in messages] == ["utter_requirements"]


async def test_an_empty_database_gives_the_data_missing_answer(
    empty_context: ActionContext,
) -> None:
    _, messages = await run_action(ActionServiceRequirements(empty_context), ask("syarat?"))

    assert [m["response"] for m in messages] == ["utter_data_missing"]
