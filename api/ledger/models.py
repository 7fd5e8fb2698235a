"""Accounts, balanced transactions of immutable entries, and payouts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.db import Base, BigId, TimestampMixin, UTCDateTime, utcnow

ACCOUNT_KINDS = (
    "resident_wallet",  # what the platform owes a resident
    "collector_account",  # a collector's earnings and float
    "plant_account",  # what a plant owes or has prepaid
    "plant_deposit",  # earnest money held for a plant's bids
    "platform_revenue",
    "platform_cash",  # money at the bank / payment provider
    "subsidies",  # subsidy budget for low-value materials
    "payouts_in_transit",  # withdrawals sent to the provider, not yet confirmed
)


class LedgerAccount(Base):
    """One account; its balance is always the sum of its entries."""

    __tablename__ = "ledger_accounts"
    __table_args__ = (UniqueConstraint("kind", "owner_user_id"),)

    account_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.user_id"), index=True)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerTransaction(Base):
    """A balanced movement: its entries sum to zero. ``reference`` makes it happen once."""

    __tablename__ = "ledger_transactions"
    __table_args__ = (UniqueConstraint("kind", "reference"),)

    transaction_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    reference: Mapped[str] = mapped_column(String(80))
    memo: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    entries: Mapped[list[LedgerEntry]] = relationship(
        order_by="LedgerEntry.entry_id", lazy="selectin"
    )


class LedgerEntry(Base):
    """One signed amount on one account (positive: the platform owes the owner more)."""

    __tablename__ = "ledger_entries"

    entry_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    transaction_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_transactions.transaction_id"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.account_id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


PAYOUT_STATUSES = ("requested", "sending", "paid", "failed")
IN_FLIGHT_PAYOUT_STATUSES = ("requested", "sending")
_IN_FLIGHT = text("status IN ('requested', 'sending')")


class Payout(TimestampMixin, Base):
    """A withdrawal to an external provider; our id is the provider's idempotency key."""

    __tablename__ = "payouts"
    # One payout in flight per account: a second request while one is unsettled is refused
    # by the database too, whatever the request layer let through.
    __table_args__ = (
        Index(
            "uq_payouts_account_id_in_flight",
            "account_id",
            unique=True,
            postgresql_where=_IN_FLIGHT,
            sqlite_where=_IN_FLIGHT,
        ),
    )

    payout_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.account_id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="requested", index=True)
    provider_reference: Mapped[str | None] = mapped_column(String(80), unique=True)
    failure_reason: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(BigInteger, default=0)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
