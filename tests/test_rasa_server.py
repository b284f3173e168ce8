"""The Rasa speed-ups keep Rasa's behaviour: every action reply is still validated."""

from collections.abc import Iterator

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine

from bot import rasa_server

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
