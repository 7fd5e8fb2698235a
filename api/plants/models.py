"""Plants that buy lots at auction, with the permit that decides what they may bid on."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, TimestampMixin, UTCDateTime

PLANT_STATUSES = (
    "applied",  # waiting for review
    "approved",  # may bid while its permit is valid
    "rejected",
    "suspended",  # may not bid until reinstated
)


class Plant(TimestampMixin, Base):
    """A recycling plant; its users carry ``organisation_id = plant_id``.

    Ledger accounts (deposit, account) belong to ``owner_user_id``, the user who registered it,
    because ledger accounts are owned by users.
    """

    __tablename__ = "plants"

    plant_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    owner_user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), unique=True)
    company_name: Mapped[str] = mapped_column(String(120))
    licence_number: Mapped[str] = mapped_column(String(64), unique=True)
    permit_refs: Mapped[list] = mapped_column(JSON, default=list)
    categories: Mapped[list] = mapped_column(JSON, default=list)
    permit_expires_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="applied", index=True)
    status_reason: Mapped[str | None] = mapped_column(String(300))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
