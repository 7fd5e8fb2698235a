"""Quotes and their priced lines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, BigId, UTCDateTime, utcnow


class Quote(Base):
    """Prices for a resident's items; locked until the end of the slot they book with it."""

    __tablename__ = "quotes"

    quote_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("addresses.address_id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.zone_id"))
    quoted_on: Mapped[date] = mapped_column(Date)
    estimated_total_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lines: Mapped[list[QuoteLine]] = relationship(
        order_by="QuoteLine.quote_line_id", lazy="selectin"
    )


class QuoteLine(Base):
    """One item's locked price: per kg (quantity in grams) or per piece."""

    __tablename__ = "quote_lines"

    quote_line_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    quote_id: Mapped[str] = mapped_column(ForeignKey("quotes.quote_id"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.material_id"))
    material_code: Mapped[str] = mapped_column(String(32))
    grade: Mapped[str] = mapped_column(String(32))
    unit: Mapped[str] = mapped_column(String(8))
    quantity: Mapped[int] = mapped_column(BigInteger)
    unit_price_cents: Mapped[int] = mapped_column(BigInteger)
    estimated_amount_cents: Mapped[int] = mapped_column(BigInteger)
    tariff_version: Mapped[int] = mapped_column(Integer)
    tariff_valid_from: Mapped[date] = mapped_column(Date)
    deduction_rules: Mapped[list] = mapped_column(JSON, default=list)
