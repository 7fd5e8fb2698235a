"""Between auction rows and pricing's pure auction rules: params, state and bids."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from api.auctions.models import Auction, AuctionBid
from pricing import (
    DEFAULT_INCREMENT_TIERS,
    AuctionParams,
    AuctionState,
    Bid,
    SealedBid,
    SoftCloseParams,
)


def deposit_pct(auction: Auction) -> Decimal:
    """The auction's deposit percentage as a Decimal (stored in hundredths of a percent)."""
    return Decimal(auction.deposit_basis_points) / 100


def soft_close_of(auction: Auction) -> SoftCloseParams | None:
    """The soft-close terms, or ``None`` when the auction never extends."""
    if auction.soft_close_window_seconds <= 0 or auction.soft_close_extension_seconds <= 0:
        return None
    return SoftCloseParams(
        window=timedelta(seconds=auction.soft_close_window_seconds),
        extension=timedelta(seconds=auction.soft_close_extension_seconds),
        cap=timedelta(seconds=auction.soft_close_cap_seconds),
    )


def params_of(auction: Auction) -> AuctionParams:
    """The published terms of the auction, as pricing takes them."""
    return AuctionParams(
        start_price_cents=auction.start_price_cents,
        end_at=auction.scheduled_end_at,
        tiers=DEFAULT_INCREMENT_TIERS,
        starts_at=auction.starts_at,
        soft_close=soft_close_of(auction) if auction.kind == "english" else None,
        deposit_cents=auction.deposit_cents,
        deposit_pct=deposit_pct(auction),
    )


def state_of(auction: Auction) -> AuctionState:
    """The cached state of an English auction (the bids themselves are in ``auction_bids``)."""
    leader = auction.leader_plant_id
    return AuctionState(
        current_price_cents=auction.current_price_cents,
        leader_id=str(leader) if leader is not None else None,
        leader_max_cents=auction.leader_max_cents,
        end_at=auction.ends_at,
    )


def as_bid(row: AuctionBid) -> Bid:
    """An accepted bid row as pricing's proxy ``Bid`` (bidders are plant ids as strings)."""
    return Bid(
        bidder_id=str(row.plant_id),
        max_amount_cents=row.max_amount_cents,
        placed_at=row.placed_at,
        seq=row.seq,
    )


def as_sealed_bid(row: AuctionBid) -> SealedBid:
    """An accepted tender row as pricing's ``SealedBid``."""
    return SealedBid(
        bidder_id=str(row.plant_id),
        amount_cents=row.max_amount_cents,
        placed_at=row.placed_at,
        seq=row.seq,
    )
