"""Closing an auction: soft-close extensions and the (hidden) reserve."""

from __future__ import annotations

from decimal import Decimal

from pricing.auctions.proxy import Duration, Timestamp
from pricing.errors import AuctionInputError
from pricing.money import exact_amount, to_cents


def extend_end(
    end_at: Timestamp,
    placed_at: Timestamp,
    *,
    window: Duration,
    extension: Duration,
    original_end: Timestamp,
    cap: Duration,
) -> Timestamp:
    """Return the end after a bid placed at ``placed_at`` (soft close).

    A bid inside the window ``end_at - window <= placed_at < end_at`` pushes the end to
    ``end_at + extension``, but never past ``original_end + cap``; any other bid leaves it.
    The end never moves earlier.
    """
    zero = type(window)(0)
    if window <= zero or extension <= zero or cap < zero:
        raise AuctionInputError("window and extension must be positive, cap non-negative")
    if not (end_at - window <= placed_at < end_at):
        return end_at
    return max(end_at, min(end_at + extension, original_end + cap))


def reserve_met(current_price_cents: int, reserve_cents: int | None) -> bool:
    """Return True when the price reaches the reserve (always, with no reserve).

    The caller still needs a leader: a price equal to the start price with no bids sells
    nothing.
    """
    return reserve_cents is None or current_price_cents >= reserve_cents


def default_reserve_cents(index_price_cents_per_kg: int, net_grams: int, factor: Decimal) -> int:
    """Return the default hidden reserve for a lot: index price x net kg x factor, rounded once.

    ``index_price_cents_per_kg`` is the latest index value for the material and ``factor``
    a Decimal fraction (``Decimal("0.9")`` = 90 % of index value).
    """
    if not isinstance(factor, Decimal) or not factor.is_finite() or factor < 0:
        raise AuctionInputError(f"factor must be a non-negative Decimal, got {factor!r}")
    if index_price_cents_per_kg < 0:
        raise AuctionInputError("index_price_cents_per_kg must not be negative")
    value = exact_amount(unit_price_cents=index_price_cents_per_kg, quantity=net_grams, unit="kg")
    return to_cents(value * factor)
