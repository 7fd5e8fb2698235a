"""Sealed first-price tender: the highest bid wins and pays its own bid."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pricing.auctions.proxy import Timestamp, order_bids


@dataclass(frozen=True)
class SealedBid:
    """One sealed submission: the total the bidder offers for the lot, in cents."""

    bidder_id: str
    amount_cents: int
    placed_at: Timestamp
    seq: int


@dataclass(frozen=True)
class SealedAward:
    """Who wins a sealed tender and what they pay (their own bid)."""

    winner_id: str
    price_cents: int


def latest_submissions(bids: Iterable[SealedBid]) -> list[SealedBid]:
    """Return each bidder's latest submission: a resubmission replaces the earlier one."""
    latest = {bid.bidder_id: bid for bid in order_bids(bids)}
    return list(latest.values())


def resolve_sealed(bids: Iterable[SealedBid]) -> SealedAward | None:
    """Return the award of a sealed first-price tender, or ``None`` without bids.

    Only each bidder's latest submission counts; the highest amount wins and pays its own
    amount; on equal amounts the earliest submission (``placed_at``, then ``seq``) wins.
    """
    counted = latest_submissions(bids)
    if not counted:
        return None
    best = min(counted, key=lambda bid: (-bid.amount_cents, bid.placed_at, bid.seq))
    return SealedAward(winner_id=best.bidder_id, price_cents=best.amount_cents)
