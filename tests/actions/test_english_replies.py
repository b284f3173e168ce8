"""Every custom action in English: the same responses, with what the action adds in English.

The Indonesian words an action adds (dates, day names, "tutup", "kuota", service names) must
not reach an English reply; free text staff keep in the database (requirements, notes, an
address) stays as written, and the English responses say so where it is shown.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from rasa_sdk.events import SlotSet
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from actions.common import ActionContext
from actions.faq import (
    HUMAN_BUTTON_EN,
    SUGGESTIBLE_INTENTS_EN,
    ActionFaqAnswer,
    button_title,
    faq_payload,
)
from actions.fees import ActionServiceFees
from actions.follow_up import ActionFollowUp
from actions.lost_damaged import ActionLostDamagedPassport
from actions.office_hours import ActionOfficeHours
from actions.office_location import ActionOfficeLocation
from actions.quota import ActionQuotaInfo
from actions.requirements import ActionServiceRequirements
from bot.i18n import english
from bot.i18n.detection import indonesian_markers
from bot.knowledge import store
from bot.knowledge.demo import seed_faq
from bot.knowledge.demo_entries import DEMO_FAQ
from bot.knowledge.entries import EntryData
from bot.knowledge.retrieval import KnowledgeCache
from bot.schedule.models import Office, QuotaRelease
from tests.actions.conftest import NOW, run_action
from tests.helpers.trackers import entity, make_tracker

WIB = timezone(timedelta(hours=7))
EN = {"language": "en"}
ANSWERS = {key: answer for key, _category, _question, answer, _examples in DEMO_FAQ}
QUESTIONS = {key: question for key, _category, question, _answer, _examples in DEMO_FAQ}


def ask(text: str, intent: str, slots: dict | None = None, **entities: str):
    return make_tracker(
        text,
        intent=intent,
        entities=[entity(name, value, text) for name, value in entities.items()],
        slots={**EN, **(slots or {})},
    )


def responses(messages: list[dict]) -> list[str]:
    return [m["response"] for m in messages]


def assert_english(*values: str) -> None:
    for value in values:
        assert indonesian_markers(value) == [], value


async def test_quota_for_an_office_in_english(
    context: ActionContext, seeded_factory: sessionmaker
) -> None:
    tracker = ask("when is the quota released in pontianak", "ask_quota", office="pontianak")
    events, messages = await run_action(ActionQuotaInfo(context), tracker)

    assert events == [SlotSet("office", "pontianak"), SlotSet("last_topic", "quota")]
    assert responses(messages) == ["utter_quota_releases"]
    with seeded_factory.begin() as session:
        first = min(
            opens_at
            for opens_at in session.execute(
                select(QuotaRelease.opens_at)
                .join(Office, QuotaRelease.office_id == Office.id)
                .where(Office.key == "pontianak")
            ).scalars()
            if opens_at > NOW
        )
    first_line = messages[0]["releases"].splitlines()[0]
    assert english.format_datetime(first, "Asia/Jakarta") in first_line
    assert_english(first_line)


async def test_quota_for_a_day_without_releases_names_the_day_in_english(
    context: ActionContext,
) -> None:
    tracker = ask("is there a quota tomorrow", "ask_quota", date="tomorrow")
    _, messages = await run_action(ActionQuotaInfo(context), tracker)

    assert responses(messages) == ["utter_quota_none_in_range_all"]
    assert messages[0]["period"] == "Thursday, 3 December 2026"
    assert " at " in messages[0]["releases"] and "pukul" not in messages[0]["releases"]


async def test_office_hours_now_and_the_week_in_english(context: ActionContext) -> None:
    tracker = ask(
        "what are the office hours in singkawang", "ask_office_hours", office="singkawang"
    )
    events, messages = await run_action(ActionOfficeHours(context), tracker)

    assert events == [SlotSet("office", "singkawang"), SlotSet("last_topic", "hours")]
    assert responses(messages) == ["utter_office_open_now", "utter_office_hours_week"]
    week = messages[1]["hours"]
    assert "Monday–Thursday: 08.00–16.00 WIB" in week
    assert "Saturday–Sunday: closed" in week
    assert_english(messages[0]["closes"], week)


async def test_a_closed_saturday_in_english(context: ActionContext) -> None:
    tracker = ask("is the office open on saturday", "ask_office_hours", date="saturday")
    _, messages = await run_action(ActionOfficeHours(context), tracker)

    assert responses(messages) == ["utter_office_closed_day", "utter_office_hours_week_all"]
    closed = messages[0]
    assert closed["day"] == "Saturday, 5 December 2026"
    assert closed["reason"] == "weekend (Saturday)"
    assert closed["next_opening"] == "Monday, 7 December 2026 at 08.00 WIB"
    assert " and " in messages[1]["offices"]


async def test_christmas_is_named_in_english(context: ActionContext) -> None:
    tracker = ask(
        "is pontianak open on 25 december",
        "ask_office_hours",
        office="pontianak",
        date="25 december",
    )
    _, messages = await run_action(ActionOfficeHours(context), tracker)

    assert responses(messages) == ["utter_office_closed_day", "utter_office_hours_week"]
    assert messages[0]["day"] == "Friday, 25 December 2026"
    assert messages[0]["reason"] == "Christmas Day"


async def test_a_period_lists_each_day_in_english(context: ActionContext) -> None:
    tracker = ask(
        "office hours next week", "ask_office_hours", office="pontianak", date="next week"
    )
    _, messages = await run_action(ActionOfficeHours(context), tracker)

    assert responses(messages)[0] == "utter_office_days"
    assert messages[0]["period"] == "7 Dec–13 Dec 2026"
    assert messages[0]["days"].splitlines()[0].startswith("• Monday, 7 December 2026: 08.00")
    assert_english(messages[0]["days"])


async def test_location_in_english_uses_the_same_responses(context: ActionContext) -> None:
    events, messages = await run_action(
        ActionOfficeLocation(context), ask("where is the office", "ask_office_location")
    )
    assert events == [SlotSet("last_topic", "location")]
    assert responses(messages) == ["utter_office_addresses"]


async def test_all_fees_with_english_service_names(context: ActionContext) -> None:
    events, messages = await run_action(
        ActionServiceFees(context), ask("how much does a passport cost", "ask_fees")
    )
    assert events == [SlotSet("last_topic", "fees")]
    assert responses(messages) == ["utter_fees_all", "utter_fees_payment"]
    fees, extras = messages[0]["fees"], messages[0]["extras"]
    assert "• Ordinary passport (non-electronic), 48 pages, valid for 5 years: Rp350.000" in fees
    assert "• Lost passport replacement: Rp1.000.000" in extras
    assert_english(fees, extras)


async def test_a_lost_passport_penalty_in_english(context: ActionContext) -> None:
    tracker = ask("how much is the fine for a lost passport", "ask_fees", service="hilang")
    _, messages = await run_action(ActionServiceFees(context), tracker)
    assert responses(messages) == ["utter_fees_penalty", "utter_fees_payment"]
    assert messages[0]["case_name"] == "Lost passport replacement"
    assert messages[0]["penalty"] == "Rp1.000.000"


async def test_the_express_add_on_in_english(context: ActionContext) -> None:
    tracker = ask("how much is the express service", "ask_fees", service="percepatan")
    _, messages = await run_action(ActionServiceFees(context), tracker)
    assert responses(messages) == ["utter_fees_addon", "utter_fees_payment"]
    assert messages[0]["service_name"] == "Express passport service (ready on the same day)"


async def test_requirements_in_english_keep_the_offices_list_as_written(
    context: ActionContext,
) -> None:
    tracker = ask("what do I need for a new passport", "ask_requirements", service="baru")
    events, messages = await run_action(ActionServiceRequirements(context), tracker)
    assert events == [SlotSet("service", "baru"), SlotSet("last_topic", "requirements")]
    assert responses(messages) == ["utter_requirements"]
    assert messages[0]["service_name"] == "New passport (adults)"
    assert "e-KTP" in messages[0]["requirements"]


async def test_a_service_an_office_does_not_offer_in_english(context: ActionContext) -> None:
    tracker = ask(
        "I lost my passport, can I go to the mpp",
        "report_lost_damaged",
        office="mpp-pontianak",
        service="hilang",
    )
    _, messages = await run_action(ActionLostDamagedPassport(context), tracker)
    assert responses(messages)[:2] == ["utter_service_not_at_office", "utter_lost_damaged"]
    assert messages[0]["service_name"] == "Lost passport replacement"
    assert messages[1]["case_name"] == "Lost passport replacement"


async def test_lost_passport_in_english(context: ActionContext) -> None:
    _, messages = await run_action(
        ActionLostDamagedPassport(context), ask("I lost my passport", "report_lost_damaged")
    )
    assert responses(messages) == [
        "utter_lost_damaged",
        "utter_lost_damaged_penalty",
        "utter_lost_damaged_offices",
    ]
    assert messages[0]["case_name"] == "Lost passport replacement"


async def test_a_follow_up_answers_the_previous_topic_in_english(context: ActionContext) -> None:
    tracker = ask(
        "and tomorrow?",
        "inform",
        slots={"last_topic": "hours", "office": "pontianak"},
        date="tomorrow",
    )
    _, messages = await run_action(ActionFollowUp(context), tracker)
    assert responses(messages) == ["utter_office_open_day", "utter_office_hours_week"]
    assert messages[0]["day"] == "Thursday, 3 December 2026"
    assert_english(messages[0]["hours"], messages[1]["hours"])


def faq_action(factory: sessionmaker) -> ActionFaqAnswer:
    with factory.begin() as session:
        seed_faq(session=session)
    context = ActionContext(factory=factory, clock=lambda: NOW)
    return ActionFaqAnswer(context, cache=KnowledgeCache(check_interval=0))


def button(key: str) -> object:
    return ask(faq_payload(key), "ask_faq", faq_key=key)


async def test_an_indonesian_only_entry_is_introduced_by_an_honest_note(
    session_factory: sessionmaker,
) -> None:
    _, messages = await run_action(faq_action(session_factory), button("prioritas"))
    assert messages[0]["response"] == "utter_faq_only_indonesian"
    assert messages[1]["text"] == ANSWERS["prioritas"]
    assert len(messages) == 2


async def test_an_entry_with_an_english_counterpart_is_answered_in_english(
    session_factory: sessionmaker,
) -> None:
    action = faq_action(session_factory)
    english_answer = "Seniors aged 60 and over, people with disabilities and pregnant women."
    with session_factory.begin() as session:
        store.save_entry(
            session=session,
            key="prioritas-en",
            data=EntryData(
                "umum", "Who can use the priority counter?", english_answer, language="en"
            ),
            author="staff",
        )
    _, messages = await run_action(action, button("prioritas"))
    assert [m.get("text") for m in messages] == [english_answer]

    indonesian = make_tracker(faq_payload("prioritas"), intent="ask_faq", slots={"language": "id"})
    indonesian.latest_message["entities"] = [entity("faq_key", "prioritas")]
    _, messages = await run_action(action, indonesian)
    assert [m.get("text") for m in messages] == [ANSWERS["prioritas"]]


async def test_an_english_counterpart_in_draft_is_not_served(
    session_factory: sessionmaker,
) -> None:
    action = faq_action(session_factory)
    with session_factory.begin() as session:
        store.save_entry(
            session=session,
            key="prioritas-en",
            data=EntryData(
                "umum", "Priority counter?", "Not yet checked.", language="en", status="draft"
            ),
            author="staff",
        )
    _, messages = await run_action(action, button("prioritas"))
    assert responses(messages[:1]) == ["utter_faq_only_indonesian"]
    assert messages[1]["text"] == ANSWERS["prioritas"]


async def test_fallback_suggestions_have_english_buttons(session_factory: sessionmaker) -> None:
    tracker = ask("passport something", "nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "ask_fees", "confidence": 0.3},
        {"name": "ask_quota", "confidence": 0.2},
    ]
    _, messages = await run_action(faq_action(session_factory), tracker)
    assert responses(messages) == ["utter_faq_suggestions"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles[:2] == [SUGGESTIBLE_INTENTS_EN["ask_fees"], SUGGESTIBLE_INTENTS_EN["ask_quota"]]
    assert messages[0]["buttons"][-1] == HUMAN_BUTTON_EN


def test_every_suggestible_intent_has_an_english_title() -> None:
    from actions.faq import SUGGESTIBLE_INTENTS

    assert set(SUGGESTIBLE_INTENTS_EN) == set(SUGGESTIBLE_INTENTS)


async def test_on_a_weekday_evening_the_next_opening_is_in_english(context_at) -> None:
    evening = datetime(2026, 12, 2, 19, 0, tzinfo=WIB)
    tracker = ask("is the pontianak office open now", "ask_office_hours", office="pontianak")
    _, messages = await run_action(ActionOfficeHours(context_at(evening)), tracker)
    assert responses(messages)[0] == "utter_office_closed_now"
    assert messages[0]["next_opening"] == "Thursday, 3 December 2026 at 08.00 WIB"


async def test_suggested_entries_show_their_english_question_when_they_have_one(
    session_factory: sessionmaker,
) -> None:
    action = faq_action(session_factory)
    with session_factory.begin() as session:
        store.save_entry(
            session=session,
            key="masa-berlaku-anak-en",
            data=EntryData(
                "umum",
                "How long is a child's passport valid?",
                "Five years.",
                language="en",
            ),
            author="staff",
        )
    _, messages = await run_action(action, ask("paspor anak", "nlu_fallback"))
    assert responses(messages) == ["utter_faq_suggestions"]
    buttons = {b["payload"]: b["title"] for b in messages[0]["buttons"]}
    assert buttons[faq_payload("masa-berlaku-anak")] == "How long is a child's passport valid?"
    for key in QUESTIONS:  # entries without an English counterpart keep their question
        if key != "masa-berlaku-anak" and faq_payload(key) in buttons:
            assert buttons[faq_payload(key)] == button_title(QUESTIONS[key])
