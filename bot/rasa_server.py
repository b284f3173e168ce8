"""`python -m bot.rasa_server run …`: Rasa's command line, sped up and safe for the gateway.

Profiling Rasa 3.6 under load (docs/benchmarks.md, "Where the time goes") showed:

1. A third of its time in `RemoteAction._validate_action_result`: every action-server reply is
   checked with `jsonschema.validate`, which first re-validates Rasa's own (constant) schema
   against the JSON Schema meta-schema. We build the validator once and keep validating every
   reply against the same schema, with the same error; only the repeated meta-check goes.
2. A quarter in the SQLite tracker store: SQLAlchemy 1.4 gives a SQLite file a NullPool, so
   every retrieve and save opened and closed a connection, and Rasa leaves it in
   rollback-journal mode with a full sync per commit. A SQLite tracker store now gets a
   connection pool, WAL and synchronous=NORMAL (safe from corruption; a power cut may lose the
   last conversation turns, never the inbox's messages, which the gateway keeps in its own
   database with full syncs). PostgreSQL, the production store, is untouched. (The pragmas
   apply to every SQLite connection of the Rasa process; the tracker store is the only one.)

Two guarantees the gateway relies on (`install_gateway_guarantees`; the shared turn state and
the replay are in `bot.rasa_turns`):

3. Atomic turns. Rasa 3.6 logs a failed custom action (action server down or crashing),
   carries on without its events, saves the tracker with the user message and answers with
   nothing; the gateway took the silence for a failure and resent the message, so the tracker
   held the same user turn several times. Now a `RemoteAction` failure other than
   `ActionExecutionRejection` marks the turn; `MessageProcessor._run_action` raises
   `ActionServerUnavailable` when it returns, before `save_tracker` runs (and `save_tracker`
   refuses a marked turn), so the tracker stays as it was before the message and the gateway
   channel answers 503. Actions that succeeded earlier in the same turn are run again when the
   message is retried. Exception: the action of a custom slot mapping (`action_detect_language`,
   run by `action_extract_slots` after every message) only fills slots; when it fails, Rasa
   leaves them as they were and the turn goes on, so a reply in the previous language never
   waits for the action server.
4. Idempotent replay. A message the gateway resends with `retry: true` is looked up by its
   `message_id` in the conversation's tracker (all sessions) inside `handle_message`, i.e.
   while `Agent.handle_message` holds the conversation's lock: a retry that arrives while the
   first attempt is still running waits for it and then finds it. A processed message is not
   processed again; its stored bot messages are sent again. Without `retry` nothing extra is
   read.

`main()` first masks the whole process's output (`bot.logging_setup.install_process_masking`:
Rasa, Sanic and TensorFlow write to stdout/stderr directly, not only through our logging), then
installs both sets of patches. Everything else is Rasa's own command line, unchanged.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Awaitable, Callable
from functools import lru_cache, wraps
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import QueuePool

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _action_response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    """Rasa's check of an action-server reply, with the validator built once."""
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the "
        f"Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def _tracker_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        # sqlite3's own 5 s; Rasa waits on the event loop, so a long wait would stall it.
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def _tracker_engine_kwargs(original: Callable[[Any], dict[str, Any]]) -> Callable[..., Any]:
    def engine_kwargs(url: Any) -> dict[str, Any]:
        parsed = make_url(str(url)) if not isinstance(url, URL) else url
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            return {"poolclass": QueuePool, "connect_args": {"check_same_thread": False}}
        return original(url)

    engine_kwargs.original = original  # type: ignore[attr-defined]
    return engine_kwargs


def install_speedups() -> None:
    """Patch this process's Rasa; idempotent."""
    from rasa.core import tracker_store
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result
    if not hasattr(tracker_store.create_engine_kwargs, "original"):
        tracker_store.create_engine_kwargs = _tracker_engine_kwargs(
            tracker_store.create_engine_kwargs
        )
    if not event.contains(Engine, "connect", _tracker_sqlite_pragmas):
        event.listen(Engine, "connect", _tracker_sqlite_pragmas)


def _record_failures(original: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """Wrap `RemoteAction.run`: a failure other than a rejection marks the current turn."""
    from rasa.core.actions.action import ActionExecutionRejection

    from bot.rasa_turns import current_turn

    @wraps(original)
    async def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return await original(self, *args, **kwargs)
        except ActionExecutionRejection:
            raise  # the action declined to run; Rasa predicts another one, as it should
        except Exception as exc:
            turn = current_turn.get()
            domain = args[3] if len(args) > 3 else kwargs.get("domain")
            if (
                turn is not None
                and turn.failed_action is None
                and not fills_slots_only(self.name(), domain)
            ):
                turn.failed_action = self.name()
                turn.unreachable = _action_server_unreachable(exc)
            raise

    return run


def fills_slots_only(action_name: str, domain: Any) -> bool:
    """Whether the action is a custom slot mapping's (run by `action_extract_slots`)."""
    return any(
        mapping.get("type") == "custom" and mapping.get("action") == action_name
        for slot in getattr(domain, "slots", None) or ()
        for mapping in slot.mappings
    )


UNAVAILABLE_STATUSES = frozenset({401, 403, 404, 502, 503, 504})  # down or misconfigured


def _action_server_unreachable(exc: BaseException) -> bool:
    """Whether a failed action call means the action server is down (else the action failed).

    Down: no connection, or an answer that says the server is not there or refuses us. An
    action that raised (rasa-sdk answers 500) or timed out is this message's failure.
    """
    import aiohttp
    from rasa.utils.endpoints import ClientResponseError  # Rasa's own, with the status

    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, ClientResponseError | aiohttp.ClientResponseError):
            return cause.status in UNAVAILABLE_STATUSES
        if isinstance(cause, aiohttp.ServerTimeoutError):
            return False
        if isinstance(cause, aiohttp.ClientConnectionError | ConnectionError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


def _raise_if_turn_failed() -> None:
    from bot.rasa_turns import ActionServerUnavailable, TurnFailed, current_turn

    turn = current_turn.get()
    if turn is not None and turn.failed_action is not None:
        if turn.unreachable:
            raise ActionServerUnavailable(f"action server unreachable ({turn.failed_action!r})")
        raise TurnFailed(f"custom action {turn.failed_action!r} failed")


def _abort_after_failed_action(original: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """Wrap `MessageProcessor._run_action`: after a failed custom action, stop the turn."""

    @wraps(original)
    async def run_action(self: Any, *args: Any, **kwargs: Any) -> Any:
        should_predict_another_action = await original(self, *args, **kwargs)
        _raise_if_turn_failed()  # Rasa logged the failure and went on; we do not
        return should_predict_another_action

    return run_action


def _refuse_to_save_failed_turn(original: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """Wrap `MessageProcessor.save_tracker`: never save a turn marked as failed.

    A failure outside `_run_action` (a slot-validation action run by `action_extract_slots`,
    which Rasa catches) is still caught here, before anything is written.
    """

    @wraps(original)
    async def save_tracker(self: Any, *args: Any, **kwargs: Any) -> Any:
        _raise_if_turn_failed()
        return await original(self, *args, **kwargs)

    return save_tracker


def _replay_or_handle(original: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    """Wrap `MessageProcessor.handle_message`: replay a processed retry, else run one turn."""
    from rasa.core.channels.channel import CollectingOutputChannel

    from bot.rasa_turns import TurnState, current_turn, gateway_request, replay_turn

    @wraps(original)
    async def handle_message(self: Any, message: Any) -> Any:
        request = gateway_request.get()
        if request is not None and request.retry and request.message_id == message.message_id:
            # FailSafeTrackerStore turns a read error into "no such conversation", which here
            # would mean processing the message twice: read the primary store, let errors out.
            store = getattr(self.tracker_store, "_tracker_store", self.tracker_store)
            tracker = await store.retrieve_full_tracker(message.sender_id)
            if tracker is not None and await replay_turn(
                tracker.events, message.message_id, message.output_channel, message.sender_id
            ):
                logger.info("message %s was already processed: replayed", message.message_id)
                if isinstance(message.output_channel, CollectingOutputChannel):
                    return message.output_channel.messages
                return None
        token = current_turn.set(TurnState())
        try:
            return await original(self, message)
        finally:
            current_turn.reset(token)

    return handle_message


def install_gateway_guarantees() -> None:
    """Make turns atomic on action failure and retries idempotent; idempotent itself."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor

    if hasattr(MessageProcessor.handle_message, "__wrapped__"):
        return
    RemoteAction.run = _record_failures(RemoteAction.run)
    MessageProcessor._run_action = _abort_after_failed_action(MessageProcessor._run_action)
    MessageProcessor.save_tracker = _refuse_to_save_failed_turn(MessageProcessor.save_tracker)
    MessageProcessor.handle_message = _replay_or_handle(MessageProcessor.handle_message)


def main() -> None:
    from bot.logging_setup import install_process_masking

    install_process_masking()
    install_speedups()
    install_gateway_guarantees()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
