"""Service zones."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, TimestampMixin


class Zone(TimestampMixin, Base):
    """A service zone: one polygon ring of ``[longitude, latitude]`` points (GeoJSON order)."""

    __tablename__ = "zones"

    zone_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    polygon: Mapped[list] = mapped_column(JSON)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
