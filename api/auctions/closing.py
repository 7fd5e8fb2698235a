"""Closing auctions, awarding lots, payment, and what happens when a winner does not pay.

Both the close and the payment deadline are judged by the database clock under the
auction's row lock, so a task running late (or twice) changes nothing it should not.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auctions.clock import db_now, lock_one
from api.auctions.live import auction_view
from api.auctions.models import Auction, AuctionBid
from api.auctions.rules import as_bid, as_sealed_bid, params_of
from api.auctions.service import auction_event, get_auction_for_viewer
from api.auctions.settings import setting
from api.errors import ConflictError
from api.ledger import plant_postings
from api.lots.access import Viewer
from api.lots.models import Lot
from api.lots.service import lot_event
from api.plants.models import Plant
from api.plants.service import disqualification
from api.timeutil import to_local
from pricing import (
    required_deposit_cents,
    reserve_met,
    resolve_sealed,
    runner_up,
)
from pricing.auctions.sealed import latest_submissions

log = logging.getLogger(__name__)
AWAITING_PAYMENT = ("awarded", "offered")


def _notify(auction: Auction, kind: str, plant_id: int | None) -> None:
    # The notification of record is the event; this line is for operators (ids only, no PII).
    log.info("auction %s %s plant=%s", auction.auction_id, kind, plant_id)


def due_auction_ids(session: Session, *, limit: int = 500) -> list[int]:
    """Open auctions whose (extended) end has passed by the database clock."""
    now = db_now(session)
    stmt = (
        select(Auction.auction_id)
        .where(Auction.status == "open", Auction.ends_at <= now)
        .order_by(Auction.ends_at)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _bids(session: Session, auction: Auction) -> list[AuctionBid]:
    stmt = select(AuctionBid).where(AuctionBid.auction_id == auction.auction_id)
    return list(session.scalars(stmt.order_by(AuctionBid.seq)))


def _winner(session: Session, auction: Auction) -> tuple[int, int] | None:
    """``(plant_id, price)`` of the best bid: the proxy leader, or the sealed tender's award."""
    if auction.kind == "english":
        if auction.leader_plant_id is None:
            return None
        return auction.leader_plant_id, auction.current_price_cents
    award = resolve_sealed(as_sealed_bid(row) for row in _bids(session, auction))
    return (int(award.winner_id), award.price_cents) if award else None


def _award(
    session: Session, auction: Auction, lot: Lot, *, plant_id: int, price: int, now: datetime
) -> None:
    offered = auction.status != "open"  # re-offering after a default
    auction.status = "offered" if offered else "awarded"
    auction.award_plant_id = plant_id
    auction.award_price_cents = price
    hours = setting("AUCTION_OFFER_HOURS" if offered else "AUCTION_PAYMENT_HOURS")
    auction.payment_due_at = now + timedelta(hours=int(hours))
    lot.status = "awarded"
    lot.plant_id = plant_id
    lot.version += 1
    data = {"plant_id": plant_id, "price_cents": price}
    auction_event(session, auction, auction.status, None, **data)
    lot_event(session, lot, "offered" if offered else "awarded", None, **data)
    _notify(auction, auction.status, plant_id)


def _unsold(session: Session, auction: Auction, lot: Lot, *, reason: str) -> None:
    auction.status = "unsold"
    auction.award_plant_id = None
    auction.award_price_cents = None
    auction.payment_due_at = None
    lot.status = "unsold"
    lot.plant_id = None
    lot.version += 1
    auction_event(session, auction, "unsold", None, reason=reason)
    lot_event(session, lot, "unsold", None, auction_id=auction.auction_id, reason=reason)
    _notify(auction, "unsold", None)


def close_auction(session: Session, *, auction_id: int) -> Auction | None:
    """Close an auction whose end has passed: award it to the best bid if the reserve is met.

    Idempotent: an auction already closed, or not yet ended by the database clock, is left.
    """
    auction = lock_one(session, Auction, Auction.auction_id, auction_id)
    if auction is None or auction.status != "open":
        return auction
    now = db_now(session)
    if now < auction.ends_at:
        return auction
    lot = lock_one(session, Lot, Lot.lot_id, auction.lot_id)
    auction.closed_at = now
    auction.version += 1
    auction_event(
        session, auction, "closed", None, lag_ms=int((now - auction.ends_at).total_seconds() * 1000)
    )
    winner = _winner(session, auction)
    if winner is None:
        _unsold(session, auction, lot, reason="no_bids")
    elif not reserve_met(winner[1], auction.reserve_cents):
        _unsold(session, auction, lot, reason="reserve_not_met")
    else:
        auction.clearing_price_cents = winner[1]
        _award(session, auction, lot, plant_id=winner[0], price=winner[1], now=now)
    return auction


def due_payment_ids(session: Session, *, limit: int = 500) -> list[int]:
    """Awards whose payment deadline has passed by the database clock."""
    now = db_now(session)
    stmt = (
        select(Auction.auction_id)
        .where(Auction.status.in_(AWAITING_PAYMENT), Auction.payment_due_at <= now)
        .order_by(Auction.payment_due_at)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def _ranked_bids(session: Session, auction: Auction) -> list:
    rows = _bids(session, auction)
    if auction.kind == "english":
        return [as_bid(row) for row in rows]
    # A sealed bidder stands at their latest tender, as in the award.
    latest = {s.seq for s in latest_submissions(as_sealed_bid(row) for row in rows)}
    return [as_bid(row) for row in rows if row.seq in latest]


def _offer_next(session: Session, auction: Auction, lot: Lot, now: datetime) -> None:
    """Offer the lot to the best remaining bidder at their own maximum, or leave it unsold."""
    bids = _ranked_bids(session, auction)
    excluded = {str(plant_id) for plant_id in auction.declined_plant_ids}
    while True:
        candidate = runner_up(bids, excluded=excluded)
        if candidate is None or not reserve_met(candidate.amount_cents, auction.reserve_cents):
            _unsold(session, auction, lot, reason="no_runner_up")
            return
        plant = session.get(Plant, int(candidate.bidder_id))
        if disqualification(plant, on=to_local(now).date()) is None:
            _award(
                session,
                auction,
                lot,
                plant_id=plant.plant_id,
                price=candidate.amount_cents,
                now=now,
            )
            return
        excluded.add(candidate.bidder_id)
        auction.declined_plant_ids = [*auction.declined_plant_ids, plant.plant_id]


def enforce_payment_deadline(session: Session, *, auction_id: int) -> Auction | None:
    """A winner who did not pay in time forfeits their deposit; the runner-up is offered the
    lot. A runner-up letting an offer lapse forfeits nothing (they never committed)."""
    auction = lock_one(session, Auction, Auction.auction_id, auction_id)
    if auction is None or auction.status not in AWAITING_PAYMENT:
        return auction
    now = db_now(session)
    if now < auction.payment_due_at:
        return auction
    lot = lock_one(session, Lot, Lot.lot_id, auction.lot_id)
    defaulter = session.get(Plant, auction.award_plant_id)
    if auction.status == "awarded":
        owed = required_deposit_cents(auction.award_price_cents, params_of(auction))
        posted = plant_postings.forfeit_deposit(
            session,
            auction_id=auction.auction_id,
            owner_user_id=defaulter.owner_user_id,
            amount_cents=owed,
        )
        forfeited = (
            sum(e.amount_cents for e in posted.entries if e.amount_cents > 0) if posted else 0
        )
        auction_event(
            session, auction, "forfeited", None, plant_id=defaulter.plant_id, amount_cents=forfeited
        )
    else:
        auction_event(session, auction, "offer_lapsed", None, plant_id=defaulter.plant_id)
    auction.declined_plant_ids = [*auction.declined_plant_ids, defaulter.plant_id]
    auction.version += 1
    _offer_next(session, auction, lot, now)
    return auction


def pay_for_auction(
    session: Session, *, viewer: Viewer, auction_id: int, bank_reference: str
) -> dict:
    """The awarded plant pays the lot's price by bank transfer, before the deadline."""
    get_auction_for_viewer(session, viewer=viewer, auction_id=auction_id)
    auction = lock_one(session, Auction, Auction.auction_id, auction_id)
    mine = viewer.plant_id is not None and auction.award_plant_id == viewer.plant_id
    now = db_now(session)
    if auction.status == "paid" and mine:
        return auction_view(session, auction=auction, viewer=viewer, now=now)
    if auction.status not in AWAITING_PAYMENT or not mine:
        raise ConflictError("there is nothing for you to pay here", code="invalid_state")
    if now >= auction.payment_due_at:
        raise ConflictError("the payment deadline has passed", code="payment_overdue")
    plant = session.get(Plant, viewer.plant_id)
    plant_postings.settle_lot_payment(
        session,
        auction_id=auction.auction_id,
        owner_user_id=plant.owner_user_id,
        amount_cents=auction.award_price_cents,
        bank_reference=bank_reference,
    )
    lot = lock_one(session, Lot, Lot.lot_id, auction.lot_id)
    auction.status = "paid"
    auction.paid_at = now
    auction.version += 1
    lot.status = "paid"
    lot.version += 1
    data = {"plant_id": plant.plant_id, "amount_cents": auction.award_price_cents}
    auction_event(session, auction, "paid", viewer.user_id, **data)
    lot_event(session, lot, "paid", viewer.user_id, **data)
    return auction_view(session, auction=auction, viewer=viewer, now=now)
