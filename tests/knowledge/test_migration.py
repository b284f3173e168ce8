"""Revision 0003_knowledge matches the knowledge models and starts the counter at 0."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

from bot.db.base import Base
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.knowledge import models  # noqa: F401 - register the tables
from bot.knowledge.store import current_revision

TABLES = {"knowledge_entries", "knowledge_revisions", "knowledge_state", "unanswered_questions"}


def test_migrated_schema_matches_the_models(sqlite_url) -> None:
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        if table.name in TABLES:
            table.to_metadata(metadata)
    engine = make_engine(sqlite_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, type_, _p: type_ != "table" or name in TABLES},
        )
        differences = compare_metadata(context, metadata)
    with make_session_factory(engine).begin() as session:
        assert current_revision(session=session) == 0
    engine.dispose()
    assert differences == []


def test_downgrade_removes_the_tables(tmp_path) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from bot.db.engine import alembic_config

    url = f"sqlite:///{tmp_path / 'down.db'}"
    upgrade_database(url)
    command.downgrade(alembic_config(url), "0002_inbox")
    engine = make_engine(url)
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
