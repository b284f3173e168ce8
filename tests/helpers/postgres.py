"""Scratch PostgreSQL databases for tests and benchmarks, dropped afterwards."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.db.engine import make_engine

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


def postgres_unavailable_reason() -> str | None:
    """Return None when PostgreSQL answers, else the reason it does not."""
    try:
        engine = make_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - report any failure as the reason
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}"


@contextmanager
def scratch_database(prefix: str = "bot_test") -> Iterator[str]:
    """Create an empty database, yield its URL, drop it (and its connections) at the end."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
