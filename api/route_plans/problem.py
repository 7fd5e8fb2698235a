"""Build the `dispatch.Problem` of one zone and local day from the database.

Ids in the problem are strings: ``b<booking_id>``, ``c<collector_id>``, ``s<station_id>``.
Times are seconds since the local midnight of the service day. Personal data (exact
addresses) goes into the problem only as coordinates, which stay inside the stored plan.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.collectors.models import Collector, CollectorSkill, Shift
from api.events.models import Event
from api.jobs.models import Weighing
from api.materials.models import Material
from api.quotes.models import Quote
from api.residents.models import Address
from api.route_plans import estimates
from api.slots.models import Slot
from api.stations.models import Station, StationDelivery
from api.timeutil import local_day_bounds
from api.zones.models import Zone
from dispatch import Break, Location, Pickup, Problem, TimeWindow
from dispatch import Collector as DispatchCollector
from dispatch import Station as DispatchStation

PLANNABLE = ("scheduled", "assigned")
# Visited or under way: kept as the collector's fixed prefix, in this order.
STARTED_ORDER = {"completed": 0, "weighed": 1, "arrived": 2, "en_route": 3}
HOUR = 3600
LUNCH = Break(TimeWindow(11 * HOUR + 1800, 14 * HOUR), 1800)
# A claimed job's collector without a declared shift is planned on this one.
DEFAULT_SHIFT = TimeWindow(8 * HOUR, 20 * HOUR)
# A re-plan during the day starts routes at "now" rounded up to this step, so that two
# re-plans within the same step see the same inputs and store one version.
NOW_STEP_S = 600
# A collector with work under way keeps at least this long to finish and unload.
MIN_REMAINING_S = 2 * HOUR
NEIGHBOUR_STATIONS = 3


@dataclass(frozen=True)
class ZoneDay:
    """The problem of a zone-day, its JSON inputs and their digest."""

    zone_id: int
    service_date: date
    problem: Problem
    inputs: dict
    inputs_hash: str
    built_at: datetime


def pickup_id(booking_id: int) -> str:
    """Problem id of a booking."""
    return f"b{booking_id}"


def collector_id(collector: int) -> str:
    """Problem id of a collector."""
    return f"c{collector}"


def parse_id(ref: str) -> int:
    """The database id inside a problem id (``b12`` -> 12)."""
    return int(ref[1:])


def inputs_digest(inputs: dict) -> str:
    """SHA-256 of the canonical JSON of the inputs."""
    canonical = json.dumps(inputs, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def build_zone_day(session: Session, *, zone: Zone, service_date: date, now: datetime) -> ZoneDay:
    """Everything the solver needs for ``zone`` on ``service_date``, as seen at ``now``."""
    day_start = local_day_bounds(service_date)[0]
    # Routes for today cannot start in the past; other days plan from the shift start.
    earliest = None
    if day_start <= now < local_day_bounds(service_date)[1]:
        elapsed = int((now - day_start).total_seconds())
        earliest = math.ceil(elapsed / NOW_STEP_S) * NOW_STEP_S
    rows = _booking_rows(session, zone=zone, service_date=service_date)
    collectors = _collectors(session, zone=zone, service_date=service_date, rows=rows)
    prefixes = _prefixes(session, rows=rows, collector_ids=set(collectors), day_start=day_start)
    in_prefix = {b for ids in prefixes.values() for b in ids}
    pickups = _pickups(
        session, rows=rows, collector_ids=set(collectors), keep=in_prefix, day_start=day_start
    )
    fleet = tuple(
        _dispatch_collector(c, shift, service_date, earliest, prefixes.get(c.collector_id, ()))
        for c, shift in collectors.values()
    )
    problem = Problem(pickups, fleet, _stations(session, zone=zone))
    inputs = problem.to_dict()
    return ZoneDay(zone.zone_id, service_date, problem, inputs, inputs_digest(inputs), now)


def _booking_rows(session: Session, *, zone: Zone, service_date: date) -> list:
    start, end = local_day_bounds(service_date)
    stmt = (
        select(Booking, Slot, Address, Quote.estimated_total_cents)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .join(Address, Address.address_id == Booking.address_id)
        .join(Quote, Quote.quote_id == Booking.quote_id)
        .where(
            Booking.zone_id == zone.zone_id,
            Slot.starts_at >= start,
            Slot.starts_at < end,
            Booking.status.in_(PLANNABLE + tuple(STARTED_ORDER)),
        )
        .order_by(Booking.booking_id)
    )
    return list(session.execute(stmt))


def _collectors(session: Session, *, zone: Zone, service_date: date, rows: list) -> dict:
    """Approved collectors of the zone with a shift that day, plus those holding its jobs."""
    holders = {r.Booking.collector_id for r in rows if r.Booking.collector_id is not None}
    stmt = (
        select(Collector, Shift)
        .outerjoin(
            Shift,
            (Shift.collector_id == Collector.collector_id) & (Shift.shift_date == service_date),
        )
        .where(Collector.status == "approved")
        .order_by(Collector.collector_id)
    )
    found = {}
    for collector, shift in session.execute(stmt):
        serves_zone = shift is not None and zone.code in (collector.zone_codes or [])
        if serves_zone or collector.collector_id in holders:
            found[collector.collector_id] = (collector, shift)
    return found


def _prefixes(
    session: Session, *, rows: list, collector_ids: set[int], day_start: datetime
) -> dict[int, tuple[int, ...]]:
    """Per collector, the booking ids under way or done but still on board, in visit order.

    Bookings weighed before the collector's last station delivery of the day were unloaded:
    they are history, not part of the route (and would overfill the vehicle if kept).
    """
    started = [
        r.Booking
        for r in rows
        if r.Booking.status in STARTED_ORDER and r.Booking.collector_id in collector_ids
    ]
    if not started:
        return {}
    weighed = _last_weighings(session, [b.booking_id for b in started])
    delivered = _last_deliveries(session, {b.collector_id for b in started}, day_start)
    prefixes: dict[int, list[Booking]] = {}
    for booking in started:
        at, unloaded = weighed.get(booking.booking_id), delivered.get(booking.collector_id)
        if at is not None and unloaded is not None and at <= unloaded:
            continue
        prefixes.setdefault(booking.collector_id, []).append(booking)
    return {
        cid: tuple(b.booking_id for b in sorted(bs, key=lambda b: _visit_key(b, weighed)))
        for cid, bs in prefixes.items()
    }


def _last_weighings(session: Session, booking_ids: list[int]) -> dict:
    stmt = (
        select(Weighing.booking_id, func.max(Weighing.weighed_at))
        .where(Weighing.booking_id.in_(booking_ids))
        .group_by(Weighing.booking_id)
    )
    return dict(session.execute(stmt).all())


def _last_deliveries(session: Session, collector_ids: set[int], day_start: datetime) -> dict:
    stmt = (
        select(StationDelivery.collector_id, func.max(StationDelivery.received_at))
        .where(
            StationDelivery.collector_id.in_(collector_ids),
            StationDelivery.received_at >= day_start,
        )
        .group_by(StationDelivery.collector_id)
    )
    return dict(session.execute(stmt).all())


def _visit_key(booking: Booking, weighed: dict) -> tuple:
    at = weighed.get(booking.booking_id)
    return (STARTED_ORDER[booking.status], at is None, at or booking.updated_at, booking.booking_id)


def _pickups(
    session: Session, *, rows: list, collector_ids: set[int], keep: set[int], day_start: datetime
) -> tuple:
    material_ids = {item.material_id for r in rows for item in r.Booking.items}
    materials = {
        m.material_id: m
        for m in session.scalars(select(Material).where(Material.material_id.in_(material_ids)))
    }
    moves = _reschedule_counts(session, [r.Booking.booking_id for r in rows])
    pickups = []
    for r in rows:
        booking = r.Booking
        if booking.status in STARTED_ORDER and booking.booking_id not in keep:
            continue  # unloaded history, or under way with a collector no longer approved
        load = estimates.estimate_load(booking.items, materials)
        pinned = booking.collector_id if booking.collector_id in collector_ids else None
        pickups.append(
            Pickup(
                id=pickup_id(booking.booking_id),
                location=Location(r.Address.latitude, r.Address.longitude),
                window=TimeWindow(
                    _seconds(r.Slot.starts_at, day_start), _seconds(r.Slot.ends_at, day_start)
                ),
                service_s=load.service_s,
                weight_g=load.grams,
                volume_l=load.litres,
                value_cents=max(0, r.estimated_total_cents or 0),
                priority=min(moves.get(booking.booking_id, 0), 3),
                required_skill=load.skill,
                pinned_collector_id=collector_id(pinned) if pinned else None,
            )
        )
    return tuple(pickups)


def _seconds(instant: datetime, day_start: datetime) -> int:
    return max(0, int((instant - day_start).total_seconds()))


def _reschedule_counts(session: Session, booking_ids: list[int]) -> dict[int, int]:
    """Residents who already moved their pickup go first: priority = times rescheduled."""
    if not booking_ids:
        return {}
    stmt = (
        select(Event.entity_id, func.count())
        .where(
            Event.entity_type == "booking",
            Event.kind == "rescheduled",
            Event.entity_id.in_(booking_ids),
        )
        .group_by(Event.entity_id)
    )
    return dict(session.execute(stmt).all())


def _dispatch_collector(
    collector: Collector,
    shift: Shift | None,
    service_date: date,
    earliest: int | None,
    prefix: tuple[int, ...],
) -> DispatchCollector:
    window = DEFAULT_SHIFT
    if shift is not None:
        day_start = local_day_bounds(service_date)[0]
        window = TimeWindow(
            _seconds(shift.starts_at, day_start), _seconds(shift.ends_at, day_start)
        )
    if earliest is not None:
        start = max(window.start_s, earliest)
        end = max(window.end_s, start + MIN_REMAINING_S) if prefix else max(window.end_s, start)
        window = TimeWindow(start, end)
    spans_lunch = window.start_s <= LUNCH.window.start_s and window.end_s >= LUNCH.window.end_s
    home = Location(collector.home_latitude, collector.home_longitude)
    return DispatchCollector(
        id=collector_id(collector.collector_id),
        vehicle_type=estimates.vehicle_type(collector.vehicle_type),
        start=home,
        shift=window,
        capacity_g=collector.payload_grams,
        volume_l=collector.volume_litres,
        skills=estimates.skill_set(_valid_skills(collector, service_date)),
        breaks=(LUNCH,) if spans_lunch else (),
        fixed_prefix=tuple(pickup_id(b) for b in prefix),
    )


def _valid_skills(collector: Collector, service_date: date) -> list[str]:
    skills: list[CollectorSkill] = collector.skills
    return [s.skill for s in skills if s.expires_on is None or s.expires_on >= service_date]


def _stations(session: Session, *, zone: Zone) -> tuple[DispatchStation, ...]:
    """The zone's active stations, or the nearest ones around it when it has none."""
    active = list(
        session.scalars(
            select(Station).where(Station.is_active.is_(True)).order_by(Station.station_id)
        )
    )
    chosen = [s for s in active if s.zone_id == zone.zone_id]
    if not chosen:
        lon = sum(p[0] for p in zone.polygon) / len(zone.polygon)
        lat = sum(p[1] for p in zone.polygon) / len(zone.polygon)
        active.sort(key=lambda s: (s.latitude - lat) ** 2 + (s.longitude - lon) ** 2)
        chosen = sorted(active[:NEIGHBOUR_STATIONS], key=lambda s: s.station_id)
    return tuple(
        DispatchStation(
            id=f"s{s.station_id}",
            location=Location(s.latitude, s.longitude),
            opening=TimeWindow(s.opens_minute * 60, s.closes_minute * 60),
        )
        for s in chosen
    )
