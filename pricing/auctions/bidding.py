"""Accepting bids: the rules a bid must pass, and the serial replay of a bid history."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

from pricing.auctions.closing import extend_end
from pricing.auctions.increments import (
    DEFAULT_INCREMENT_TIERS,
    IncrementTier,
    check_tiers,
    min_next_bid,
)
from pricing.auctions.proxy import AuctionState, Bid, Duration, Timestamp, apply_bid, order_bids
from pricing.errors import AuctionInputError, BidRejectedError
from pricing.money import to_cents

BELOW_MINIMUM = "below_minimum"
AUCTION_CLOSED = "auction_closed"
AUCTION_NOT_OPEN = "auction_not_open"
NOT_QUALIFIED = "not_qualified"
DEPOSIT_TOO_SMALL = "deposit_too_small"
PERMIT_NOT_COVERING = "permit_not_covering"


@dataclass(frozen=True)
class SoftCloseParams:
    """A bid in the last ``window`` extends the end by ``extension``, up to ``cap`` overall."""

    window: Duration
    extension: Duration
    cap: Duration


@dataclass(frozen=True)
class AuctionParams:
    """The published terms of one English auction; ``end_at`` is the scheduled end.

    The deposit required from a bidder is ``max(deposit_cents, deposit_pct % of their bid)``.
    """

    start_price_cents: int
    end_at: Timestamp
    tiers: tuple[IncrementTier, ...] = DEFAULT_INCREMENT_TIERS
    starts_at: Timestamp | None = None
    soft_close: SoftCloseParams | None = None
    deposit_cents: int = 0
    deposit_pct: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        check_tiers(self.tiers)
        if self.start_price_cents < 0 or self.deposit_cents < 0:
            raise AuctionInputError("start price and deposit must not be negative")
        if not isinstance(self.deposit_pct, Decimal) or not (0 <= self.deposit_pct <= 100):
            raise AuctionInputError("deposit_pct must be a Decimal percent in 0..100")


@dataclass(frozen=True)
class BidderStanding:
    """Facts about a bidder, looked up by the caller, that decide whether they may bid."""

    is_qualified: bool
    permit_covers_lot: bool
    deposit_cents: int


def opening_state(params: AuctionParams) -> AuctionState:
    """Return the state of an auction before any bid: start price, scheduled end."""
    return AuctionState(current_price_cents=params.start_price_cents, end_at=params.end_at)


def required_deposit_cents(amount_cents: int, params: AuctionParams) -> int:
    """Return the deposit a bidder must hold to bid ``amount_cents`` (rounded once)."""
    share = to_cents(Decimal(amount_cents) * params.deposit_pct / 100)
    return max(params.deposit_cents, share)


def validate_bid(
    state: AuctionState, bid: Bid, params: AuctionParams, *, standing: BidderStanding
) -> None:
    """Raise ``BidRejectedError`` unless the bid may be accepted now.

    Checked in this order, first failure wins: ``auction_not_open``, ``auction_closed``
    (``placed_at >= end``), ``not_qualified``, ``permit_not_covering``,
    ``deposit_too_small``, ``below_minimum``.
    """
    check_timing(state, bid, params)
    check_standing(bid, params, standing)
    check_amount(state, bid, params)


def check_timing(state: AuctionState, bid: Bid, params: AuctionParams) -> None:
    """Raise unless the bid falls between the opening and the current (extended) end."""
    if params.starts_at is not None and bid.placed_at < params.starts_at:
        raise BidRejectedError(AUCTION_NOT_OPEN, f"auction opens at {params.starts_at}")
    end_at = state.end_at if state.end_at is not None else params.end_at
    if bid.placed_at >= end_at:
        raise BidRejectedError(AUCTION_CLOSED, f"auction closed at {end_at}")


def check_standing(bid: Bid, params: AuctionParams, standing: BidderStanding) -> None:
    """Raise unless the bidder is qualified, permitted for the lot and has the deposit."""
    if not standing.is_qualified:
        raise BidRejectedError(NOT_QUALIFIED, f"bidder {bid.bidder_id} is not qualified")
    if not standing.permit_covers_lot:
        raise BidRejectedError(PERMIT_NOT_COVERING, "the bidder's permit does not cover this lot")
    required = required_deposit_cents(bid.max_amount_cents, params)
    if standing.deposit_cents < required:
        raise BidRejectedError(
            DEPOSIT_TOO_SMALL, f"deposit {standing.deposit_cents} < required {required} cents"
        )


def check_amount(state: AuctionState, bid: Bid, params: AuctionParams) -> None:
    """Raise unless the bid reaches the minimum next bid (or raises the leader's own maximum)."""
    amount = bid.max_amount_cents
    if amount <= 0:
        raise BidRejectedError(BELOW_MINIMUM, f"a bid must be positive, got {amount} cents")
    if state.leader_id is not None and bid.bidder_id == state.leader_id:
        leader_max = state.leader_max_cents or 0
        if amount <= leader_max:
            raise BidRejectedError(
                BELOW_MINIMUM, f"{amount} does not raise your maximum of {leader_max} cents"
            )
        return
    minimum = min_next_bid(
        state.current_price_cents, state.has_bids, params.start_price_cents, params.tiers
    )
    if amount < minimum:
        raise BidRejectedError(BELOW_MINIMUM, f"{amount} is below the minimum of {minimum} cents")


def accept_bid(state: AuctionState, bid: Bid, params: AuctionParams) -> AuctionState:
    """Return the state after an already validated bid: proxy price, leader and soft close."""
    end_at = state.end_at if state.end_at is not None else params.end_at
    if params.soft_close is not None:
        end_at = extend_end(
            end_at,
            bid.placed_at,
            window=params.soft_close.window,
            extension=params.soft_close.extension,
            original_end=params.end_at,
            cap=params.soft_close.cap,
        )
    moved = apply_bid(state, bid, start_price_cents=params.start_price_cents, tiers=params.tiers)
    return replace(moved, end_at=end_at)


def replay(
    bids: Iterable[Bid],
    params: AuctionParams,
    *,
    standings: Mapping[str, BidderStanding] | None = None,
) -> AuctionState:
    """Replay bid attempts serially in ``(placed_at, seq)`` order and return the final state.

    Each attempt is validated against the state so far and skipped if rejected; with
    ``standings`` the bidder checks run too (a bidder missing from it is not qualified),
    without them only timing and amount are checked. Concurrency tests compare this with
    what the database accepted.
    """
    state = opening_state(params)
    for bid in order_bids(bids):
        try:
            check_timing(state, bid, params)
            if standings is not None:
                standing = standings.get(bid.bidder_id, BidderStanding(False, False, 0))
                check_standing(bid, params, standing)
            check_amount(state, bid, params)
        except BidRejectedError:
            continue
        state = accept_bid(state, bid, params)
    return state
