"""Bid increments by price tier, and the minimum next bid.

Lots are priced as ONE total amount in cents for the whole lot (not per tonne): plants bid
what they pay for the lot as weighed into the manifest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pricing.errors import AuctionInputError


@dataclass(frozen=True)
class IncrementTier:
    """From ``from_cents`` (inclusive) upward, bids rise by at least ``increment_cents``."""

    from_cents: int
    increment_cents: int


DEFAULT_INCREMENT_TIERS: tuple[IncrementTier, ...] = (
    IncrementTier(from_cents=0, increment_cents=100),  # below 100 CNY: 1 CNY
    IncrementTier(from_cents=10_000, increment_cents=500),  # 100 CNY: 5 CNY
    IncrementTier(from_cents=100_000, increment_cents=2_000),  # 1,000 CNY: 20 CNY
    IncrementTier(from_cents=500_000, increment_cents=5_000),  # 5,000 CNY: 50 CNY
    IncrementTier(from_cents=2_000_000, increment_cents=20_000),  # 20,000 CNY: 200 CNY
    IncrementTier(from_cents=10_000_000, increment_cents=50_000),  # 100,000 CNY: 500 CNY
)
"""Default table, by the total lot price the increment is measured at."""


def check_tiers(tiers: Sequence[IncrementTier]) -> tuple[IncrementTier, ...]:
    """Return the tiers if well-formed, else raise ``AuctionInputError``.

    Well-formed: non-empty, the first starts at 0, ``from_cents`` strictly ascending, every
    increment positive and increments non-decreasing (so the minimum next bid only rises).
    """
    tiers = tuple(tiers)
    if not tiers or tiers[0].from_cents != 0:
        raise AuctionInputError("increment table must start at from_cents=0")
    for lower, upper in zip(tiers, tiers[1:], strict=False):
        if upper.from_cents <= lower.from_cents:
            raise AuctionInputError("increment tiers must have strictly ascending from_cents")
        if upper.increment_cents < lower.increment_cents:
            raise AuctionInputError("increments must not shrink as the price rises")
    if tiers[0].increment_cents <= 0:
        raise AuctionInputError("increments must be positive")
    return tiers


def increment_at(price_cents: int, tiers: Sequence[IncrementTier]) -> int:
    """Return the increment that applies at ``price_cents``: the last tier starting at or below."""
    if price_cents < 0:
        raise AuctionInputError(f"price must not be negative, got {price_cents}")
    increment = tiers[0].increment_cents
    for tier in tiers:
        if tier.from_cents > price_cents:
            break
        increment = tier.increment_cents
    return increment


def min_next_bid(
    current_price_cents: int,
    has_bids: bool,
    start_price_cents: int,
    tiers: Sequence[IncrementTier] = DEFAULT_INCREMENT_TIERS,
) -> int:
    """Return the lowest acceptable next bid.

    Before the first bid it is the start price; afterwards the current price plus the
    increment at the current price (never below the start price).
    """
    if not has_bids:
        return start_price_cents
    next_bid = current_price_cents + increment_at(current_price_cents, tiers)
    return max(start_price_cents, next_bid)
