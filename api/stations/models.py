"""Stations, and deliveries weighed and scanned by station staff (custody hand-over)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, BigId, TimestampMixin, UTCDateTime


class Station(TimestampMixin, Base):
    """A recycling station: where collectors unload; opening hours in local minutes of day."""

    __tablename__ = "stations"

    station_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.zone_id"), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    opens_minute: Mapped[int] = mapped_column(Integer, default=7 * 60)
    closes_minute: Mapped[int] = mapped_column(Integer, default=21 * 60)
    operator_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)


class StationDelivery(TimestampMixin, Base):
    """A collector's delivery to a station, weighed per material by station staff."""

    __tablename__ = "station_deliveries"

    station_delivery_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.station_id"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("collectors.collector_id"), index=True)
    received_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(16), default="received")
    # What the station paid the collector (tariff + margin for kg lines, as agreed for pieces).
    price_cents: Mapped[int | None] = mapped_column(BigInteger)
    lines: Mapped[list[StationDeliveryLine]] = relationship(
        order_by="StationDeliveryLine.station_delivery_line_id", lazy="selectin"
    )


class StationDeliveryLine(Base):
    """Net grams of one material and grade in a delivery, with the tags scanned."""

    __tablename__ = "station_delivery_lines"

    station_delivery_line_id: Mapped[int] = mapped_column(
        BigId, primary_key=True, autoincrement=True
    )
    station_delivery_id: Mapped[int] = mapped_column(
        ForeignKey("station_deliveries.station_delivery_id"), index=True
    )
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.material_id"))
    material_code: Mapped[str] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(32))
    net_grams: Mapped[int] = mapped_column(BigInteger)
    # Sum of the door weighings' net grams of the scanned bags: the station-vs-door variance.
    door_net_grams: Mapped[int | None] = mapped_column(BigInteger)
    # Only for piece-priced materials: the price the station staff agreed for the line.
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    tag_codes: Mapped[list] = mapped_column(JSON, default=list)
    lot_id: Mapped[int | None] = mapped_column(BigId, index=True)
