"""Who is looking: plants, station staff and overseers see different lots and fields."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, or_, select, true
from sqlalchemy.orm import Session

from api.auctions.models import Auction, AuctionBid
from api.auth.models import User
from api.errors import NotFoundError
from api.lots.models import PUBLIC_LOT_STATUSES, Lot
from api.stations.models import Station

# Roles that oversee every lot (with traceability to deliveries, never residents' data).
OVERSEERS = ("admin", "regulator", "analyst")


@dataclass(frozen=True)
class Viewer:
    """The caller: a plant user carries ``plant_id``, station staff ``station_id``."""

    user_id: int
    role: str
    plant_id: int | None = None
    station_id: int | None = None

    @property
    def is_staff(self) -> bool:
        """Station staff and overseers: they see tags and the deliveries a lot came from."""
        return self.role in OVERSEERS or self.role == "station"


def station_of_staff(session: Session, *, user_id: int) -> Station | None:
    """The active station a staff user belongs to (``organisation_id``) or operates."""
    organisation_id = session.scalar(select(User.organisation_id).where(User.user_id == user_id))
    station = session.get(Station, organisation_id) if organisation_id is not None else None
    if station is None:
        station = session.scalar(
            select(Station).where(Station.operator_user_id == user_id).order_by(Station.station_id)
        )
    return station if station is not None and station.is_active else None


def viewer_for(session: Session, *, user_id: int, role: str) -> Viewer:
    """Build the viewer of a request from the signed-in user."""
    if role == "plant":
        organisation_id = session.scalar(
            select(User.organisation_id).where(User.user_id == user_id)
        )
        return Viewer(user_id, role, plant_id=organisation_id)
    if role == "station":
        station = station_of_staff(session, user_id=user_id)
        return Viewer(user_id, role, station_id=station.station_id if station else None)
    return Viewer(user_id, role)


def can_see_lot(viewer: Viewer, lot: Lot) -> bool:
    """Plants see lots on offer and the ones they bought (and, via ``get_lot_for_viewer``, the
    ones they bid on); staff their station's; overseers all."""
    if viewer.role in OVERSEERS:
        return True
    if viewer.role == "station":
        return viewer.station_id is not None and lot.station_id == viewer.station_id
    if viewer.role == "plant":
        return lot.status in PUBLIC_LOT_STATUSES or (
            viewer.plant_id is not None and lot.plant_id == viewer.plant_id
        )
    return False


def visible_lots_filter(viewer: Viewer):
    """The SQL condition matching ``can_see_lot`` for listing."""
    if viewer.role in OVERSEERS:
        return true()
    if viewer.role == "station":
        return Lot.station_id == viewer.station_id if viewer.station_id is not None else false()
    if viewer.role == "plant":
        if viewer.plant_id is None:
            return Lot.status.in_(PUBLIC_LOT_STATUSES)
        return or_(
            Lot.status.in_(PUBLIC_LOT_STATUSES),
            Lot.plant_id == viewer.plant_id,
            Lot.lot_id.in_(_lots_bid_on(viewer.plant_id)),
        )
    return false()


def _lots_bid_on(plant_id: int):
    return (
        select(Auction.lot_id)
        .join(AuctionBid, AuctionBid.auction_id == Auction.auction_id)
        .where(AuctionBid.plant_id == plant_id)
    )


def get_lot_for_viewer(session: Session, *, viewer: Viewer, lot_id: int) -> Lot:
    """The lot if the viewer may see it; otherwise 404 (never reveal what exists)."""
    lot = session.get(Lot, lot_id)
    if lot is None:
        raise NotFoundError()
    if can_see_lot(viewer, lot):
        return lot
    # A plant that bid keeps seeing the lot after someone else won it (the result, its bids).
    if viewer.role == "plant" and viewer.plant_id is not None:
        bid_on = _lots_bid_on(viewer.plant_id).where(Auction.lot_id == lot_id).limit(1)
        if session.scalar(bid_on) is not None:
            return lot
    raise NotFoundError()
