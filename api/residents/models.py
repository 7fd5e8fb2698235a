"""Pickup addresses. Exact location and text are personal data: never logged."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, TimestampMixin, UTCDateTime


class Address(TimestampMixin, Base):
    """A resident's pickup address; deleted addresses are kept for past bookings."""

    __tablename__ = "addresses"

    address_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.zone_id"), index=True)
    label: Mapped[str | None] = mapped_column(String(40))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(String(200))
    building: Mapped[str | None] = mapped_column(String(60))
    floor: Mapped[str | None] = mapped_column(String(10))
    access_notes: Mapped[str | None] = mapped_column(String(200))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # SQLAlchemy adds "AND version = :old" to every UPDATE and bumps it.
    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:  # never print the address itself
        return f"<Address {self.address_id} zone={self.zone_id}>"
