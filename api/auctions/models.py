"""Auctions and their accepted bids.

The auction row caches the state pricing's replay of its bids gives (price, leader, end,
extensions); it is changed only under a row lock, together with the bid that moved it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from api.db import Base, BigId, TimestampMixin, UTCDateTime

AUCTION_KINDS = ("english", "sealed")
AUCTION_STATUSES = (
    "open",  # taking bids between starts_at and ends_at (decided by the database clock)
    "awarded",  # closed with a winner who must pay by payment_due_at
    "offered",  # the winner defaulted; a runner-up is offered the lot at their maximum
    "paid",
    "unsold",  # no bid, reserve not met, or nobody performed
)
RESERVE_SOURCES = ("given", "index", "tariff", "none")


class Auction(TimestampMixin, Base):
    """One sale of one lot; money in integer cents for the whole lot."""

    __tablename__ = "auctions"

    auction_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.lot_id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    start_price_cents: Mapped[int] = mapped_column(BigInteger)
    reserve_cents: Mapped[int | None] = mapped_column(BigInteger)
    reserve_source: Mapped[str] = mapped_column(String(8), default="none")
    deposit_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    # Hundredths of a percent (1000 = 10 %), so no Decimal column is needed on SQLite.
    deposit_basis_points: Mapped[int] = mapped_column(Integer, default=0)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scheduled_end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    soft_close_window_seconds: Mapped[int] = mapped_column(Integer, default=0)
    soft_close_extension_seconds: Mapped[int] = mapped_column(Integer, default=0)
    soft_close_cap_seconds: Mapped[int] = mapped_column(Integer, default=0)
    current_price_cents: Mapped[int] = mapped_column(BigInteger)
    leader_plant_id: Mapped[int | None] = mapped_column(ForeignKey("plants.plant_id"))
    leader_max_cents: Mapped[int | None] = mapped_column(BigInteger)
    bid_count: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    last_bid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    clearing_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    award_plant_id: Mapped[int | None] = mapped_column(ForeignKey("plants.plant_id"), index=True)
    award_price_cents: Mapped[int | None] = mapped_column(BigInteger)
    payment_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declined_plant_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_by_user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    version: Mapped[int] = mapped_column(Integer, default=1)


class AuctionBid(Base):
    """An accepted bid; refused bids leave no row. ``seq`` is the order the database took it."""

    __tablename__ = "auction_bids"
    __table_args__ = (UniqueConstraint("auction_id", "seq"),)

    bid_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    auction_id: Mapped[int] = mapped_column(ForeignKey("auctions.auction_id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    plant_id: Mapped[int] = mapped_column(ForeignKey("plants.plant_id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.user_id"))
    max_amount_cents: Mapped[int] = mapped_column(BigInteger)
    placed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    price_after_cents: Mapped[int | None] = mapped_column(BigInteger)
    leader_after_plant_id: Mapped[int | None] = mapped_column(BigId)
    ends_at_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
