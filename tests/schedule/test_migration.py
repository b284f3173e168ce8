"""Revision 0001_schedule creates exactly the schedule tables, matching the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect

from bot.db.base import Base
from bot.db.engine import make_engine, upgrade_database

SCHEDULE_TABLES = {
    "offices",
    "services",
    "office_services",
    "opening_hours",
    "closures",
    "quota_releases",
}


def _schedule_metadata() -> MetaData:
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        if table.name in SCHEDULE_TABLES:
            table.to_metadata(metadata)
    return metadata


def _only_schedule_tables(name, type_, parent_names) -> bool:
    return type_ != "table" or name in SCHEDULE_TABLES


def test_revision_creates_only_schedule_tables(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'only.db'}"
    upgrade_database(url, "0001_schedule")
    engine = make_engine(url)
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == SCHEDULE_TABLES


def test_migrated_schema_matches_the_models(db_url) -> None:
    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": _only_schedule_tables}
        )
        differences = compare_metadata(context, _schedule_metadata())
        indexes = {ix["name"] for ix in inspect(connection).get_indexes("closures")}
    engine.dispose()
    assert differences == []
    assert {"ix_closures_day", "uq_closures_all_offices_day"} <= indexes
