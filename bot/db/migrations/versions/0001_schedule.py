"""Schedule tables: offices, services, opening hours, closures and quota releases.

Revision ID: 0001_schedule
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from bot.db.base import UTCDateTime

revision = "0001_schedule"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=True),
        sa.Column("maps_url", sa.String(length=500), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offices")),
        sa.UniqueConstraint("key", name=op.f("uq_offices_key")),
    )
    op.create_table(
        "services",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=True),
        sa.Column("fee_note", sa.Text(), nullable=True),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IN ('passport', 'addon', 'case')", name=op.f("ck_services_category")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_services")),
        sa.UniqueConstraint("key", name=op.f("uq_services_key")),
    )
    op.create_table(
        "office_services",
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_office_services_office_id_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_office_services_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("office_id", "service_id", name=op.f("pk_office_services")),
    )
    op.create_table(
        "opening_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.Column("break_start", sa.Time(), nullable=True),
        sa.Column("break_end", sa.Time(), nullable=True),
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name=op.f("ck_opening_hours_weekday")),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_opening_hours_office_id_offices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opening_hours")),
        sa.UniqueConstraint(
            "office_id", "weekday", name=op.f("uq_opening_hours_office_id_weekday")
        ),
    )
    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=50), nullable=False),
        sa.CheckConstraint(
            "kind IN ('cuti_bersama', 'office', 'holiday')", name=op.f("ck_closures_kind")
        ),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_closures_office_id_offices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
        sa.UniqueConstraint("office_id", "day", name=op.f("uq_closures_office_id_day")),
    )
    op.create_index("ix_closures_day", "closures", ["day"])
    op.create_index(
        "uq_closures_all_offices_day",
        "closures",
        ["day"],
        unique=True,
        sqlite_where=sa.text("office_id IS NULL"),
        postgresql_where=sa.text("office_id IS NULL"),
    )
    op.create_table(
        "quota_releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("opens_at", UTCDateTime(), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=True),
        sa.Column("booking_channel", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["office_id"],
            ["offices.id"],
            name=op.f("fk_quota_releases_office_id_offices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_quota_releases_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_releases")),
        sa.UniqueConstraint(
            "office_id",
            "service_id",
            "opens_at",
            name=op.f("uq_quota_releases_office_id_service_id_opens_at"),
        ),
    )
    op.create_index("ix_quota_releases_opens_at", "quota_releases", ["opens_at"])
    op.create_index(
        "uq_quota_releases_office_id_opens_at_general",
        "quota_releases",
        ["office_id", "opens_at"],
        unique=True,
        sqlite_where=sa.text("service_id IS NULL"),
        postgresql_where=sa.text("service_id IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("quota_releases")
    op.drop_table("closures")
    op.drop_table("opening_hours")
    op.drop_table("office_services")
    op.drop_table("services")
    op.drop_table("offices")
