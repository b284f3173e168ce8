"""The Rasa component that lets a published entry answer instead of the classifier's intent."""

from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from sqlalchemy.exc import OperationalError

from bot.knowledge.retrieval import KnowledgeCache
from bot.knowledge.selection import PARSE_KEY
from bot.knowledge.store import EntryData, save_entry
from bot.knowledge.vocabulary_store import add_term
from bot.nlu.knowledge_selector import KnowledgeSelector

WIFI = "Ada, Kak. Ruang tunggu kami punya wifi gratis; kata sandinya di papan informasi."


def fresh() -> KnowledgeCache:
    """A cache of this test's own (each test's database is new; the process cache is not)."""
    return KnowledgeCache(check_interval=0)


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
    selector = KnowledgeSelector(factory=faq_factory, cache=fresh())
    asked = message("di ruang tunggu ada wifi gratis ga min", "ask_process", 0.95)
    [parsed] = selector.process([asked])
    assert parsed.get(INTENT)["name"] == "ask_faq"
    assert parsed.get(INTENT_RANKING_KEY)[0]["name"] == "ask_faq"
    ranking = parsed.get(INTENT_RANKING_KEY)
    assert ranking[0]["confidence"] - ranking[1]["confidence"] > 0.05  # no ambiguity fallback
    assert parsed.get(ENTITIES) == []  # the entry is not something the citizen said
    verdict = parsed.get(PARSE_KEY)
    assert verdict["winner"] == "knowledge" and verdict["intent"] == "ask_process"


def test_a_greeting_stays_a_greeting(faq_factory):
    publish_wifi(faq_factory)
    [parsed] = KnowledgeSelector(factory=faq_factory, cache=fresh()).process(
        [message("halo min", "greet", 0.97)]
    )
    assert parsed.get(INTENT)["name"] == "greet"
    assert parsed.get(ENTITIES) == []


def test_without_a_readable_knowledge_base_the_intent_stands(caplog):
    class Broken:
        def begin(self):
            raise OperationalError("SELECT 1", {}, Exception("database is down"))

    selector = KnowledgeSelector(factory=Broken())  # type: ignore[arg-type]
    [parsed] = selector.process([message("ada wifi?", "ask_process", 0.9)])
    assert parsed.get(INTENT)["name"] == "ask_process"
    assert parsed.get(PARSE_KEY) is None
    assert "Knowledge base not readable" in caplog.text


KITAP = "Untuk KITAP siapkan paspor, KITAS yang masih berlaku dan surat jaminan penjamin."


def publish_kitap(factory) -> None:
    with factory.begin() as session:
        data = EntryData(category="izin-tinggal", question="Apa saja syarat mengajukan KITAP?",
                         answer=KITAP, status="published")  # fmt: skip
        save_entry(session=session, key="kitap-syarat", data=data, author="staf")


def test_words_an_intent_was_never_trained_on_let_the_entry_win(faq_factory):
    """ask_requirements, trained on passport documents only, does not own a KITAP question."""
    publish_kitap(faq_factory)
    trained = {"ask_requirements": ["syarat bikin paspor apa saja", "dokumen paspor baru apa"]}
    asked = message("dokumen apa saja untuk mengajukan KITAP?", "ask_requirements", 0.9)
    selector = KnowledgeSelector(examples=trained, factory=faq_factory, cache=fresh())
    [parsed] = selector.process([asked])
    assert parsed.get(PARSE_KEY)["key"] == "kitap-syarat"
    assert parsed.get(INTENT)["name"] == "ask_faq"
    # the same intent trained on KITAP questions too keeps the message
    trained["ask_requirements"].append("syarat kitap apa saja")
    again = message("dokumen apa saja untuk mengajukan KITAP?", "ask_requirements", 0.9)
    selector = KnowledgeSelector(examples=trained, factory=faq_factory, cache=fresh())
    [parsed] = selector.process([again])
    assert parsed.get(INTENT)["name"] == "ask_requirements"


def test_an_intent_without_stored_examples_gets_no_discount(faq_factory):
    publish_kitap(faq_factory)
    asked = message("dokumen apa saja untuk mengajukan KITAP?", "ask_requirements", 0.9)
    [parsed] = KnowledgeSelector(factory=faq_factory, cache=fresh()).process([asked])
    assert parsed.get(INTENT)["name"] == "ask_requirements"


def test_the_win_is_never_read_as_an_ambiguous_parse(faq_factory):
    publish_wifi(faq_factory)
    asked = message("di ruang tunggu ada wifi gratis ga min", "ask_process", 0.99)
    [parsed] = KnowledgeSelector(factory=faq_factory, cache=fresh()).process([asked])
    first, second = parsed.get(INTENT_RANKING_KEY)[:2]
    assert first["name"] == "ask_faq"
    assert first["confidence"] - second["confidence"] >= 0.05  # config.yml ambiguity_threshold


def test_examples_survive_persist_and_load(tmp_path):
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    storage = LocalModelStorage(tmp_path)
    resource = Resource("knowledge_selector")
    data = TrainingData([Message(data={TEXT: "kapan kuota dibuka", INTENT: "ask_quota"})])
    selector = KnowledgeSelector(storage, resource)
    assert selector.train(data) == resource
    loaded = KnowledgeSelector.load({}, storage, resource, None)  # type: ignore[arg-type]
    assert loaded.examples == {"ask_quota": ["kapan kuota dibuka"]}
    assert {"kuota", "buka"} <= loaded.intent_words["ask_quota"]
    nothing = KnowledgeSelector.load({}, storage, Resource("never_trained"), None)  # type: ignore[arg-type]
    assert nothing.intent_words == {}


def test_an_unreadable_knowledge_base_is_left_alone_for_a_while(caplog, monkeypatch):
    calls = []

    class Broken:
        def begin(self):
            calls.append(1)
            raise OperationalError("SELECT 1", {}, Exception("database is down"))

    selector = KnowledgeSelector(factory=Broken())  # type: ignore[arg-type]
    for _ in range(3):
        [parsed] = selector.process([message("ada wifi?", "ask_process", 0.9)])
        assert parsed.get(INTENT)["name"] == "ask_process"
    assert len(calls) == 1  # not once per message: each would wait for the database
    assert caplog.text.count("Knowledge base not readable") == 1
    monkeypatch.setattr("bot.nlu.knowledge_selector.time.monotonic", lambda: 10**9)
    selector.process([message("ada wifi?", "ask_process", 0.9)])
    assert len(calls) == 2  # tried again after RETRY_SECONDS


def test_the_selection_thresholds_match_config_yml():
    import yaml

    from bot import PROJECT_ROOT
    from bot.knowledge import selection
    from bot.nlu import knowledge_selector

    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    [fallback] = [c for c in config["pipeline"] if c["name"] == "FallbackClassifier"]
    assert selection.FALLBACK_THRESHOLD == fallback["threshold"]
    assert knowledge_selector.AMBIGUITY_GAP == fallback["ambiguity_threshold"]


def test_intent_examples_are_read_with_the_staff_vocabulary(faq_factory):
    """An intent trained on a staff term knows its standard word: it is not new to the intent."""
    with faq_factory.begin() as session:
        data = EntryData(
            category="paspor", question="Paspor hilang, bagaimana?", answer="Lapor.",
            status="published",
        )  # fmt: skip
        save_entry(session=session, key="paspor-hilang-uji", data=data, author="staf")
    trained = {"report_lost_damaged": ["paspor saya nyasar", "paspor nyasar harus apa"]}
    selector = KnowledgeSelector(examples=trained, factory=faq_factory, cache=fresh())

    def winner() -> str:
        [parsed] = selector.process([message("paspor nyasar", "report_lost_damaged", 0.9)])
        return str(parsed.get(PARSE_KEY)["winner"])

    assert winner() == "intent"
    with faq_factory.begin() as session:
        add_term(session=session, term="nyasar", standard="hilang", author="staf")
    # The message now reads "paspor hilang"; so do the intent's examples, in the same selector.
    assert winner() == "intent"


def test_an_unsure_verdict_leaves_the_message_to_the_fallback(faq_factory):
    """Below the FallbackClassifier's threshold, with the ranking's order kept."""
    publish_kitap(faq_factory)
    trained = {"ask_requirements": ["syarat bikin paspor apa saja", "dokumen paspor baru apa"]}
    selector = KnowledgeSelector(examples=trained, factory=faq_factory, cache=fresh())
    asked = message("suami WN malaysia mau urus kitap, bawa apa", "ask_requirements", 0.98)
    [parsed] = selector.process([asked])
    verdict = parsed.get(PARSE_KEY)
    assert (verdict["winner"], verdict["key"]) == ("unsure", "kitap-syarat"), verdict
    assert parsed.get(INTENT)["name"] == "ask_requirements"
    assert parsed.get(INTENT)["confidence"] < 0.35  # config.yml FallbackClassifier threshold
    ranking = parsed.get(INTENT_RANKING_KEY)
    assert [r["name"] for r in ranking] == ["ask_requirements", "greet"]
    assert ranking[0]["confidence"] == parsed.get(INTENT)["confidence"]
