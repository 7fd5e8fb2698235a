"""Lots: material of one grade from delivery lines at one station, sold as one unit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, TimestampMixin, UTCDateTime

LOT_STATUSES = (
    "open",  # made, no auction yet
    "auctioning",  # an auction is scheduled or running
    "unsold",  # the last auction found no buyer; may be auctioned again
    "awarded",  # a plant must pay (the winner, or a runner-up offered the lot)
    "paid",
    "collected",  # handed over to the plant at the station
    "received",  # weighed on receipt at the plant
)
# Lots any plant may look at; later states only the buying plant sees.
PUBLIC_LOT_STATUSES = ("open", "auctioning", "unsold")


class Lot(TimestampMixin, Base):
    """A lot; its delivery lines point back at it (``StationDeliveryLine.lot_id``)."""

    __tablename__ = "lots"

    lot_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("stations.station_id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.material_id"), index=True)
    material_code: Mapped[str] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(32))
    net_grams: Mapped[int] = mapped_column(BigInteger)
    tag_codes: Mapped[list] = mapped_column(JSON, default=list)
    photo_refs: Mapped[list] = mapped_column(JSON, default=list)
    collection_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    collection_ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    plant_id: Mapped[int | None] = mapped_column(ForeignKey("plants.plant_id"), index=True)
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_net_grams: Mapped[int | None] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
