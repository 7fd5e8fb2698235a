"""The live view phones poll: price, minimum next bid, time left by the database clock."""

from __future__ import annotations

import hashlib
import math
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auctions.models import Auction, AuctionBid
from api.auctions.rules import deposit_pct, soft_close_of
from api.lots.access import Viewer
from api.lots.models import Lot
from pricing import DEFAULT_INCREMENT_TIERS, min_next_bid, reserve_met


def latest_auction(session: Session, *, lot_id: int) -> Auction | None:
    """The lot's most recent auction (a lot unsold once may be auctioned again)."""
    stmt = select(Auction).where(Auction.lot_id == lot_id).order_by(Auction.auction_id.desc())
    return session.scalars(stmt.limit(1)).first()


def phase_of(auction: Auction, now: datetime) -> str:
    """``upcoming``, ``open``, ``ended`` (past the end, not yet closed) or ``closed``."""
    if auction.status != "open":
        return "closed"
    if now < auction.starts_at:
        return "upcoming"
    return "open" if now < auction.ends_at else "ended"


def seconds_left(auction: Auction, now: datetime) -> int:
    """Whole seconds until the (extended) end, rounded up; 0 once it has passed."""
    if auction.status != "open":
        return 0
    return max(0, math.ceil((auction.ends_at - now).total_seconds()))


def live_etag(lot: Lot, auction: Auction | None, viewer: Viewer, now: datetime) -> str:
    """Changes whenever the view can: a bid or close (versions), a phase boundary, the viewer."""
    parts = (lot.lot_id, lot.version, viewer.user_id, viewer.role)
    if auction is not None:
        parts += (auction.auction_id, auction.version, phase_of(auction, now))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _your_amount(session: Session, auction: Auction, plant_id: int | None) -> int | None:
    if plant_id is None:
        return None
    mine = (AuctionBid.auction_id == auction.auction_id, AuctionBid.plant_id == plant_id)
    if auction.kind == "sealed":  # a resubmission replaces the earlier tender
        latest = select(AuctionBid.max_amount_cents).where(*mine).order_by(AuctionBid.seq.desc())
        return session.scalar(latest.limit(1))
    return session.scalar(select(func.max(AuctionBid.max_amount_cents)).where(*mine))


def _award(auction: Auction, viewer: Viewer) -> dict | None:
    if auction.status == "open":
        return None
    award = {"status": auction.status, "price_cents": auction.award_price_cents}
    if viewer.role == "plant":
        award["you_won"] = auction.award_plant_id == viewer.plant_id and viewer.plant_id is not None
        if award["you_won"]:
            award["payment_due_at"] = auction.payment_due_at
    if viewer.is_staff:
        award["plant_id"] = auction.award_plant_id
        award["payment_due_at"] = auction.payment_due_at
    return award


def _price_fields(auction: Auction) -> dict:
    """English prices are public; a sealed tender shows nothing until it closes."""
    if auction.kind == "sealed":
        return {
            "current_price_cents": None,
            "min_next_bid_cents": auction.start_price_cents,
            "reserve_met": None,
        }
    has_bids = auction.leader_plant_id is not None
    return {
        "current_price_cents": auction.current_price_cents,
        "min_next_bid_cents": min_next_bid(
            auction.current_price_cents,
            has_bids,
            auction.start_price_cents,
            DEFAULT_INCREMENT_TIERS,
        ),
        "reserve_met": has_bids and reserve_met(auction.current_price_cents, auction.reserve_cents),
    }


def _soft_close(auction: Auction) -> dict | None:
    if auction.kind != "english" or soft_close_of(auction) is None:
        return None
    return {
        "window_seconds": auction.soft_close_window_seconds,
        "extension_seconds": auction.soft_close_extension_seconds,
        "cap_seconds": auction.soft_close_cap_seconds,
    }


def _public_fields(auction: Auction, viewer: Viewer, now: datetime) -> dict:
    """What every viewer sees: terms, timing by the database clock, the public price."""
    return {
        "auction_id": auction.auction_id,
        "lot_id": auction.lot_id,
        "kind": auction.kind,
        "status": auction.status,
        "phase": phase_of(auction, now),
        "starts_at": auction.starts_at,
        "ends_at": auction.ends_at,
        "seconds_left": seconds_left(auction, now),
        "start_price_cents": auction.start_price_cents,
        "bid_count": auction.bid_count,
        "extension_count": auction.extension_count,
        "soft_close": _soft_close(auction),
        "has_reserve": auction.reserve_cents is not None,
        "deposit_cents": auction.deposit_cents,
        "deposit_pct": str(deposit_pct(auction)),
        "award": _award(auction, viewer),
        **_price_fields(auction),
    }


def auction_view(
    session: Session,
    *,
    auction: Auction,
    viewer: Viewer,
    now: datetime,
    your_amount: int | None = None,
) -> dict:
    """The auction as ``viewer`` may see it; the reserve and bidders stay hidden from plants.

    ``your_amount``: the viewer's standing amount when the caller knows it (the bid just
    accepted), which saves a query while the auction's row lock is held.
    """
    view = _public_fields(auction, viewer, now)
    if viewer.role == "plant":
        is_leader = viewer.plant_id is not None and auction.leader_plant_id == viewer.plant_id
        view["you_lead"] = None if auction.kind == "sealed" else is_leader
        if your_amount is None:
            your_amount = _your_amount(session, auction, viewer.plant_id)
        view["your_max_cents"] = your_amount
    if viewer.is_staff:
        view["leader_plant_id"] = auction.leader_plant_id
        view["reserve_cents"] = auction.reserve_cents
        view["reserve_source"] = auction.reserve_source
    return view
