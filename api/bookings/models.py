"""Bookings and their items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, BigId, TimestampMixin, UTCDateTime

BOOKING_STATUSES = (
    "scheduled",
    "assigned",
    "en_route",
    "arrived",
    "weighed",
    "completed",
    "cancelled",
    "no_show",
    "refused",  # the resident refused a low weighing at the door: nothing changed hands
)
ACTIVE_STATUSES = ("scheduled", "assigned", "en_route", "arrived", "weighed")


class Booking(TimestampMixin, Base):
    """A resident's pickup in one slot, priced by one quote."""

    __tablename__ = "bookings"

    booking_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.address_id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.zone_id"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.slot_id"), index=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.quote_id"), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    collector_id: Mapped[int | None] = mapped_column(
        ForeignKey("collectors.collector_id"), index=True
    )
    notes: Mapped[str | None] = mapped_column(String(500))
    photo_refs: Mapped[list] = mapped_column(JSON, default=list)
    is_late_cancellation: Mapped[bool] = mapped_column(Boolean, default=False)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancellation_reason: Mapped[str | None] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer, default=1)
    items: Mapped[list[BookingItem]] = relationship(
        order_by="BookingItem.booking_item_id", lazy="selectin"
    )


class BookingItem(Base):
    """An item the resident expects to hand over (grams, or pieces)."""

    __tablename__ = "booking_items"

    booking_item_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.booking_id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.material_id"))
    material_code: Mapped[str] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(8))
    estimated_quantity: Mapped[int] = mapped_column(BigInteger)
