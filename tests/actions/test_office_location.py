"""action_office_location: one office's address and maps link, or all of them."""

from __future__ import annotations

from rasa_sdk.events import SlotSet
from sqlalchemy.orm import sessionmaker

from actions.common import ActionContext
from actions.office_location import ActionOfficeLocation
from bot.schedule import queries
from tests.actions.conftest import run_action
from tests.helpers.trackers import entity, make_tracker


def ask(text: str, **entities: str):
    return make_tracker(
        text,
        intent="ask_office_location",
        entities=[entity(name, value, text) for name, value in entities.items()],
    )


async def test_named_office_gets_its_address_and_map(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    tracker = ask("alamat kanim singkawang dimana?", office="singkawang")

    events, messages = await run_action(ActionOfficeLocation(context), tracker)

    assert events == [SlotSet("office", "singkawang"), SlotSet("last_topic", "location")]
    assert [m["response"] for m in messages] == ["utter_office_address"]
    with seeded_factory.begin() as session:
        office = queries.get_office("singkawang", session=session)
    assert office is not None
    assert messages[0]["office_name"] == office.name
    assert office.address in messages[0]["address"]
    assert messages[0]["maps_url"].startswith("https://")
    if office.maps_url:
        assert messages[0]["maps_url"] == office.maps_url


async def test_the_office_slot_is_used_when_the_message_names_none(
    context: ActionContext,
) -> None:
    tracker = make_tracker(
        "lokasinya dimana?", intent="ask_office_location", slots={"office": "mpp-pontianak"}
    )

    events, messages = await run_action(ActionOfficeLocation(context), tracker)

    assert events == [SlotSet("office", "mpp-pontianak"), SlotSet("last_topic", "location")]
    assert "MPP" in messages[0]["office_name"]


async def test_without_office_all_offices_are_listed(context: ActionContext) -> None:
    events, messages = await run_action(ActionOfficeLocation(context), ask("kantornya dimana?"))

    assert events == [SlotSet("last_topic", "location")]
    assert [m["response"] for m in messages] == ["utter_office_addresses"]
    blocks = messages[0]["offices"].split("\n\n")
    assert len(blocks) == 3
    assert all("https://" in block for block in blocks)


async def test_an_unknown_office_is_not_invented(context: ActionContext) -> None:
    events, messages = await run_action(
        ActionOfficeLocation(context), ask("alamat kanim bandung", office="bandung")
    )

    assert events == [SlotSet("office", None), SlotSet("last_topic", "location")]
    assert [m["response"] for m in messages] == ["utter_office_unknown"]


async def test_an_empty_database_gives_the_data_missing_answer(
    empty_context: ActionContext,
) -> None:
    _, messages = await run_action(ActionOfficeLocation(empty_context), ask("alamat?"))

    assert [m["response"] for m in messages] == ["utter_data_missing"]
