"""Auction rules: increments, proxy bidding, bid validation, soft close, reserve, tenders."""

from pricing.auctions.bidding import (
    AuctionParams,
    BidderStanding,
    SoftCloseParams,
    accept_bid,
    opening_state,
    replay,
    required_deposit_cents,
    validate_bid,
)
from pricing.auctions.closing import default_reserve_cents, extend_end, reserve_met
from pricing.auctions.increments import (
    DEFAULT_INCREMENT_TIERS,
    IncrementTier,
    check_tiers,
    increment_at,
    min_next_bid,
)
from pricing.auctions.proxy import (
    AuctionState,
    Bid,
    RunnerUp,
    apply_bid,
    order_bids,
    rank_bidders,
    resolve_proxy,
    runner_up,
)
from pricing.auctions.sealed import SealedAward, SealedBid, resolve_sealed

__all__ = [
    "DEFAULT_INCREMENT_TIERS",
    "AuctionParams",
    "AuctionState",
    "Bid",
    "BidderStanding",
    "IncrementTier",
    "RunnerUp",
    "SealedAward",
    "SealedBid",
    "SoftCloseParams",
    "accept_bid",
    "apply_bid",
    "check_tiers",
    "default_reserve_cents",
    "extend_end",
    "increment_at",
    "min_next_bid",
    "opening_state",
    "order_bids",
    "rank_bidders",
    "replay",
    "required_deposit_cents",
    "reserve_met",
    "resolve_proxy",
    "resolve_sealed",
    "runner_up",
    "validate_bid",
]
