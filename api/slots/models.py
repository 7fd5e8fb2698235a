"""Pickup slots."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, TimestampMixin, UTCDateTime


class Slot(TimestampMixin, Base):
    """A pickup window in one zone; ``booked_count`` never exceeds ``capacity``."""

    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("zone_id", "starts_at"),
        CheckConstraint("booked_count >= 0 AND booked_count <= capacity", name="within_capacity"),
    )

    slot_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.zone_id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cutoff_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked_count: Mapped[int] = mapped_column(Integer, default=0)
