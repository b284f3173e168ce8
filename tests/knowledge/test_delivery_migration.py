"""Revision 0005: entries get a delivery (parts by default) and a summary; nothing else changes.

On SQLite a batch migration would copy knowledge_entries and drop the old table, and with
foreign keys on that deletes every revision (ON DELETE CASCADE): the history must survive.
"""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from bot.db.engine import alembic_config, make_engine, make_session_factory, upgrade_database
from bot.knowledge import store

OLD_SNAPSHOT = {
    "category": "umum",
    "question": "Bisa ganti jadwal?",
    "answer": "Bisa, lewat aplikasi.",
    "examples": "",
    "language": "id",
    "status": "published",
    "valid_from": None,
    "valid_until": None,
    "source_url": None,
}


def _old_entry(url: str) -> None:
    """Write an entry and its revision as revision 0004 stored them."""
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO knowledge_entries (id, key, category, question, answer, examples, "
                "language, status, version, created_at, updated_at, updated_by) VALUES (1, "
                "'reschedule', 'umum', :q, :a, '', 'id', 'published', 1, :t, :t, 'ani')"
            ),
            {
                "q": OLD_SNAPSHOT["question"],
                "a": OLD_SNAPSHOT["answer"],
                "t": "2026-01-05 08:00:00",
            },
        )
        connection.execute(
            text(
                "INSERT INTO knowledge_revisions (entry_id, number, snapshot, changed_fields, "
                "author, created_at) VALUES (1, 1, :s, 'answer', 'ani', :t)"
            ),
            {"s": json.dumps(OLD_SNAPSHOT), "t": "2026-01-05 08:00:00"},
        )
    engine.dispose()


def test_existing_entries_keep_their_history_and_are_delivered_whole(fresh_url) -> None:
    upgrade_database(fresh_url, "0004_trustworthy_inbox")
    _old_entry(fresh_url)
    upgrade_database(fresh_url)
    engine = make_engine(fresh_url)
    with make_session_factory(engine).begin() as session:
        entry = store.get_entry(session=session, key="reschedule")
        assert [r.number for r in store.history(session=session, key="reschedule")] == [1]
        store.edit_entry(session=session, key="reschedule", author="budi", answer="Baru.")
        restored = store.restore_revision(session=session, key="reschedule", number=1, author="c")
    assert entry is not None and (entry.delivery, entry.summary) == ("parts", None)
    assert (restored.answer, restored.delivery, restored.version) == ("Bisa, lewat aplikasi.",
                                                                      "parts", 3)  # fmt: skip
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE knowledge_entries SET delivery = 'pdf'"))
    engine.dispose()


def test_downgrade_removes_the_columns_and_keeps_the_history(fresh_url) -> None:
    upgrade_database(fresh_url, "0004_trustworthy_inbox")
    _old_entry(fresh_url)
    upgrade_database(fresh_url)
    command.downgrade(alembic_config(fresh_url), "0004_trustworthy_inbox")
    engine = make_engine(fresh_url)
    with engine.connect() as connection:
        columns = connection.execute(text("SELECT * FROM knowledge_entries")).keys()
        revisions = connection.execute(text("SELECT count(*) FROM knowledge_revisions")).scalar()
    engine.dispose()
    assert "delivery" not in columns and "summary" not in columns
    assert revisions == 1
