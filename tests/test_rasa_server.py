"""The Rasa patches: speed-ups keep Rasa's behaviour; gateway turns are atomic and replayable.

The patched chain inside a running Rasa (a failed action → 503 and nothing saved, a retry
replayed) is tested against the real process in tests/channels/test_rasa_input.py.
"""

import json
from collections.abc import Iterator

import pytest
from aiohttp import web
from jsonschema import ValidationError
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from bot import rasa_server
from bot.rasa_turns import (
    ActionServerUnavailable,
    TurnFailed,
    TurnState,
    bot_events_of_turn,
    current_turn,
    replay_turn,
)
from tests.helpers.stack import free_port

VALID = {
    "events": [{"event": "slot", "name": "office", "value": "singkawang"}],
    "responses": [{"text": "Halo", "buttons": [{"title": "Ya", "payload": "/affirm"}]}],
}


@pytest.fixture(autouse=True)
def speedups(monkeypatch) -> Iterator[None]:
    """Install the speed-ups for one test and take them out again afterwards."""
    monkeypatch.setattr(
        RemoteAction, "_validate_action_result", RemoteAction._validate_action_result
    )
    from rasa.core import tracker_store

    monkeypatch.setattr(tracker_store, "create_engine_kwargs", tracker_store.create_engine_kwargs)
    rasa_server.install_speedups()
    yield
    event.remove(Engine, "connect", rasa_server._tracker_sqlite_pragmas)


@pytest.fixture
def action() -> RemoteAction:
    return RemoteAction("action_quota_info", None)


def test_the_patch_is_installed(action):
    assert RemoteAction._validate_action_result is rasa_server._validate_action_result


def test_a_valid_reply_passes(action):
    assert action._validate_action_result(VALID) is True


@pytest.mark.parametrize(
    "reply",
    [
        {"events": [{"name": "no event type"}]},
        {"events": "not a list"},
        {"responses": [{"text": 5}]} | {"events": [{"event": 7}]},
    ],
)
def test_an_invalid_reply_is_still_rejected_with_rasas_message(action, reply):
    with pytest.raises(ValidationError) as caught:
        action._validate_action_result(reply)
    assert "Failed to validate Action server response" in caught.value.message


def test_sqlite_tracker_store_connections_get_wal_and_normal_sync(tmp_path):
    rasa_server.install_speedups()  # a second time: still one listener
    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    engine.dispose()


def test_a_sqlite_tracker_store_keeps_its_connections_open(tmp_path):
    from rasa.core import tracker_store

    rasa_server.install_speedups()
    store = tracker_store.SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "tracker.db"))
    assert type(store.engine.pool).__name__ == "QueuePool"
    postgres = tracker_store.create_engine_kwargs("postgresql://u@h/db")
    assert "poolclass" not in postgres and postgres["pool_size"] > 0


# --- gateway guarantees: the replay of a processed turn ----------------------------------------

SENDER = "conv-1"
BUTTONS = [{"title": "Kuota", "payload": "/ask_quota"}, {"title": "Biaya", "payload": "/ask_fees"}]


def processed_conversation() -> DialogueStateTracker:
    """A real tracker after three turns, as Rasa's processor leaves it."""
    tracker = DialogueStateTracker(SENDER, [])
    greet = {"utter_action": "utter_greet"}
    for step in [
        ActionExecuted("action_session_start"),
        ActionExecuted("action_listen"),
        UserUttered("halo", {"name": "greet", "confidence": 0.99}, message_id="m-1"),
        ActionExecuted("utter_greet"),
        BotUttered("Halo!\n\nAda yang bisa dibantu?", {"buttons": BUTTONS}, metadata=greet),
        ActionExecuted("action_listen"),
        UserUttered("kuota kapan", {"name": "ask_quota", "confidence": 0.9}, message_id="m-2"),
        ActionExecuted("action_quota_info"),
        SlotSet("last_topic", "quota"),
        BotUttered("Kuota dibuka Senin 08.00."),
        BotUttered(None, {"image": "https://example.org/jadwal.png"}),
        BotUttered("Ada lagi?", {"custom": {"kind": "survey"}}),
        ActionExecuted("action_listen"),
        UserUttered("ok", {"name": "affirm", "confidence": 0.8}, message_id="m-3"),
        ActionExecuted("action_listen"),
    ]:
        tracker.update(step)
    return tracker


def stored(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker as the SQL tracker store gives it back: each event through JSON."""
    events = [json.loads(json.dumps(event.as_dict())) for event in tracker.events]
    return DialogueStateTracker.from_dict(tracker.sender_id, events, [])


async def replayed(tracker: DialogueStateTracker, message_id: str) -> list[dict] | None:
    collector = CollectingOutputChannel()
    if not await replay_turn(tracker.events, message_id, collector, SENDER):
        assert collector.messages == []
        return None
    return collector.messages


async def test_a_replayed_turn_gives_the_messages_of_that_turn_in_the_collector_shape():
    tracker = stored(processed_conversation())
    assert await replayed(tracker, "m-1") == [
        {"recipient_id": SENDER, "text": "Halo!\n\nAda yang bisa dibantu?", "buttons": BUTTONS},
    ]
    assert await replayed(tracker, "m-2") == [
        {"recipient_id": SENDER, "text": "Kuota dibuka Senin 08.00."},
        {"recipient_id": SENDER, "image": "https://example.org/jadwal.png"},
        {"recipient_id": SENDER, "text": "Ada lagi?"},
        {"recipient_id": SENDER, "custom": {"kind": "survey"}},
    ]


async def test_text_without_buttons_is_split_into_paragraphs_as_rasa_sends_it():
    tracker = DialogueStateTracker(SENDER, [])
    tracker.update(UserUttered("halo", message_id="m-9"))
    tracker.update(BotUttered("Satu.\n\nDua."))
    assert await replayed(stored(tracker), "m-9") == [
        {"recipient_id": SENDER, "text": "Satu."},
        {"recipient_id": SENDER, "text": "Dua."},
    ]


async def test_a_processed_turn_without_bot_messages_replays_as_an_empty_answer():
    assert await replayed(stored(processed_conversation()), "m-3") == []


async def test_an_unknown_message_id_is_not_replayed():
    tracker = stored(processed_conversation())
    assert await replayed(tracker, "m-4") is None
    assert bot_events_of_turn(tracker.events, "") is None


def test_a_message_processed_twice_replays_its_latest_answer():
    tracker = processed_conversation()
    tracker.update(UserUttered("halo", message_id="m-1"))
    tracker.update(BotUttered("Halo lagi!"))
    answer = bot_events_of_turn(tracker.events, "m-1")
    assert [event.text for event in answer or []] == ["Halo lagi!"]


# --- gateway guarantees: a failed custom action marks the turn ----------------------------------


@pytest.fixture
def guarantees(monkeypatch) -> None:
    """Install the gateway guarantees for one test; monkeypatch takes them out afterwards."""
    monkeypatch.setattr(RemoteAction, "run", RemoteAction.run)
    for name in ("_run_action", "save_tracker", "handle_message"):
        monkeypatch.setattr(MessageProcessor, name, getattr(MessageProcessor, name))
    rasa_server.install_gateway_guarantees()


@pytest.fixture
def turn() -> Iterator[TurnState]:
    state = TurnState()
    token = current_turn.set(state)
    yield state
    current_turn.reset(token)


async def run_remote_action(url: str) -> list:
    domain = Domain.empty()
    action = RemoteAction("action_quota_info", EndpointConfig(url))
    return await action.run(
        CollectingOutputChannel(),
        TemplatedNaturalLanguageGenerator(domain.responses),
        DialogueStateTracker(SENDER, domain.slots),
        domain,
    )


async def fake_action_server(aiohttp_server, status: int, body: dict) -> str:
    async def webhook(request: web.Request) -> web.Response:
        return web.json_response(body, status=status)

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    server = await aiohttp_server(app)
    return str(server.make_url("/webhook"))


def test_the_guarantees_are_installed_once(guarantees):
    patched = MessageProcessor.handle_message, MessageProcessor._run_action, RemoteAction.run
    rasa_server.install_gateway_guarantees()
    after = MessageProcessor.handle_message, MessageProcessor._run_action, RemoteAction.run
    assert after == patched
    assert hasattr(MessageProcessor.save_tracker, "__wrapped__")


async def test_an_unreachable_action_server_marks_the_turn(guarantees, turn):
    with pytest.raises(Exception, match="Couldn't connect"):
        await run_remote_action(f"http://127.0.0.1:{free_port()}/webhook")
    assert turn.failed_action == "action_quota_info"
    with pytest.raises(ActionServerUnavailable, match="action_quota_info"):
        rasa_server._raise_if_turn_failed()


async def test_an_action_that_crashes_fails_the_turn_as_this_messages_failure(
    guarantees, turn, aiohttp_server
):
    url = await fake_action_server(aiohttp_server, 500, {"error": "boom"})  # rasa-sdk: it raised
    with pytest.raises(Exception, match="Failed to execute custom action"):
        await run_remote_action(url)
    assert turn.failed_action == "action_quota_info" and not turn.unreachable
    with pytest.raises(TurnFailed) as raised:
        rasa_server._raise_if_turn_failed()
    assert not isinstance(raised.value, ActionServerUnavailable)  # counted, not waited out


@pytest.mark.parametrize("status", [401, 404, 502, 503, 504])
async def test_an_action_server_that_refuses_or_is_not_there_is_unavailable(
    guarantees, turn, aiohttp_server, status
):
    url = await fake_action_server(aiohttp_server, status, {"error": "x"})
    with pytest.raises(Exception, match="Failed to execute custom action"):
        await run_remote_action(url)
    assert turn.unreachable
    with pytest.raises(ActionServerUnavailable):
        rasa_server._raise_if_turn_failed()


async def test_a_rejected_action_does_not_mark_the_turn(guarantees, turn, aiohttp_server):
    rejection = {"action_name": "action_quota_info", "error": "not now"}
    url = await fake_action_server(aiohttp_server, 400, rejection)
    with pytest.raises(ActionExecutionRejection):
        await run_remote_action(url)
    assert turn.failed_action is None
    rasa_server._raise_if_turn_failed()  # nothing to raise


async def test_a_successful_action_does_not_mark_the_turn(guarantees, turn, aiohttp_server):
    url = await fake_action_server(aiohttp_server, 200, {"events": [], "responses": []})
    assert await run_remote_action(url) == []
    assert turn.failed_action is None


async def test_outside_a_turn_a_failure_is_only_raised(guarantees):
    with pytest.raises(Exception, match="Couldn't connect"):
        await run_remote_action(f"http://127.0.0.1:{free_port()}/webhook")
    assert current_turn.get() is None
    rasa_server._raise_if_turn_failed()  # no turn, nothing to raise


async def test_a_failed_slot_mapping_action_does_not_mark_the_turn(guarantees, turn):
    """`action_detect_language` only fills the language slot: the reply must not wait for it."""
    domain = Domain.from_yaml(
        """
        version: "3.1"
        slots:
          language:
            type: categorical
            values: [id, en]
            influence_conversation: false
            mappings:
              - type: custom
                action: action_detect_language
        actions:
          - action_detect_language
          - action_quota_info
        """
    )
    url = f"http://127.0.0.1:{free_port()}/webhook"
    tracker = DialogueStateTracker(SENDER, domain.slots)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    detect = RemoteAction("action_detect_language", EndpointConfig(url))
    with pytest.raises(Exception, match="Couldn't connect"):
        await detect.run(CollectingOutputChannel(), nlg, tracker, domain)
    assert turn.failed_action is None
    quota = RemoteAction("action_quota_info", EndpointConfig(url))
    with pytest.raises(Exception, match="Couldn't connect"):
        await quota.run(CollectingOutputChannel(), nlg, tracker, domain)
    assert turn.failed_action == "action_quota_info"
