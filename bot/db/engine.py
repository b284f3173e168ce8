"""Engines, session factories and migrations; one engine per process, built from settings."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot import PROJECT_ROOT

T = TypeVar("T")

MIGRATIONS_DIR = PROJECT_ROOT / "bot" / "db" / "migrations"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite files get WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        # SQLAlchemy 1.4 gives SQLite files a NullPool: a new connection (and these pragmas)
        # per session. A pool keeps them open (docs/benchmarks.md, "Where the time goes").
        if parsed.database and parsed.database != ":memory:":
            kwargs.setdefault("poolclass", QueuePool)
            kwargs.setdefault("max_overflow", -1)  # as many as worker threads ask for, as before
        engine = create_engine(url, future=True, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, future=True, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker:
    """Return the process's session factory; use `with factory.begin() as session:`."""
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def alembic_config(url: str) -> Any:
    """Build an Alembic config that points at our migrations and the given database."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision`."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def ping(engine: Engine) -> bool:
    """Return True when the database answers a trivial query."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "down" for a health check
        return False


@functools.lru_cache(maxsize=1)
def process_session_factory() -> sessionmaker:
    """Return the session factory of a process that has no start-up hook (the action server).

    Built once, on first use, from DATABASE_URL; the settings are not read again.
    """
    from bot.settings import load_settings

    return make_session_factory(make_engine(load_settings().database_url))


async def run_db(fn: Callable[..., T], *, factory: sessionmaker, **kwargs: Any) -> T:
    """Run a query function in a worker thread inside one short transaction.

    The function receives `session=` plus the given keyword arguments and must return plain
    values (views), not ORM objects that outlive the session.
    """

    def _work() -> T:
        session: Session
        with factory.begin() as session:
            return fn(session=session, **kwargs)

    return await asyncio.to_thread(_work)
