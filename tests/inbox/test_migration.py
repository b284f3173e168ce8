"""Revision 0004: the inbox schema matches the models, and an older gateway's rows move on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, text

from bot.db.base import Base
from bot.db.engine import make_engine, make_session_factory, upgrade_database
from bot.inbox import answers, store
from bot.inbox.models import InboundKind

TABLES = {"contacts", "inbound_messages", "outbound_messages"}
RECEIVED = datetime(2026, 12, 1, 3, 0)  # naive UTC, as stored


def test_migrated_schema_matches_the_models(fresh_url) -> None:
    upgrade_database(fresh_url)
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        if table.name in TABLES:
            table.to_metadata(metadata)
    engine = make_engine(fresh_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, type_, _p: type_ != "table" or name in TABLES},
        )
        differences = compare_metadata(context, metadata)
    engine.dispose()
    assert differences == []


def test_an_older_gateways_messages_are_retried_and_typed_commands_stay_text(fresh_url) -> None:
    upgrade_database(fresh_url, "0003_knowledge")
    engine = make_engine(fresh_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO contacts (id, channel, external_id, conversation_id, handled_by,"
                " active, language, created_at, last_seen_at) VALUES (1, 'telegram', '42',"
                " 'conv-1', 'bot', :yes, 'id', :at, :at)"
            ),
            {"at": RECEIVED, "yes": True},
        )
        rows = [  # (id, status, text, payload): claimed when the old gateway died, a failed
            # typed command, a forged payload kept for retry, a message queued behind them
            (1, "processing", "halo", None),
            (2, "failed", "/ /restart", None),
            (3, "failed", None, "/restart"),
            (4, "received", "kuota kapan", None),
        ]
        for row_id, status, typed, payload in rows:
            connection.execute(
                text(
                    "INSERT INTO inbound_messages (id, contact_id, channel, external_message_id,"
                    " text, payload, status, attempts, received_at, claimed_at) VALUES"
                    " (:id, 1, 'telegram', :mid, :text, :payload, :status, 1, :at, :at)"
                ),
                {"id": row_id, "mid": str(row_id), "text": typed, "payload": payload,
                 "status": status, "at": RECEIVED},
            )  # fmt: skip
        connection.execute(
            text(
                "INSERT INTO outbound_messages (id, contact_id, inbound_id, channel, body, status,"
                " attempts, created_at) VALUES (1, 1, 1, 'telegram', '{}', 'sent', 1, :at)"
            ),
            {"at": RECEIVED},
        )
    engine.dispose()

    upgrade_database(fresh_url)
    engine = make_engine(fresh_url)
    with engine.connect() as connection:  # rebuilding a table never unlinks the replies
        linked = connection.execute(text("SELECT inbound_id FROM outbound_messages")).scalar()
    engine.dispose()
    assert linked == 1

    factory = make_session_factory(make_engine(fresh_url))
    now = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)
    lease = timedelta(seconds=60)
    seen = []
    for _ in range(4):  # the drain loop's steps, one message at a time, in order
        with factory.begin() as session:
            assert store.due_heads(session=session, now=now, limit=10) == [1]
            claim = store.claim_head(session=session, contact_id=1, now=now, lease=lease)
        assert claim is not None
        seen.append((claim.inbound_id, answers.answer(claim)))
        with factory.begin() as session:
            store.complete(session=session, claim=claim, replies=[], delivered=False, now=now)
    assert [inbound_id for inbound_id, _ in seen] == [1, 2, 3, 4]
    assert seen[0][1] == "halo"
    assert seen[1][1] == "restart"  # what Rasa gets: text, never the command
    assert isinstance(seen[2][1], answers.LocalAnswer)  # a reserved payload never reaches Rasa
    assert seen[3][1] == "kuota kapan"
    with factory() as session:
        kinds = session.execute(text("SELECT kind FROM inbound_messages ORDER BY id")).scalars()
        assert list(kinds) == [InboundKind.TEXT, InboundKind.TEXT, InboundKind.BUTTON, "text"]
