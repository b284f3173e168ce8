"""Vocabulary: the words and short phrases staff add, and the standard word each one means.

Revision ID: 0006_vocabulary
Revises: 0005_faq_delivery

A new table only; the built-in word lists stay in code. A change bumps the knowledge-base
revision counter (knowledge_state), so no counter of its own is needed.
"""

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision = "0006_vocabulary"
down_revision = "0005_faq_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vocabulary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.Column("standard", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('same', 'related')", name=op.f("ck_vocabulary_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vocabulary")),
        sa.UniqueConstraint("term", name=op.f("uq_vocabulary_term")),
    )


def downgrade() -> None:
    op.drop_table("vocabulary")
