"""FAQ delivery: per entry, the whole answer in parts or a staff summary with the source link.

Revision ID: 0005_faq_delivery
Revises: 0004_trustworthy_inbox

Plain ADD COLUMN, with the CHECK on the column, on every backend: a batch migration would make
SQLite copy the table and drop the old one, and dropping it with foreign keys on deletes every
revision (ON DELETE CASCADE).
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_faq_delivery"
down_revision = "0004_trustworthy_inbox"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every existing entry keeps what it did: the whole answer.
    op.add_column(
        "knowledge_entries",
        sa.Column(
            "delivery",
            sa.String(length=16),
            sa.CheckConstraint(
                "delivery IN ('parts', 'summary')", name=op.f("ck_knowledge_entries_delivery")
            ),
            nullable=False,
            server_default="parts",
        ),
    )
    op.add_column("knowledge_entries", sa.Column("summary", sa.Text(), nullable=True))


def downgrade() -> None:
    # SQLite 3.35+ drops a column in place, its own CHECK with it
    op.drop_column("knowledge_entries", "summary")
    op.drop_column("knowledge_entries", "delivery")
