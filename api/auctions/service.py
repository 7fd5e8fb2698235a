"""Auction rules: scheduling a lot's auction and taking bids exactly once, in order.

A bid locks the auction row, reads the database clock, validates with pricing against the
cached state, then inserts the bid and moves the cached state in the same transaction, so
the stored state always equals pricing's serial replay of the accepted bids.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auctions.clock import db_now, lock_one
from api.auctions.live import auction_view, latest_auction, live_etag, seconds_left
from api.auctions.models import Auction, AuctionBid
from api.auctions.reserve import default_reserve
from api.auctions.rules import params_of, state_of
from api.auctions.settings import decimal_setting, setting
from api.errors import ConflictError, NotFoundError, ValidationError
from api.events.service import record_event
from api.lots.access import Viewer, get_lot_for_viewer
from api.lots.models import Lot
from api.lots.service import lot_event
from api.materials.models import Material
from api.plants.models import Plant
from api.plants.service import bidder_standing, disqualification
from api.timeutil import to_local
from pricing import (
    AuctionInputError,
    Bid,
    BidderStanding,
    BidRejectedError,
    accept_bid,
    opening_state,
    validate_bid,
)

MAX_AUCTION_LENGTH = timedelta(days=14)
AUCTIONABLE = ("open", "unsold")


def auction_event(session: Session, auction: Auction, kind: str, actor: int | None, **data) -> None:
    """Record a change of the auction's lifecycle (bids are their own append-only rows)."""
    record_event(
        session,
        entity_type="auction",
        entity_id=auction.auction_id,
        kind=kind,
        actor_user_id=actor,
        data=data,
    )


def _times(data: dict, now: datetime) -> tuple[datetime, datetime]:
    starts_at = max(data.get("starts_at") or now, now)
    ends_at = data["ends_at"]
    if ends_at <= starts_at:
        raise ValidationError.on("ends_at", "must be after the start and in the future")
    if ends_at - starts_at > MAX_AUCTION_LENGTH:
        raise ValidationError.on("ends_at", "an auction runs at most 14 days")
    return starts_at, ends_at


def _soft_close(data: dict) -> dict:
    if data["kind"] == "sealed":
        if data.get("soft_close"):
            raise ValidationError.on("soft_close", "a sealed tender closes on time")
        return {"window_seconds": 0, "extension_seconds": 0, "cap_seconds": 0}
    return data.get("soft_close") or {
        "window_seconds": setting("AUCTION_SOFT_CLOSE_WINDOW_SECONDS"),
        "extension_seconds": setting("AUCTION_SOFT_CLOSE_EXTENSION_SECONDS"),
        "cap_seconds": setting("AUCTION_SOFT_CLOSE_CAP_SECONDS"),
    }


def _reserve(session: Session, data: dict, lot: Lot, now: datetime) -> tuple[int | None, str]:
    if data.get("reserve_cents") is not None:
        return data["reserve_cents"], "given"
    return default_reserve(session, lot=lot, now=now)


def create_auction(session: Session, *, viewer: Viewer, lot_id: int, data: dict) -> dict:
    """Put a lot up for auction; its station's staff (or an admin) set the terms."""
    get_lot_for_viewer(session, viewer=viewer, lot_id=lot_id)
    lot = lock_one(session, Lot, Lot.lot_id, lot_id)
    if lot.status not in AUCTIONABLE:
        raise ConflictError(f"a lot that is {lot.status} cannot be auctioned", code="invalid_state")
    now = db_now(session)
    starts_at, ends_at = _times(data, now)
    soft = _soft_close(data)
    reserve, source = _reserve(session, data, lot, now)
    pct = data.get("deposit_pct")
    pct = decimal_setting("AUCTION_DEPOSIT_PCT") if pct is None else pct
    auction = Auction(
        lot_id=lot.lot_id,
        kind=data["kind"],
        status="open",
        start_price_cents=data["start_price_cents"],
        reserve_cents=reserve,
        reserve_source=source,
        deposit_cents=data.get("deposit_cents", setting("AUCTION_DEPOSIT_CENTS")),
        deposit_basis_points=int(Decimal(pct) * 100),
        starts_at=starts_at,
        scheduled_end_at=ends_at,
        ends_at=ends_at,
        soft_close_window_seconds=soft["window_seconds"],
        soft_close_extension_seconds=soft["extension_seconds"],
        soft_close_cap_seconds=soft["cap_seconds"],
        current_price_cents=data["start_price_cents"],
        created_by_user_id=viewer.user_id,
    )
    try:
        params_of(auction)  # pricing checks the terms (tiers, deposit) once, here
    except AuctionInputError as error:
        raise ValidationError.on("_schema", str(error)) from error
    session.add(auction)
    lot.status = "auctioning"
    lot.version += 1
    session.flush()
    auction_event(session, auction, "created", viewer.user_id, auction_kind=auction.kind)
    lot_event(session, lot, "auction_scheduled", viewer.user_id, auction_id=auction.auction_id)
    return auction_view(session, auction=auction, viewer=viewer, now=now)


def get_auction_for_viewer(session: Session, *, viewer: Viewer, auction_id: int) -> Auction:
    """The auction if the viewer may see its lot; otherwise 404."""
    auction = session.get(Auction, auction_id)
    if auction is None:
        raise NotFoundError()
    get_lot_for_viewer(session, viewer=viewer, lot_id=auction.lot_id)
    return auction


def _bid_time(session: Session, auction: Auction) -> datetime:
    """The database clock, never earlier than the last accepted bid (a clock step back
    would otherwise reorder bids against the order the row lock gave them)."""
    now = db_now(session)
    return max(now, auction.last_bid_at) if auction.last_bid_at else now


def _explain(error: BidRejectedError, plant: Plant | None, now: datetime) -> BidRejectedError:
    if error.reason_code != "not_qualified":
        return error
    reason = disqualification(plant, on=to_local(now).date()) or error.message
    return BidRejectedError("not_qualified", reason)


def _standing(session: Session, lot: Lot, viewer: Viewer) -> tuple[Plant | None, BidderStanding]:
    """The bidder's standing, read before the auction's lock to keep the lock short: it does
    not depend on the auction (the permit date is the database's local date)."""
    plant = session.get(Plant, viewer.plant_id) if viewer.plant_id else None
    category = session.scalar(
        select(Material.category).where(Material.material_id == lot.material_id)
    )
    on = to_local(db_now(session)).date()
    return plant, bidder_standing(session, plant=plant, material_category=category, on=on)


def _validate(auction: Auction, bid: Bid, plant: Plant | None, standing: BidderStanding) -> None:
    if auction.status != "open":
        raise BidRejectedError("auction_closed", "the auction has closed")
    params = params_of(auction)
    # A sealed tender is checked against the opening state: the minimum is the start price.
    state = state_of(auction) if auction.kind == "english" else opening_state(params)
    try:
        validate_bid(state, bid, params, standing=standing)
    except BidRejectedError as error:
        raise _explain(error, plant, bid.placed_at) from None


def _move_state(auction: Auction, bid: Bid) -> None:
    """Apply an accepted English bid to the cached state (price, leader, soft close)."""
    moved = accept_bid(state_of(auction), bid, params_of(auction))
    if moved.end_at != auction.ends_at:
        auction.extension_count += 1
        auction.ends_at = moved.end_at
    auction.current_price_cents = moved.current_price_cents
    auction.leader_plant_id = int(moved.leader_id)
    auction.leader_max_cents = moved.leader_max_cents


def _record_bid(session: Session, auction: Auction, viewer: Viewer, bid: Bid) -> AuctionBid:
    """Insert the accepted bid and move the cached state with it (under the row lock)."""
    if auction.kind == "english":
        _move_state(auction, bid)
    row = AuctionBid(
        auction_id=auction.auction_id,
        seq=bid.seq,
        plant_id=viewer.plant_id,
        user_id=viewer.user_id,
        max_amount_cents=bid.max_amount_cents,
        placed_at=bid.placed_at,
        price_after_cents=auction.current_price_cents if auction.kind == "english" else None,
        leader_after_plant_id=auction.leader_plant_id,
        ends_at_after=auction.ends_at,
    )
    session.add(row)
    auction.bid_count += 1
    auction.last_bid_at = bid.placed_at
    auction.version += 1
    session.flush()
    return row


def place_bid(session: Session, *, viewer: Viewer, lot_id: int, max_amount_cents: int) -> dict:
    """Bid on the lot's auction: a proxy maximum (English) or a tender (sealed)."""
    lot = get_lot_for_viewer(session, viewer=viewer, lot_id=lot_id)
    current = latest_auction(session, lot_id=lot.lot_id)
    if current is None:
        raise ConflictError("this lot has no auction", code="no_auction")
    plant, standing = _standing(session, lot, viewer)
    auction = lock_one(session, Auction, Auction.auction_id, current.auction_id)
    placed_at = _bid_time(session, auction)
    bid = Bid(str(viewer.plant_id), max_amount_cents, placed_at, auction.bid_count + 1)
    _validate(auction, bid, plant, standing)
    ends_before = auction.ends_at
    row = _record_bid(session, auction, viewer, bid)
    # An accepted English bid is always the bidder's new maximum (it must beat the minimum or
    # their own maximum); an accepted tender replaces their earlier one.
    view = auction_view(
        session, auction=auction, viewer=viewer, now=placed_at, your_amount=max_amount_cents
    )
    return {
        "bid_id": row.bid_id,
        "seq": row.seq,
        "max_amount_cents": max_amount_cents,
        "placed_at": placed_at,
        "extended": auction.ends_at != ends_before,
        "auction": view,
    }


def auction_live(session: Session, *, viewer: Viewer, auction_id: int):
    """``(etag, seconds left, build)`` for a conditional GET of one auction."""
    auction = get_auction_for_viewer(session, viewer=viewer, auction_id=auction_id)
    lot = session.get(Lot, auction.lot_id)
    now = db_now(session)
    etag = live_etag(lot, auction, viewer, now)
    return (
        etag,
        seconds_left(auction, now),
        lambda: auction_view(session, auction=auction, viewer=viewer, now=now),
    )
