"""action_faq_answer: answer, offer close candidates, or say so honestly and log the question."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from actions.common import ActionContext
from actions.faq import HUMAN_BUTTON, ActionFaqAnswer, faq_payload, first_stage_tried
from bot import PROJECT_ROOT
from bot.knowledge import store
from bot.knowledge.demo import seed_faq
from bot.knowledge.demo_entries import DEMO_FAQ
from bot.knowledge.models import UnansweredQuestion
from bot.knowledge.retrieval import KnowledgeCache
from tests.actions.conftest import NOW, run_action
from tests.helpers.long_answers import official_answer
from tests.helpers.trackers import bot_event, entity, make_tracker, user_event

ANSWERS = {key: answer for key, _category, _question, answer, _examples in DEMO_FAQ}


@pytest.fixture
def faq_context(session_factory: sessionmaker) -> ActionContext:
    with session_factory.begin() as session:
        seed_faq(session=session)
    return ActionContext(factory=session_factory, clock=lambda: NOW)


def _action(context: ActionContext) -> ActionFaqAnswer:
    return ActionFaqAnswer(context, cache=KnowledgeCache(check_interval=0))


async def test_a_clear_question_gets_the_answer(faq_context) -> None:
    tracker = make_tracker("paspor sy rusak kena banjir, tetap didenda?", intent="ask_faq")
    events, messages = await run_action(_action(faq_context), tracker)
    assert events == []
    assert [m["text"] for m in messages] == [ANSWERS["bencana-alam"]]


async def test_a_vague_question_gets_buttons_that_ask_for_one_entry(faq_context) -> None:
    tracker = make_tracker("paspor anak", intent="nlu_fallback")
    events, messages = await run_action(_action(faq_context), tracker)
    assert events == []
    assert [m["response"] for m in messages] == ["utter_faq_suggestions"]
    *entries, last = messages[0]["buttons"]
    assert 1 <= len(entries) <= 3
    assert all(b["payload"].startswith('/ask_faq{"faq_key": "') for b in entries)
    assert faq_payload("masa-berlaku-anak") in [b["payload"] for b in entries]
    assert last == HUMAN_BUTTON


async def test_a_button_payload_answers_that_entry(faq_context) -> None:
    tracker = make_tracker(
        faq_payload("prioritas"),
        intent="ask_faq",
        entities=[entity("faq_key", "prioritas")],
    )
    _events, messages = await run_action(_action(faq_context), tracker)
    assert [m["text"] for m in messages] == [ANSWERS["prioritas"]]


async def test_an_archived_entry_is_no_longer_served(faq_context) -> None:
    with faq_context.factory.begin() as session:  # type: ignore[union-attr]
        store.edit_entry(session=session, key="prioritas", author="staff", status="archived")
    tracker = make_tracker("x", intent="ask_faq", entities=[entity("faq_key", "prioritas")])
    _events, messages = await run_action(_action(faq_context), tracker)
    assert [m["response"] for m in messages] == ["utter_faq_no_answer"]


async def test_nothing_good_enough_is_said_honestly_and_logged_masked(faq_context) -> None:
    text = "harga tiket pesawat ke jakarta, hubungi 081234567890"
    tracker = make_tracker(text, intent="ask_faq")
    events, messages = await run_action(_action(faq_context), tracker)
    assert events == []
    assert [m["response"] for m in messages] == ["utter_faq_no_answer"]
    with faq_context.factory.begin() as session:  # type: ignore[union-attr]
        logged = list(session.execute(select(UnansweredQuestion.text)).scalars())
    assert logged == ["harga tiket pesawat ke jakarta, hubungi 0812*****90"]


async def test_an_edit_is_served_on_the_next_reply(faq_context) -> None:
    action = _action(faq_context)
    tracker = make_tracker("ibu hamil bisa lewat jalur prioritas?", intent="ask_faq")
    _events, before = await run_action(action, tracker)
    with faq_context.factory.begin() as session:  # type: ignore[union-attr]
        store.edit_entry(session=session, key="prioritas", author="staff", answer="Jawaban baru.")
    _events, after = await run_action(action, tracker)
    assert before[0]["text"] == ANSWERS["prioritas"]
    assert after[0]["text"] == "Jawaban baru."


SOURCE = "https://www.imigrasi.go.id/faq/paspor/layanan-prioritas"
SUMMARY = "Ibu hamil, lansia, penyandang disabilitas dan anak balita dilayani lebih dulu."


def _edit(context: ActionContext, **changes: object) -> None:
    with context.factory.begin() as session:  # type: ignore[union-attr]
        store.edit_entry(session=session, key="prioritas", author="staff", **changes)


async def test_a_long_answer_delivered_in_parts_is_sent_whole(faq_context) -> None:
    long = official_answer(10_000)
    _edit(faq_context, answer=long)
    tracker = make_tracker("x", intent="ask_faq", entities=[entity("faq_key", "prioritas")])
    _events, messages = await run_action(_action(faq_context), tracker)
    assert [m["text"] for m in messages] == [long]  # the inbox splits it for each channel


@pytest.mark.parametrize(
    "tracker",
    [
        make_tracker("ibu hamil bisa lewat jalur prioritas?", intent="ask_faq"),
        make_tracker("x", intent="ask_faq", entities=[entity("faq_key", "prioritas")]),
    ],
    ids=["question", "button"],
)
async def test_a_summary_entry_sends_the_summary_and_the_source_link(faq_context, tracker) -> None:
    _edit(faq_context, delivery="summary", summary=SUMMARY, source_url=SOURCE)
    events, messages = await run_action(_action(faq_context), tracker)
    assert events == []
    assert [(m["response"], m["summary"], m["source"]) for m in messages] == [
        ("utter_faq_summary", SUMMARY, SOURCE)
    ]


async def test_the_summary_reads_as_the_summary_then_the_link() -> None:
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    tracker = DialogueStateTracker("citizen", domain.slots)
    message = await nlg.generate(
        "utter_faq_summary", tracker, "gateway", summary=SUMMARY, source=SOURCE
    )
    assert message is not None
    assert message["text"] == f"{SUMMARY}\n\nSelengkapnya: {SOURCE}"


async def test_an_empty_knowledge_base_says_so(empty_context) -> None:
    tracker = make_tracker("apa saja syarat visa", intent="ask_faq")
    _events, messages = await run_action(_action(empty_context), tracker)
    assert [m["response"] for m in messages] == ["utter_faq_no_answer"]


async def test_out_of_scope_question_on_a_faq_topic_gets_the_answer(faq_context) -> None:
    tracker = make_tracker("paspor sy rusak kena banjir, tetap didenda?", intent="out_of_scope")
    _events, messages = await run_action(_action(faq_context), tracker)
    assert [m["text"] for m in messages] == [ANSWERS["bencana-alam"]]


async def test_out_of_scope_chit_chat_gets_the_polite_decline_and_is_not_logged(
    faq_context, session_factory
) -> None:
    tracker = make_tracker("kasih tau lelucon dong", intent="out_of_scope")
    events, messages = await run_action(_action(faq_context), tracker)
    assert events == []
    assert [m["response"] for m in messages] == ["utter_out_of_scope"]
    with session_factory() as session:
        assert session.execute(select(UnansweredQuestion)).scalars().all() == []


# Two-stage fallback: likely intents as buttons (or a request to rephrase), then give up.

UNCLEAR = "kak yg di singkawang itu gmn ya"
RANKING = [
    {"name": "nlu_fallback", "confidence": 0.5},
    {"name": "ask_office_hours", "confidence": 0.41},
    {"name": "greet", "confidence": 0.3},
    {"name": "ask_office_location", "confidence": 0.22},
    {"name": "ask_quota", "confidence": 0.05},
]


async def test_a_fallback_offers_the_likely_intents_with_the_office_kept(faq_context) -> None:
    tracker = make_tracker(
        UNCLEAR,
        intent="nlu_fallback",
        intent_ranking=RANKING,
        entities=[entity("office", "singkawang", UNCLEAR)],
    )
    _events, messages = await run_action(_action(faq_context), tracker)
    assert [m["response"] for m in messages] == ["utter_faq_suggestions"]
    buttons = messages[0]["buttons"]
    # Curated intents first, most likely first; small talk and unlikely intents are left out.
    assert [(b["title"], b["payload"]) for b in buttons[:2]] == [
        ("Jam buka kantor", '/ask_office_hours{"office": "singkawang"}'),
        ("Alamat kantor imigrasi", '/ask_office_location{"office": "singkawang"}'),
    ]
    assert buttons[-1] == HUMAN_BUTTON
    assert not any("ask_quota" in b["payload"] for b in buttons)


async def test_a_fallback_with_nothing_likely_asks_to_rephrase_and_logs(faq_context) -> None:
    tracker = make_tracker("qwerty zxcv", intent="nlu_fallback", intent_ranking=RANKING[:1])
    _events, messages = await run_action(_action(faq_context), tracker)
    assert [m["response"] for m in messages] == ["utter_ask_rephrase"]
    with faq_context.factory.begin() as session:  # type: ignore[union-attr]
        logged = list(session.execute(select(UnansweredQuestion.text)).scalars())
    assert logged == ["qwerty zxcv"]


@pytest.mark.parametrize("first_stage", ["utter_faq_suggestions", "utter_ask_rephrase"])
async def test_a_second_miss_in_a_row_gives_up_with_a_person_on_offer(
    faq_context, first_stage
) -> None:
    history = [user_event("hmm gimana itu", "nlu_fallback"), bot_event("Maaf…", first_stage)]
    tracker = make_tracker(UNCLEAR, intent="nlu_fallback", intent_ranking=RANKING, history=history)
    _events, messages = await run_action(_action(faq_context), tracker)
    assert [m["response"] for m in messages] == ["utter_faq_no_answer"]


async def test_a_miss_after_an_ordinary_answer_is_a_first_stage_again(faq_context) -> None:
    history = [
        user_event("hmm gimana itu", "nlu_fallback"),
        bot_event("Maaf…", "utter_ask_rephrase"),
        user_event("jam buka kantor", "ask_office_hours"),
        bot_event("Buka 08.00–16.00"),
    ]
    tracker = make_tracker(UNCLEAR, intent="nlu_fallback", intent_ranking=RANKING, history=history)
    assert not first_stage_tried(tracker.events)
    _events, messages = await run_action(_action(faq_context), tracker)
    assert [m["response"] for m in messages] == ["utter_faq_suggestions"]


@pytest.mark.parametrize("fresh_start", ["session_started", "restart"])
async def test_a_miss_in_a_new_session_is_a_first_stage_again(faq_context, fresh_start) -> None:
    history = [
        user_event("hmm gimana itu", "nlu_fallback"),
        bot_event("Maaf…", "utter_ask_rephrase"),
        {"event": fresh_start},
    ]
    tracker = make_tracker(UNCLEAR, intent="nlu_fallback", intent_ranking=RANKING, history=history)
    assert not first_stage_tried(tracker.events)
    _events, messages = await run_action(_action(faq_context), tracker)
    assert [m["response"] for m in messages] == ["utter_faq_suggestions"]


def _parsed(tracker, verdict: dict) -> object:
    """The tracker as the NLU leaves it: with the answer-selection verdict."""
    tracker.latest_message["answer_selection"] = verdict
    return tracker


async def test_after_the_selection_kept_the_intent_a_match_is_only_offered(faq_context) -> None:
    """The selection step judged the entry not likely enough: the action does not overrule it."""
    tracker = make_tracker("paspor sy rusak kena banjir, tetap didenda?", intent="ask_faq")
    verdict = {"winner": "intent", "intent": "ask_faq", "key": "bencana-alam"}
    _events, messages = await run_action(_action(faq_context), _parsed(tracker, verdict))
    assert [m["response"] for m in messages] == ["utter_faq_suggestions"]
    assert faq_payload("bencana-alam") in [b["payload"] for b in messages[0]["buttons"]]


async def test_an_entry_withdrawn_after_the_selection_chose_it_falls_back_to_search(
    faq_context,
) -> None:
    with faq_context.factory.begin() as session:  # type: ignore[union-attr]
        store.edit_entry(session=session, key="prioritas", author="staff", status="archived")
    text = "paspor sy rusak kena banjir, tetap didenda?"
    tracker = make_tracker(text, intent="ask_faq", entities=[entity("faq_key", "prioritas")])
    verdict = {"winner": "knowledge", "intent": "ask_process", "key": "prioritas"}
    _events, messages = await run_action(_action(faq_context), _parsed(tracker, verdict))
    assert [m["response"] for m in messages] == ["utter_faq_suggestions"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert faq_payload("bencana-alam") in payloads and faq_payload("prioritas") not in payloads


async def test_the_entry_the_selection_chose_is_answered(faq_context) -> None:
    tracker = make_tracker("lansia 70 th bisa lgsg dtg?", intent="ask_faq")
    verdict = {"winner": "knowledge", "intent": "ask_process", "key": "prioritas"}
    _events, messages = await run_action(_action(faq_context), _parsed(tracker, verdict))
    assert [m["text"] for m in messages] == [ANSWERS["prioritas"]]


async def test_an_unsure_selection_offers_its_entry_whatever_the_score(faq_context) -> None:
    """The selection could rule out neither the intent nor the entry: both become buttons."""
    text = "paspor sy kerendem, syaratnya apa"  # shares little with the entry's question
    tracker = make_tracker(text, intent="nlu_fallback")
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback", "confidence": 0.35},
        {"name": "ask_requirements", "confidence": 0.30},
    ]
    verdict = {"winner": "unsure", "intent": "ask_requirements", "key": "bencana-alam"}
    _events, messages = await run_action(_action(faq_context), _parsed(tracker, verdict))
    assert [m["response"] for m in messages] == ["utter_faq_suggestions"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == "/ask_requirements" and faq_payload("bencana-alam") in payloads
