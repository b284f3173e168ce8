"""Trustworthy inbox: de-duplication per contact, message kinds, leases, failure budget.

Revision ID: 0004_trustworthy_inbox
Revises: 0003_knowledge
"""

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision = "0004_trustworthy_inbox"
down_revision = "0003_knowledge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_constraint("uq_inbound_messages_channel_external_message_id", type_="unique")
        batch.create_unique_constraint(
            "uq_inbound_messages_contact_id_external_message_id",
            ["contact_id", "external_message_id"],
        )
        batch.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="text")
        )
        batch.add_column(
            sa.Column("failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("lease_until", UTCDateTime(), nullable=True))
        batch.create_index("ix_inbound_messages_contact_id_status", ["contact_id", "status"])
    op.execute("UPDATE inbound_messages SET kind = 'button' WHERE payload IS NOT NULL")
    op.execute(
        "UPDATE inbound_messages SET status = 'retrying', "
        "next_attempt_at = COALESCE(next_attempt_at, received_at) WHERE status = 'failed'"
    )
    # A claim held when the old gateway stopped had no lease: due again at once (it would
    # otherwise hold back every later message of its contact forever).
    op.execute(
        "UPDATE inbound_messages SET status = 'retrying', next_attempt_at = received_at "
        "WHERE status = 'processing'"
    )
    op.execute("UPDATE inbound_messages SET status = 'given_up' WHERE status = 'dead'")
    op.execute("UPDATE inbound_messages SET failures = attempts")


def downgrade() -> None:
    op.execute("UPDATE inbound_messages SET status = 'failed' WHERE status = 'retrying'")
    op.execute("UPDATE inbound_messages SET status = 'dead' WHERE status = 'given_up'")
    with op.batch_alter_table("inbound_messages") as batch:
        batch.drop_index("ix_inbound_messages_contact_id_status")
        batch.drop_column("lease_until")
        batch.drop_column("failures")
        batch.drop_column("kind")
        batch.drop_constraint(
            "uq_inbound_messages_contact_id_external_message_id", type_="unique"
        )
        batch.create_unique_constraint(
            "uq_inbound_messages_channel_external_message_id",
            ["channel", "external_message_id"],
        )
