"""action_quota_info against the demo schedule with a fixed clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from rasa_sdk.events import SlotSet
from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from actions.common import ActionContext
from actions.quota import ActionQuotaInfo
from bot.schedule.dates import format_datetime_id, parse_date_expression
from bot.schedule.models import Office, QuotaRelease
from tests.actions.conftest import NOW, run_action
from tests.helpers.trackers import entity, make_tracker


def future_releases(factory: sessionmaker, now: datetime, office_key: str) -> list[datetime]:
    """Release times of one office after `now`, read straight from the table, soonest first."""
    with factory.begin() as session:
        rows = session.execute(
            select(QuotaRelease.opens_at)
            .join(Office, QuotaRelease.office_id == Office.id)
            .where(Office.key == office_key)
            .order_by(QuotaRelease.opens_at)
        ).scalars()
        return [opens_at for opens_at in rows if opens_at > now]


def ask(text: str, **entities: str):
    return make_tracker(
        text,
        intent="ask_quota",
        entities=[entity(name, value, text) for name, value in entities.items()],
    )


async def test_named_office_gets_its_earliest_future_release_first(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    tracker = ask("kapan kuota di kanim pontianak dibuka?", office="pontianak")

    events, messages = await run_action(ActionQuotaInfo(context), tracker)

    assert events == [SlotSet("office", "pontianak"), SlotSet("last_topic", "quota")]
    assert [m["response"] for m in messages] == ["utter_quota_releases"]
    expected = future_releases(seeded_factory, NOW, "pontianak")
    assert expected, "the demo data should schedule Pontianak releases after NOW"
    first_line = messages[0]["releases"].splitlines()[0]
    assert format_datetime_id(expected[0], "Asia/Jakarta") in first_line
    assert messages[0]["office_name"] == "Kantor Imigrasi Kelas I TPI Pontianak"


async def test_without_office_gives_the_next_release_of_each_office(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    events, messages = await run_action(ActionQuotaInfo(context), ask("kapan kuota dibuka?"))

    assert events == [SlotSet("last_topic", "quota")]
    assert [m["response"] for m in messages] == ["utter_quota_releases_all"]
    lines = [line for line in messages[0]["releases"].splitlines() if line.startswith("• ")]
    earliest = sorted(
        (future_releases(seeded_factory, NOW, key)[0], key)
        for key in ("pontianak", "mpp-pontianak", "singkawang")
    )
    assert len(lines) == 3
    for line, (opens_at, _) in zip(lines, earliest, strict=True):  # soonest first
        assert format_datetime_id(opens_at, "Asia/Jakarta") in line


async def test_without_office_a_range_without_releases_gives_the_next_ones(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    # Thursday 3 December 2026: no office releases quota that day.
    _, messages = await run_action(ActionQuotaInfo(context), ask("besok ada kuota?", date="besok"))

    assert [m["response"] for m in messages] == ["utter_quota_none_in_range_all"]
    assert messages[0]["period"] == "besok (Kamis, 3 Desember 2026)"
    text = messages[0]["releases"]
    for key in ("pontianak", "mpp-pontianak", "singkawang"):
        assert format_datetime_id(future_releases(seeded_factory, NOW, key)[0]) in text


async def test_a_past_release_is_never_offered(context_at, seeded_factory: sessionmaker) -> None:
    # Just after a Pontianak release: that release is now in the past.
    released = future_releases(seeded_factory, NOW, "pontianak")[0]
    later = released + timedelta(minutes=5)
    tracker = ask("kuota pontianak kapan?", office="pontianak")

    _, messages = await run_action(ActionQuotaInfo(context_at(later)), tracker)

    text = messages[0]["releases"]
    assert format_datetime_id(released, "Asia/Jakarta") not in text
    assert format_datetime_id(future_releases(seeded_factory, later, "pontianak")[0]) in text


async def test_a_range_with_releases_lists_only_releases_in_that_range(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    text = "ada kuota pontianak minggu depan?"
    period = parse_date_expression(text, now=NOW)
    assert period is not None
    tracker = ask(text, office="pontianak", date="minggu depan")

    _, messages = await run_action(ActionQuotaInfo(context), tracker)

    assert [m["response"] for m in messages] == ["utter_quota_releases"]
    expected = [
        format_datetime_id(r)
        for r in future_releases(seeded_factory, NOW, "pontianak")
        if period.start <= r.astimezone(timezone(timedelta(hours=7))).date() <= period.end
    ]
    assert expected and all(line in messages[0]["releases"] for line in expected)
    bullets = [line for line in messages[0]["releases"].splitlines() if line.startswith("• ")]
    assert len(bullets) == len(expected)


async def test_a_range_without_releases_says_so_and_gives_the_next_one(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    # Pontianak releases on Fridays; tomorrow (Thursday) has none.
    tracker = ask("besok kuota pontianak dibuka?", office="pontianak", date="besok")

    events, messages = await run_action(ActionQuotaInfo(context), tracker)

    assert events == [SlotSet("office", "pontianak"), SlotSet("last_topic", "quota")]
    assert [m["response"] for m in messages] == ["utter_quota_none_in_range"]
    assert messages[0]["period"].startswith("besok")
    earliest = future_releases(seeded_factory, NOW, "pontianak")[0]
    assert format_datetime_id(earliest) in messages[0]["next_release"]


async def test_the_date_can_come_from_the_whole_message(context: ActionContext) -> None:
    tracker = ask("kuota pontianak besok ada?", office="pontianak")  # no date entity

    _, messages = await run_action(ActionQuotaInfo(context), tracker)

    assert [m["response"] for m in messages] == ["utter_quota_none_in_range"]


async def test_no_scheduled_release_gives_the_honest_answer(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    with seeded_factory.begin() as session:
        session.execute(delete(QuotaRelease))

    tracker = ask("kuota singkawang kapan?", office="singkawang")
    _, named = await run_action(ActionQuotaInfo(context), tracker)
    _, anywhere = await run_action(ActionQuotaInfo(context), ask("kuota kapan dibuka?"))

    assert [m["response"] for m in named] == ["utter_quota_none_scheduled"]
    assert named[0]["office_name"] == "Kantor Imigrasi Kelas II TPI Singkawang"
    assert [m["response"] for m in anywhere] == ["utter_quota_none_scheduled_all"]


async def test_an_unknown_office_is_not_invented(context: ActionContext) -> None:
    tracker = ask("kuota kanim jakarta kapan?", office="jakarta")

    events, messages = await run_action(ActionQuotaInfo(context), tracker)

    assert events == [SlotSet("office", None), SlotSet("last_topic", "quota")]
    assert [m["response"] for m in messages] == ["utter_office_unknown"]
    assert "Singkawang" in messages[0]["offices"]


async def test_an_empty_database_gives_the_data_missing_answer(
    empty_context: ActionContext,
) -> None:
    _, anywhere = await run_action(ActionQuotaInfo(empty_context), ask("kuota kapan?"))
    tracker = ask("kuota pontianak?", office="pontianak")
    events, named = await run_action(ActionQuotaInfo(empty_context), tracker)

    assert [m["response"] for m in anywhere] == ["utter_data_missing"]
    assert [m["response"] for m in named] == ["utter_data_missing"]
    assert events == [SlotSet("office", None), SlotSet("last_topic", "quota")]


async def test_the_service_slot_is_kept_and_general_releases_still_apply(
    context: ActionContext,
) -> None:
    tracker = ask("kuota e-paspor di mpp", office="mpp-pontianak", service="e-paspor")

    events, messages = await run_action(ActionQuotaInfo(context), tracker)

    assert events == [
        SlotSet("office", "mpp-pontianak"),
        SlotSet("service", "e-paspor"),
        SlotSet("last_topic", "quota"),
    ]
    assert [m["response"] for m in messages] == ["utter_quota_releases"]
