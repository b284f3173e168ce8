"""Schedule tables: offices, services, opening hours, closures and quota releases."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, relationship

from bot.db.base import Base, UTCDateTime, utcnow

SERVICE_CATEGORIES = ("passport", "addon", "case")
CLOSURE_KINDS = ("cuti_bersama", "office", "holiday")
DEFAULT_TIMEZONE = "Asia/Jakarta"
DEFAULT_BOOKING_CHANNEL = "M-Paspor"

office_services = Table(
    "office_services",
    Base.metadata,
    Column("office_id", Integer, ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", Integer, ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
)


class Office(Base):
    """A place where citizens are served."""

    __tablename__ = "offices"

    id: Mapped[int] = Column(Integer, primary_key=True)
    key: Mapped[str] = Column(String(64), nullable=False, unique=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    short_name: Mapped[str] = Column(String(100), nullable=False)
    address: Mapped[str] = Column(String(300), nullable=False, default="")
    city: Mapped[str] = Column(String(100), nullable=False, default="")
    timezone: Mapped[str] = Column(String(64), nullable=False, default=DEFAULT_TIMEZONE)
    phone: Mapped[str | None] = Column(String(50))
    maps_url: Mapped[str | None] = Column(String(500))
    notes: Mapped[str | None] = Column(Text)
    aliases: Mapped[str] = Column(Text, nullable=False, default="")  # comma-separated

    services: Mapped[list[Service]] = relationship(
        "Service", secondary=office_services, back_populates="offices"
    )
    hours: Mapped[list[OpeningHours]] = relationship(
        "OpeningHours", back_populates="office", cascade="all, delete-orphan"
    )

    def alias_list(self) -> list[str]:
        """Return the non-empty aliases."""
        return [alias.strip() for alias in (self.aliases or "").split(",") if alias.strip()]


class Service(Base):
    """A passport product, an add-on, or a case with its own requirements."""

    __tablename__ = "services"
    __table_args__ = (
        CheckConstraint("category IN ('passport', 'addon', 'case')", name="category"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    key: Mapped[str] = Column(String(64), nullable=False, unique=True)
    name: Mapped[str] = Column(String(200), nullable=False)
    category: Mapped[str] = Column(String(20), nullable=False)
    description: Mapped[str] = Column(Text, nullable=False, default="")
    fee: Mapped[int | None] = Column(Integer)  # rupiah
    fee_note: Mapped[str | None] = Column(Text)
    requirements: Mapped[str] = Column(Text, nullable=False, default="")  # one per line
    notes: Mapped[str | None] = Column(Text)
    sort_order: Mapped[int] = Column(Integer, nullable=False, default=0)

    offices: Mapped[list[Office]] = relationship(
        "Office", secondary=office_services, back_populates="services"
    )

    def requirement_list(self) -> list[str]:
        """Return the non-empty requirement lines."""
        return [line.strip() for line in (self.requirements or "").splitlines() if line.strip()]


class OpeningHours(Base):
    """Opening hours of an office on one weekday (0 = Monday); no row means closed."""

    __tablename__ = "opening_hours"
    __table_args__ = (
        UniqueConstraint("office_id", "weekday"),
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    office_id: Mapped[int] = Column(
        Integer, ForeignKey("offices.id", ondelete="CASCADE"), nullable=False
    )
    weekday: Mapped[int] = Column(Integer, nullable=False)
    opens: Mapped[time] = Column(Time, nullable=False)
    closes: Mapped[time] = Column(Time, nullable=False)
    break_start: Mapped[time | None] = Column(Time)
    break_end: Mapped[time | None] = Column(Time)

    office: Mapped[Office] = relationship("Office", back_populates="hours")


class Closure(Base):
    """A day on which one office (or every office, when office_id is NULL) is closed."""

    __tablename__ = "closures"
    __table_args__ = (
        UniqueConstraint("office_id", "day"),
        CheckConstraint("kind IN ('cuti_bersama', 'office', 'holiday')", name="kind"),
        # NULLs are distinct in unique constraints, so all-office days need their own index.
        Index(
            "uq_closures_all_offices_day",
            "day",
            unique=True,
            sqlite_where=text("office_id IS NULL"),
            postgresql_where=text("office_id IS NULL"),
        ),
        Index("ix_closures_day", "day"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    office_id: Mapped[int | None] = Column(
        Integer, ForeignKey("offices.id", ondelete="CASCADE"), nullable=True
    )
    day: Mapped[date] = Column(Date, nullable=False)
    reason: Mapped[str] = Column(String(300), nullable=False)
    kind: Mapped[str] = Column(String(20), nullable=False, default="office")
    source: Mapped[str] = Column(String(50), nullable=False, default="import")

    office: Mapped[Office | None] = relationship("Office")


class QuotaRelease(Base):
    """A moment when booking slots for an office open in the booking channel."""

    __tablename__ = "quota_releases"
    __table_args__ = (
        UniqueConstraint("office_id", "service_id", "opens_at"),
        # A release for all services has service_id NULL; keep those unique too.
        Index(
            "uq_quota_releases_office_id_opens_at_general",
            "office_id",
            "opens_at",
            unique=True,
            sqlite_where=text("service_id IS NULL"),
            postgresql_where=text("service_id IS NULL"),
        ),
        Index("ix_quota_releases_opens_at", "opens_at"),
    )

    id: Mapped[int] = Column(Integer, primary_key=True)
    office_id: Mapped[int] = Column(
        Integer, ForeignKey("offices.id", ondelete="CASCADE"), nullable=False
    )
    service_id: Mapped[int | None] = Column(
        Integer, ForeignKey("services.id", ondelete="CASCADE"), nullable=True
    )
    opens_at: Mapped[datetime] = Column(UTCDateTime, nullable=False)
    slots: Mapped[int | None] = Column(Integer)
    booking_channel: Mapped[str] = Column(
        String(100), nullable=False, default=DEFAULT_BOOKING_CHANNEL
    )
    note: Mapped[str | None] = Column(Text)
    created_at: Mapped[datetime] = Column(UTCDateTime, nullable=False, default=utcnow)

    office: Mapped[Office] = relationship("Office")
    service: Mapped[Service | None] = relationship("Service")
