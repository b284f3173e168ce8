"""Alembic environment: runs migrations against the URL given in the config."""

from alembic import context

import bot.inbox.models  # noqa: F401 - register tables on the metadata
import bot.knowledge.models  # noqa: F401 - register tables on the metadata
import bot.schedule.models  # noqa: F401 - register tables on the metadata
from bot.db.base import Base
from bot.db.engine import make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # Batch mode rebuilds a table (copy, drop, rename). With foreign keys on, dropping
            # the old table would run ON DELETE actions on the rows that point at it (replies
            # would lose their message, revisions their entry). The pragma only takes effect
            # outside a transaction; the integrity check below replaces it for the migration.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left dangling references: {broken[:5]}")
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
