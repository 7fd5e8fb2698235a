"""The fake payout provider's own book of transfers (demo and tests only)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, UTCDateTime, utcnow


class FakePayoutTransfer(Base):
    """One transfer as the fake provider sees it, keyed by our payout id (its idempotency key).

    It stands for the provider's database: it is written in its own transaction and survives
    whatever happens to ours. ``request_count`` counts every call with the key.
    """

    __tablename__ = "fake_payout_transfers"

    fake_payout_transfer_id: Mapped[int] = mapped_column(
        BigId, primary_key=True, autoincrement=True
    )
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    account_ref: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))
    provider_reference: Mapped[str] = mapped_column(String(80), unique=True)
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    request_count: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
