"""English ascending auction with proxy (maximum) bids, and the runner-up.

Each bid states the most the bidder will pay for the whole lot; the platform bids for them
one increment at a time. Accepted bids are processed in ``(placed_at, seq)`` order, so the
outcome depends only on the bids and their timestamps, never on the order they are passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from pricing.auctions.increments import DEFAULT_INCREMENT_TIERS, IncrementTier, increment_at
from pricing.errors import AuctionInputError

Timestamp = datetime | int
"""An instant: an aware UTC ``datetime`` or integer microseconds; never mix the two."""
Duration = timedelta | int
"""A span matching :data:`Timestamp`: ``timedelta`` or integer microseconds."""


@dataclass(frozen=True)
class Bid:
    """An accepted proxy bid: the most ``bidder_id`` will pay for the lot, in cents."""

    bidder_id: str
    max_amount_cents: int
    placed_at: Timestamp
    seq: int


@dataclass(frozen=True)
class AuctionState:
    """Where an English auction stands after its accepted bids.

    ``leader_max_cents`` is the leader's hidden maximum; ``end_at`` is the current end after
    soft-close extensions, or ``None`` when the caller did not track it.
    """

    current_price_cents: int
    leader_id: str | None = None
    leader_max_cents: int | None = None
    accepted_bids: tuple[Bid, ...] = ()
    end_at: Timestamp | None = None

    @property
    def has_bids(self) -> bool:
        """True once a bid has been accepted."""
        return self.leader_id is not None


@dataclass(frozen=True)
class RunnerUp:
    """The bidder offered the lot when the winner does not perform, at their own maximum."""

    bidder_id: str
    amount_cents: int


class Sequenced(Protocol):
    """Anything ordered like a bid: by ``placed_at``, then ``seq``."""

    @property
    def placed_at(self) -> Timestamp: ...

    @property
    def seq(self) -> int: ...


BidT = TypeVar("BidT", bound=Sequenced)


def order_bids(bids: Iterable[BidT]) -> list[BidT]:
    """Return the bids in processing order, ``(placed_at, seq)``; duplicate keys are an error."""
    ordered = sorted(bids, key=lambda bid: (bid.placed_at, bid.seq))
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if (earlier.placed_at, earlier.seq) == (later.placed_at, later.seq):
            raise AuctionInputError(f"two bids share placed_at={later.placed_at} seq={later.seq}")
    return ordered


def apply_bid(
    state: AuctionState,
    bid: Bid,
    *,
    start_price_cents: int,
    tiers: Sequence[IncrementTier] = DEFAULT_INCREMENT_TIERS,
) -> AuctionState:
    """Return the state after one more bid, which must be later than every bid in ``state``.

    - first bid: it leads at the start price;
    - the leader raising their own maximum: the price does not move;
    - a challenger above the leader's maximum: leads at
      ``min(challenger max, old leader max + increment at that level)``;
    - a challenger equal to it: the earlier leader keeps the lead, price = that maximum;
    - a challenger below it: price = ``min(leader max, challenger max + increment)``.

    The price never falls. A bid below the start price cannot lead and is ignored.
    """
    if bid.max_amount_cents < start_price_cents:
        return state
    accepted = (*state.accepted_bids, bid)
    price = state.current_price_cents
    leader_max = state.leader_max_cents
    if state.leader_id is None or leader_max is None:
        return replace(
            state,
            current_price_cents=start_price_cents,
            leader_id=bid.bidder_id,
            leader_max_cents=bid.max_amount_cents,
            accepted_bids=accepted,
        )
    challenger_max = bid.max_amount_cents
    if bid.bidder_id == state.leader_id:
        new_leader, new_max = state.leader_id, max(leader_max, challenger_max)
    elif challenger_max > leader_max:
        price = max(price, min(challenger_max, leader_max + increment_at(leader_max, tiers)))
        new_leader, new_max = bid.bidder_id, challenger_max
    elif challenger_max == leader_max:
        price = leader_max
        new_leader, new_max = state.leader_id, leader_max
    else:
        price = max(price, min(leader_max, challenger_max + increment_at(challenger_max, tiers)))
        new_leader, new_max = state.leader_id, leader_max
    return replace(
        state,
        current_price_cents=price,
        leader_id=new_leader,
        leader_max_cents=new_max,
        accepted_bids=accepted,
    )


def resolve_proxy(
    bids: Iterable[Bid],
    start_price_cents: int,
    tiers: Sequence[IncrementTier] = DEFAULT_INCREMENT_TIERS,
) -> AuctionState:
    """Return the auction state after all bids, applied in ``(placed_at, seq)`` order.

    The leader has the highest maximum (earliest to reach it on a tie); with one bidder the
    price is the start price; otherwise it is ``min(leader max, second-highest max +
    increment at that level)``, or the tied maximum on a tie, except that a leader raising
    their own maximum never raises the price against themself.
    """
    state = AuctionState(current_price_cents=start_price_cents)
    for bid in order_bids(bids):
        state = apply_bid(state, bid, start_price_cents=start_price_cents, tiers=tiers)
    return state


def rank_bidders(bids: Iterable[Bid]) -> list[RunnerUp]:
    """Return each bidder once, at their highest maximum, best first.

    Higher maximum ranks first; on equal maxima, whoever placed that maximum earliest.
    """
    best: dict[str, Bid] = {}
    for bid in order_bids(bids):
        held = best.get(bid.bidder_id)
        if held is None or bid.max_amount_cents > held.max_amount_cents:
            best[bid.bidder_id] = bid
    ranked = sorted(best.values(), key=lambda bid: (-bid.max_amount_cents, bid.placed_at, bid.seq))
    return [RunnerUp(bid.bidder_id, bid.max_amount_cents) for bid in ranked]


def runner_up(bids: Iterable[Bid], *, excluded: Collection[str] = ()) -> RunnerUp | None:
    """Return who is offered the lot when the winner does not perform, or ``None``.

    The best-ranked bidder after the winner who is not in ``excluded`` (bidders who already
    declined), offered at their last bid, i.e. their own maximum.
    """
    ranked = rank_bidders(bids)
    for candidate in ranked[1:]:
        if candidate.bidder_id not in excluded:
            return candidate
    return None
