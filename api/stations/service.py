"""Stations, their staff, and deliveries: a collector's bags weighed and scanned on arrival.

A delivery is the custody hand-over from the collector to the station. Every scanned tag
must be on a bag of a job that this collector completed, of the line's material and grade,
and not delivered before; its status then moves to ``delivered`` (a conditional update, so
the same bag cannot be received twice even by two stations at once).
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.auth.models import User
from api.bookings.models import Booking
from api.collectors.models import Collector
from api.custody.manifests import record_dropoff_manifest
from api.custody.service_tags import deliver_tag, get_tag_or_raise
from api.db import utcnow
from api.errors import ForbiddenError, NotFoundError, ValidationError
from api.events.service import record_event
from api.jobs.models import Weighing, WeighingLine
from api.ledger.postings import credit_collector_for_delivery, station_buying_price_cents
from api.materials.service import find_active_material
from api.stations.models import Station, StationDelivery, StationDeliveryLine
from api.zones.models import Zone

PAID_WEIGHINGS = ("recorded", "accepted")


def list_stations(session: Session) -> list[Station]:
    """Active stations by code."""
    stmt = select(Station).where(Station.is_active.is_(True)).order_by(Station.code)
    return list(session.scalars(stmt))


def list_stations_with_zones(session: Session) -> list[Station]:
    """Active stations, each with its ``zone_code`` for display."""
    zones = dict(session.execute(select(Zone.zone_id, Zone.code)).tuples().all())
    stations = list_stations(session)
    for station in stations:
        station.zone_code = zones.get(station.zone_id)
    return stations


def get_station_by_code(session: Session, *, code: str) -> Station:
    """The station with ``code``, or 404."""
    station = session.scalar(select(Station).where(Station.code == code))
    if station is None:
        raise NotFoundError(f"no station {code!r}")
    return station


def attach_station_user(session: Session, *, user_id: int, station_id: int) -> User:
    """Make a ``station`` user staff of a station (their ``organisation_id``)."""
    user = session.get(User, user_id)
    if user is None or user.role != "station":
        raise ValidationError.on("user_id", "not a station staff account")
    if session.get(Station, station_id) is None:
        raise ValidationError.on("station_id", "no such station")
    user.organisation_id = station_id
    session.flush()
    return user


def station_of_user(session: Session, *, user_id: int) -> Station:
    """The station the signed-in staff member works at (403 when not attached to one)."""
    user = session.get(User, user_id)
    station = session.get(Station, user.organisation_id) if user.organisation_id else None
    if station is None or not station.is_active:
        raise ForbiddenError("your account is not attached to a station", code="no_station")
    return station


def _bag(session: Session, *, code: str, collector_id: int, line: dict, field: str):
    """The door weighing line of a scanned tag, checked against the delivery line."""
    tag = get_tag_or_raise(session, code=code, field=field)
    row = session.execute(
        select(WeighingLine, Booking)
        .join(Weighing, Weighing.weighing_id == WeighingLine.weighing_id)
        .join(Booking, Booking.booking_id == Weighing.booking_id)
        .where(
            WeighingLine.tag_code == tag.tag_code,
            WeighingLine.is_void.is_(False),
            Weighing.status.in_(PAID_WEIGHINGS),
        )
    ).first()
    if row is None or row.Booking.collector_id != collector_id or row.Booking.status != "completed":
        raise ValidationError.on(field, "not on a bag from a job this collector completed")
    if (row.WeighingLine.material_code, row.WeighingLine.grade) != (
        line["material"],
        line["grade"],
    ):
        bag = f"{row.WeighingLine.material_code} {row.WeighingLine.grade}"
        raise ValidationError.on(field, f"this bag was weighed at the door as {bag}")
    deliver_tag(session, code=tag.tag_code, field=field)
    return row.WeighingLine


def _delivery_line(session: Session, index: int, line: dict, collector_id: int, seen: set):
    at = f"lines.{index}"
    material = find_active_material(session, code=line["material"], field=f"{at}.material")
    if line["grade"] not in material.grades:
        raise ValidationError.on(f"{at}.grade", f"one of {', '.join(material.grades)}")
    amount_cents = _piece_amount(index, line, material.unit)
    door_grams = 0
    codes = []
    for position, code in enumerate(line["tag_codes"]):
        field = f"{at}.tag_codes.{position}"
        if code.strip().upper() in seen:
            raise ValidationError.on(field, "scanned twice in this delivery")
        bag = _bag(session, code=code, collector_id=collector_id, line=line, field=field)
        seen.add(bag.tag_code)
        codes.append(bag.tag_code)
        door_grams += bag.net_grams or 0
    return StationDeliveryLine(
        material_id=material.material_id,
        material_code=material.code,
        grade=line["grade"],
        net_grams=line["net_grams"],
        door_net_grams=door_grams,
        amount_cents=amount_cents,
        tag_codes=codes,
    )


def _piece_amount(index: int, line: dict, unit: str) -> int | None:
    """Piece-priced goods (a fridge) need the agreed amount; kg goods are priced by tariff."""
    if unit == "piece" and line.get("amount_cents") is None:
        raise ValidationError.on(f"lines.{index}.amount_cents", "priced per piece: give the amount")
    if unit == "kg" and line.get("amount_cents") is not None:
        raise ValidationError.on(
            f"lines.{index}.amount_cents", "priced by the tariff in force; do not send it"
        )
    return line.get("amount_cents")


def _pay_collector(session: Session, delivery: StationDelivery) -> int:
    """Buy the delivery from the collector: tariff + margin per kg line, plus piece amounts."""
    by_weight = [line for line in delivery.lines if line.amount_cents is None]
    price = sum(line.amount_cents for line in delivery.lines if line.amount_cents is not None)
    if by_weight:
        # The ledger prices whole deliveries; hand it a view holding only the kg lines.
        view = SimpleNamespace(
            station_id=delivery.station_id, received_at=delivery.received_at, lines=by_weight
        )
        price += station_buying_price_cents(session, delivery=view)
    credit_collector_for_delivery(session, delivery=delivery, amount_cents=price)
    return price


def receive_delivery(
    session: Session, *, user_id: int, collector_id: int, lines: list[dict]
) -> StationDelivery:
    """Station staff weigh a collector's delivery per material and scan every bag's tag."""
    station = station_of_user(session, user_id=user_id)
    if session.get(Collector, collector_id) is None:
        raise ValidationError.on("collector_id", "no such collector")
    kinds = [(line["material"], line["grade"]) for line in lines]
    for index, kind in enumerate(kinds):
        if kind in kinds[:index]:
            raise ValidationError.on(f"lines.{index}", "one line per material and grade")
    seen: set[str] = set()
    delivery = StationDelivery(
        station_id=station.station_id,
        collector_id=collector_id,
        received_by_user_id=user_id,
        received_at=utcnow(),
        status="received",
        lines=[
            _delivery_line(session, i, line, collector_id, seen) for i, line in enumerate(lines)
        ],
    )
    session.add(delivery)
    session.flush()
    delivery.price_cents = _pay_collector(session, delivery)
    record_dropoff_manifest(session, delivery=delivery, actor_user_id=user_id)
    record_event(
        session,
        entity_type="station_delivery",
        entity_id=delivery.station_delivery_id,
        kind="received",
        actor_user_id=user_id,
        data={
            "station_id": station.station_id,
            "collector_id": collector_id,
            "tag_count": len(seen),
            "net_grams": sum(line.net_grams for line in delivery.lines),
            "price_cents": delivery.price_cents,
        },
    )
    return delivery


def list_deliveries(
    session: Session, *, user_id: int, role: str, offset: int, limit: int
) -> tuple[list[StationDelivery], int]:
    """Deliveries the caller may see: their station's, their own (collector), or all (admin)."""
    stmt = select(StationDelivery)
    if role == "station":
        # Staff not (yet) attached to a station have no deliveries to see.
        user = session.get(User, user_id)
        stmt = stmt.where(StationDelivery.station_id == (user.organisation_id or -1))
    elif role == "collector":
        collector = session.scalar(select(Collector).where(Collector.user_id == user_id))
        stmt = stmt.where(
            StationDelivery.collector_id == (collector.collector_id if collector else -1)
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery()))
    stmt = stmt.order_by(
        StationDelivery.received_at.desc(), StationDelivery.station_delivery_id.desc()
    )
    return list(session.scalars(stmt.offset(offset).limit(limit))), total
