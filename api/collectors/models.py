"""Collectors, their skills and certificates, review decisions, shifts and location pings."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, BigId, TimestampMixin, UTCDateTime, utcnow

VEHICLE_TYPES = ("tricycle", "e-bike", "van", "truck")
COLLECTOR_STATUSES = (
    "applied",  # waiting for review
    "needs_info",  # the reviewer asked for more information
    "approved",  # may see and claim jobs
    "rejected",
    "suspended",
    "offboarded",
)


class Collector(TimestampMixin, Base):
    """A collector's enrolment. The national ID is stored encrypted, shown masked."""

    __tablename__ = "collectors"

    collector_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), unique=True)
    full_name: Mapped[str] = mapped_column(String(80))
    national_id_encrypted: Mapped[str] = mapped_column(String(400))
    national_id_last4: Mapped[str] = mapped_column(String(4))
    # Keyed hash of the number: one person enrols once, without storing it in clear.
    national_id_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_photo_refs: Mapped[list] = mapped_column(JSON, default=list)
    vehicle_type: Mapped[str] = mapped_column(String(16))
    payload_grams: Mapped[int] = mapped_column(BigInteger)
    volume_litres: Mapped[int] = mapped_column(Integer)
    home_latitude: Mapped[float] = mapped_column(Float)
    home_longitude: Mapped[float] = mapped_column(Float)
    zone_codes: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="applied", index=True)
    status_reason: Mapped[str | None] = mapped_column(String(300))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_show_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    skills: Mapped[list[CollectorSkill]] = relationship(
        order_by="CollectorSkill.collector_skill_id", lazy="selectin"
    )


class CollectorSkill(Base):
    """A skill (e.g. ``appliance``, ``e-waste``) backed by a certificate until it expires."""

    __tablename__ = "collector_skills"
    __table_args__ = (UniqueConstraint("collector_id", "skill"),)

    collector_skill_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("collectors.collector_id"), index=True)
    skill: Mapped[str] = mapped_column(String(32))
    certificate_ref: Mapped[str | None] = mapped_column(String(200))
    expires_on: Mapped[date | None] = mapped_column(Date)


class Shift(Base):
    """A collector's declared availability on one local day (UTC instants)."""

    __tablename__ = "shifts"
    __table_args__ = (UniqueConstraint("collector_id", "shift_date"),)

    shift_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("collectors.collector_id"), index=True)
    shift_date: Mapped[date] = mapped_column(Date, index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # counts changes: the ETag of PUT /api/collectors/me/shifts/{date}
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class LocationPing(Base):
    """Where a collector was while on shift; purged after a retention period."""

    __tablename__ = "location_pings"

    location_ping_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("collectors.collector_id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    accuracy_m: Mapped[int | None] = mapped_column(Integer)
