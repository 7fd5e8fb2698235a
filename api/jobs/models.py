"""Weighings at the door: one per booking attempt, lines per material with their tag."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, BigId, TimestampMixin, UTCDateTime

# pending_acceptance: the amount fell too far below the quote; the resident must accept.
WEIGHING_STATUSES = ("recorded", "pending_acceptance", "accepted", "refused", "superseded")


class Weighing(TimestampMixin, Base):
    """What the collector weighed at the door and the amount owed to the resident."""

    __tablename__ = "weighings"

    weighing_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.booking_id"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("collectors.collector_id"), index=True)
    weighed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    quoted_total_cents: Mapped[int] = mapped_column(BigInteger)
    goods_cents: Mapped[int] = mapped_column(BigInteger)
    subsidy_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    total_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(20), index=True)
    resident_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lines: Mapped[list[WeighingLine]] = relationship(
        order_by="WeighingLine.weighing_line_id", lazy="selectin"
    )


class WeighingLine(Base):
    """One bag: material, grade, gross and net weight (or pieces), deductions, its tag."""

    __tablename__ = "weighing_lines"

    weighing_line_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    weighing_id: Mapped[int] = mapped_column(ForeignKey("weighings.weighing_id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.material_id"))
    material_code: Mapped[str] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(8))
    gross_grams: Mapped[int | None] = mapped_column(BigInteger)
    net_grams: Mapped[int | None] = mapped_column(BigInteger)
    pieces: Mapped[int | None] = mapped_column(Integer)
    deductions: Mapped[list] = mapped_column(JSON, default=list)
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    subsidy_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    tag_code: Mapped[str] = mapped_column(String(40), index=True)
    is_void: Mapped[bool] = mapped_column(Boolean, default=False)


class Rating(Base):
    """A 1-5 rating of a completed booking, by the resident or by the collector."""

    __tablename__ = "ratings"
    # each side rates a booking once
    __table_args__ = (sa.UniqueConstraint("booking_id", "rater_user_id"),)

    rating_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.booking_id"), index=True)
    rater_user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    ratee_user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    stars: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Dispute(TimestampMixin, Base):
    """A resident's (or collector's) dispute of a weighing, resolved by an admin."""

    __tablename__ = "disputes"
    # one open dispute per booking, enforced by the database too
    __table_args__ = (
        sa.Index(
            "uq_disputes_booking_id_open",
            "booking_id",
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        ),
    )

    dispute_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.booking_id"), index=True)
    opened_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    reason: Mapped[str] = mapped_column(String(500))
    evidence_refs: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    resolution: Mapped[str | None] = mapped_column(String(500))
    compensation_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    resolved_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
