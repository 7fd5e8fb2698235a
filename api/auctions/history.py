"""Bid history: bidders are pseudonymous to each other ("Bidder A", "Bidder B" ...)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auctions.models import Auction, AuctionBid
from api.auctions.service import get_auction_for_viewer
from api.lots.access import Viewer


def pseudonym(index: int) -> str:
    """``Bidder A`` .. ``Bidder Z``, ``Bidder AA`` ... for the ``index``-th bidder (from 0)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"Bidder {letters}"


def pseudonyms(rows: list[AuctionBid]) -> dict[int, str]:
    """Each plant's name in this auction, by the order of its first bid (stable as bids come)."""
    names: dict[int, str] = {}
    for row in sorted(rows, key=lambda r: r.seq):
        names.setdefault(row.plant_id, pseudonym(len(names)))
    return names


def _visible(auction: Auction, viewer: Viewer, row: AuctionBid) -> bool:
    """A sealed tender's bids stay sealed (except your own) until the auction closes."""
    if auction.kind == "english" or auction.status != "open" or viewer.role == "admin":
        return True
    return viewer.plant_id is not None and row.plant_id == viewer.plant_id


def _entry(auction: Auction, viewer: Viewer, row: AuctionBid, name: str) -> dict:
    mine = viewer.plant_id is not None and row.plant_id == viewer.plant_id
    # An English bidder's maximum is private: others see the price trail it produced.
    show_amount = mine or viewer.role == "admin" or auction.kind == "sealed"
    entry = {
        "seq": row.seq,
        "bidder": name,
        "is_yours": mine,
        "placed_at": row.placed_at,
        "price_after_cents": row.price_after_cents,
        "amount_cents": row.max_amount_cents if show_amount else None,
        "leads_after": (
            row.leader_after_plant_id == row.plant_id if auction.kind == "english" else None
        ),
    }
    if viewer.role == "admin":
        entry["plant_id"] = row.plant_id
        entry["bid_id"] = row.bid_id
    return entry


def list_bids(session: Session, *, viewer: Viewer, auction_id: int) -> list[dict]:
    """The auction's accepted bids, oldest first, as the viewer may see them."""
    auction = get_auction_for_viewer(session, viewer=viewer, auction_id=auction_id)
    rows = list(
        session.scalars(
            select(AuctionBid)
            .where(AuctionBid.auction_id == auction.auction_id)
            .order_by(AuctionBid.seq)
        )
    )
    names = pseudonyms(rows)
    return [
        _entry(auction, viewer, row, names[row.plant_id])
        for row in rows
        if _visible(auction, viewer, row)
    ]
