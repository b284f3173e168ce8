"""The Rasa component that lets a published entry answer instead of the classifier's intent."""

from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from sqlalchemy.exc import OperationalError

from bot.knowledge.store import EntryData, save_entry
from bot.nlu.knowledge_selector import OUTPUT_KEY, KnowledgeSelector

WIFI = "Ada, Kak. Ruang tunggu kami punya wifi gratis; kata sandinya di papan informasi."


def message(text: str, intent: str, confidence: float) -> Message:
    ranking = [{"name": intent, "confidence": confidence}, {"name": "greet", "confidence": 0.01}]
    return Message(
        data={TEXT: text, INTENT: {"name": intent, "confidence": confidence},
              INTENT_RANKING_KEY: ranking, ENTITIES: []}
    )  # fmt: skip


def publish_wifi(factory) -> None:
    with factory.begin() as session:
        data = EntryData(
            category="fasilitas",
            question="Apakah ada wifi gratis di ruang tunggu kantor imigrasi?",
            answer=WIFI,
            status="published",
        )
        save_entry(session=session, key="wifi-ruang-tunggu", data=data, author="staf")


def test_a_published_entry_on_a_new_topic_takes_the_message(faq_factory):
    publish_wifi(faq_factory)
    selector = KnowledgeSelector(factory=faq_factory)
    asked = message("di ruang tunggu ada wifi gratis ga min", "ask_process", 0.95)
    [parsed] = selector.process([asked])
    assert parsed.get(INTENT)["name"] == "ask_faq"
    assert parsed.get(INTENT_RANKING_KEY)[0]["name"] == "ask_faq"
    ranking = parsed.get(INTENT_RANKING_KEY)
    assert ranking[0]["confidence"] - ranking[1]["confidence"] > 0.05  # no ambiguity fallback
    [entity] = parsed.get(ENTITIES)
    assert (entity["entity"], entity["value"]) == ("faq_key", "wifi-ruang-tunggu")
    verdict = parsed.get(OUTPUT_KEY)
    assert verdict["winner"] == "knowledge" and verdict["intent"] == "ask_process"


def test_a_greeting_stays_a_greeting(faq_factory):
    publish_wifi(faq_factory)
    [parsed] = KnowledgeSelector(factory=faq_factory).process([message("halo min", "greet", 0.97)])
    assert parsed.get(INTENT)["name"] == "greet"
    assert parsed.get(ENTITIES) == []


def test_without_a_readable_knowledge_base_the_intent_stands(caplog):
    class Broken:
        def begin(self):
            raise OperationalError("SELECT 1", {}, Exception("database is down"))

    selector = KnowledgeSelector(factory=Broken())  # type: ignore[arg-type]
    [parsed] = selector.process([message("ada wifi?", "ask_process", 0.9)])
    assert parsed.get(INTENT)["name"] == "ask_process"
    assert parsed.get(OUTPUT_KEY) is None
    assert "Knowledge base not readable" in caplog.text
