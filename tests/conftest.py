"""Shared fixtures: migrated databases on SQLite (always) and PostgreSQL (when reachable)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import sessionmaker

from bot.db.base import Base
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from tests.helpers.postgres import postgres_unavailable_reason, scratch_database


@pytest.fixture(autouse=True)
def asyncio_default_loop() -> None:
    """Run every test on asyncio's own event loop, as the gateway runs in production.

    Importing Sanic (Rasa's web server, e.g. through `bot.channels.rasa_input`) and starting a
    Sanic server switch the whole process to uvloop's loop policy.
    """
    asyncio.set_event_loop_policy(asyncio.DefaultEventLoopPolicy())


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """Create a scratch PostgreSQL database, migrate it, and drop it at the end."""
    reason = postgres_unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    with scratch_database() as url:
        upgrade_database(url)
        yield url


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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(request, tmp_path) -> Iterator[str]:
    """An empty database, not migrated (for migration tests): SQLite, or PostgreSQL's own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    reason = postgres_unavailable_reason()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {reason}")
        pytest.skip(reason)
    with scratch_database("bot_migration") as url:
        yield url


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
