"""Shared fixtures: migrated databases on SQLite (always) and PostgreSQL (when reachable)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from bot.db.base import Base
from bot.db.engine import make_engine, make_session_factory, upgrade_database

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)


def _postgres_available() -> str | None:
    """Return None when PostgreSQL answers, else the reason it does not."""
    try:
        engine = make_engine(POSTGRES_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - report any failure as the skip reason
        return f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Create a scratch PostgreSQL database, migrate it, and drop it at the end."""
    reason = _postgres_available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    name = f"bot_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)
    yield url
    with admin.connect() as connection:
        connection.execute(
            text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
            {"name": name},
        )
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgrade_database(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request) -> str:
    """A migrated, empty database: a fresh SQLite file, or the shared PostgreSQL one."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def session_factory(db_url: str) -> Iterator[sessionmaker]:
    """A session factory on `db_url`; every table is emptied afterwards."""
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    yield factory
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def session(session_factory: sessionmaker) -> Iterator:
    """One transaction, committed at the end of the test (the factory fixture cleans up)."""
    with session_factory.begin() as db_session:
        yield db_session
