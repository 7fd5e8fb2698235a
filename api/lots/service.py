"""Lot rules: made at a station from its unassigned delivery lines; who sees what of it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from api.auctions.clock import db_now
from api.auctions.live import auction_view, latest_auction, live_etag, seconds_left
from api.errors import ConflictError, ForbiddenError, ValidationError
from api.events.models import Event
from api.events.service import list_events, record_event
from api.lots.access import Viewer, get_lot_for_viewer, visible_lots_filter
from api.lots.models import Lot
from api.materials.service import find_active_material
from api.stations.models import Station, StationDelivery, StationDeliveryLine
from api.zones.models import Zone

MAX_COLLECTION_WINDOW = timedelta(days=30)


def lot_event(session: Session, lot: Lot, kind: str, actor: int | None, **data) -> None:
    """Record a change of the lot (every change of a lot leaves an event)."""
    record_event(
        session, entity_type="lot", entity_id=lot.lot_id, kind=kind, actor_user_id=actor, data=data
    )


def _check_window(data: dict) -> None:
    starts, ends = data["collection_starts_at"], data["collection_ends_at"]
    if ends <= starts:
        raise ValidationError.on("collection_ends_at", "must be after collection_starts_at")
    if ends - starts > MAX_COLLECTION_WINDOW:
        raise ValidationError.on("collection_ends_at", "a collection window is at most 30 days")


def _lines_for_lot(
    session: Session, *, station_id: int, ids: list[int], material: str, grade: str
) -> list[StationDeliveryLine]:
    if len(set(ids)) != len(ids):
        raise ValidationError.on("delivery_line_ids", "a line is listed twice")
    stmt = (
        select(StationDeliveryLine)
        .join(StationDelivery)
        .where(StationDeliveryLine.station_delivery_line_id.in_(ids))
        .where(StationDelivery.station_id == station_id)
    )
    found = {line.station_delivery_line_id: line for line in session.scalars(stmt)}
    for index, line_id in enumerate(ids):
        field = f"delivery_line_ids.{index}"
        line = found.get(line_id)
        if line is None:
            raise ValidationError.on(field, "not a delivery line of your station")
        if (line.material_code, line.grade) != (material, grade):
            raise ValidationError.on(field, f"is {line.material_code}/{line.grade}")
        if line.lot_id is not None:
            raise ConflictError(
                f"line {line_id} is already in lot {line.lot_id}",
                code="line_in_lot",
                errors={field: ["already in another lot"]},
            )
    return [found[line_id] for line_id in ids]


def create_lot(session: Session, *, viewer: Viewer, data: dict) -> dict:
    """Make a lot of one material grade from unassigned delivery lines of the caller's station."""
    if viewer.station_id is None:
        raise ForbiddenError("you are not staff of a station")
    material = find_active_material(session, code=data["material"], field="material")
    if data["grade"] not in material.grades:
        raise ValidationError.on(
            "grade", f"{material.code} grades are {', '.join(material.grades)}"
        )
    _check_window(data)
    ids = data["delivery_line_ids"]
    lines = _lines_for_lot(
        session, station_id=viewer.station_id, ids=ids, material=material.code, grade=data["grade"]
    )
    lot = Lot(
        station_id=viewer.station_id,
        material_id=material.material_id,
        material_code=material.code,
        grade=data["grade"],
        net_grams=sum(line.net_grams for line in lines),
        tag_codes=sorted({tag for line in lines for tag in line.tag_codes or []}),
        photo_refs=data["photo_refs"],
        collection_starts_at=data["collection_starts_at"],
        collection_ends_at=data["collection_ends_at"],
        status="open",
        created_by_user_id=viewer.user_id,
    )
    session.add(lot)
    session.flush()
    # The conditional update settles a race with another lot taking the same lines.
    claimed = session.execute(
        update(StationDeliveryLine)
        .where(StationDeliveryLine.station_delivery_line_id.in_(ids))
        .where(StationDeliveryLine.lot_id.is_(None))
        .values(lot_id=lot.lot_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != len(ids):
        raise ConflictError("a delivery line was just put in another lot", code="line_in_lot")
    lot_event(session, lot, "created", viewer.user_id, net_grams=lot.net_grams, line_ids=ids)
    return lot_view(session, lot=lot, viewer=viewer, now=db_now(session))


def _station_ref(session: Session, station_id: int) -> dict:
    row = session.execute(
        select(Station.code, Station.name, Zone.code)
        .join(Zone, Zone.zone_id == Station.zone_id)
        .where(Station.station_id == station_id)
    ).one()
    return {"code": row[0], "name": row[1], "zone": row[2]}


def lot_view(session: Session, *, lot: Lot, viewer: Viewer, now, with_auction: bool = True) -> dict:
    """The lot as ``viewer`` may see it: plants never get tags, deliveries or people."""
    view = {
        "lot_id": lot.lot_id,
        "status": lot.status,
        "material": lot.material_code,
        "grade": lot.grade,
        "net_grams": lot.net_grams,
        "net_kg": str(Decimal(lot.net_grams) / 1000),
        "station": _station_ref(session, lot.station_id),
        "tag_count": len(lot.tag_codes or []),
        "photo_refs": lot.photo_refs or [],
        "collection_starts_at": lot.collection_starts_at,
        "collection_ends_at": lot.collection_ends_at,
        "version": lot.version,
        "created_at": lot.created_at,
        "received_net_grams": lot.received_net_grams,
    }
    if with_auction:
        auction = latest_auction(session, lot_id=lot.lot_id)
        view["auction"] = (
            auction_view(session, auction=auction, viewer=viewer, now=now) if auction else None
        )
    if viewer.role == "plant":
        view["is_yours"] = viewer.plant_id is not None and lot.plant_id == viewer.plant_id
    if viewer.is_staff:
        view["tag_codes"] = lot.tag_codes or []
        view["delivery_line_ids"] = list(
            session.scalars(
                select(StationDeliveryLine.station_delivery_line_id)
                .where(StationDeliveryLine.lot_id == lot.lot_id)
                .order_by(StationDeliveryLine.station_delivery_line_id)
            )
        )
        view["plant_id"] = lot.plant_id
    return view


def list_lots(
    session: Session, *, viewer: Viewer, args: dict, offset: int, limit: int
) -> tuple[list[dict], int]:
    """The lots the viewer may see, newest first, filtered by status, material, station, zone."""
    stmt = select(Lot).where(visible_lots_filter(viewer))
    if args.get("status"):
        stmt = stmt.where(Lot.status == args["status"])
    if args.get("material"):
        stmt = stmt.where(Lot.material_code == args["material"])
    if args.get("station") or args.get("zone"):
        stmt = stmt.join(Station, Station.station_id == Lot.station_id)
        if args.get("station"):
            stmt = stmt.where(Station.code == args["station"])
        if args.get("zone"):
            stmt = stmt.join(Zone, Zone.zone_id == Station.zone_id).where(Zone.code == args["zone"])
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    lots = session.scalars(stmt.order_by(Lot.lot_id.desc()).offset(offset).limit(limit))
    now = db_now(session)
    return [lot_view(session, lot=lot, viewer=viewer, now=now) for lot in lots], total


def lot_live(
    session: Session, *, viewer: Viewer, lot_id: int
) -> tuple[str, int | None, Callable[[], dict]]:
    """``(etag, seconds left, build)`` for a conditional GET: the body is built only if needed."""
    lot = get_lot_for_viewer(session, viewer=viewer, lot_id=lot_id)
    auction = latest_auction(session, lot_id=lot_id)
    now = db_now(session)
    left = seconds_left(auction, now) if auction is not None else None
    etag = live_etag(lot, auction, viewer, now)
    return etag, left, lambda: lot_view(session, lot=lot, viewer=viewer, now=now)


def lot_timeline(session: Session, *, viewer: Viewer, lot_id: int) -> list[Event]:
    """The lot's events, oldest first (staff of its station and overseers)."""
    get_lot_for_viewer(session, viewer=viewer, lot_id=lot_id)
    return list_events(session, entity_type="lot", entity_id=lot_id)
