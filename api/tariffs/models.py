"""Tariff rates; a change is a new version, never an edit of a rate in force."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, TimestampMixin, UTCDateTime

TARIFF_STATUSES = ("active", "proposed", "rejected")


class Tariff(TimestampMixin, Base):
    """A price per kg (or piece) for a material grade, city-wide or in one zone."""

    __tablename__ = "tariffs"
    __table_args__ = (UniqueConstraint("material_id", "grade", "zone_id", "valid_from", "version"),)

    tariff_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.material_id"), index=True)
    grade: Mapped[str] = mapped_column(String(32))
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.zone_id"))
    price_cents_per_unit: Mapped[int] = mapped_column(BigInteger)
    valid_from: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    source: Mapped[str] = mapped_column(String(32), default="manual")
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    decided_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(String(200))
