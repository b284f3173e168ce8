"""Run Rasa's command line with two measured speed-ups: `python -m bot.rasa_server run …`.

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

Everything else is Rasa's own command line, unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import QueuePool


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


def main() -> None:
    install_speedups()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
