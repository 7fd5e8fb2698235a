"""Route stray alerts: a collector's location pings far from where the day's work was.

The planned path is the collector's route in the day's current route plans when there is
one (its stops in order), else home -> the held jobs' doors in slot order -> the stations
the collector delivered to. A ping farther than ``ROUTE_STRAY_M`` from every leg of that
path is a stray. Alerts carry counts, distances and times only: no coordinates, so neither a
resident's door nor the collector's whereabouts leak through them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bookings.models import Booking
from api.collectors.models import Collector, LocationPing
from api.custody.alerts import raise_alert
from api.custody.models import Manifest
from api.residents.models import Address
from api.route_plans.models import RoutePlan, RoutePlanRoute
from api.slots.models import Slot
from api.stations.models import Station
from api.timeutil import local_day_bounds, to_local

DEFAULT_ROUTE_STRAY_M = 2000
EARTH_M_PER_DEG = 111_320.0

Point = tuple[float, float]  # (latitude, longitude)


def distance_to_path_m(point: Point, path: Sequence[Point]) -> float:
    """Metres from ``point`` to the nearest leg of ``path`` (local flat projection)."""
    lat0 = math.radians(point[0])

    def xy(p: Point) -> tuple[float, float]:
        return (
            (p[1] - point[1]) * EARTH_M_PER_DEG * math.cos(lat0),
            (p[0] - point[0]) * EARTH_M_PER_DEG,
        )

    projected = [xy(p) for p in path]
    if len(projected) == 1:
        return math.hypot(*projected[0])
    best = math.inf
    for (ax, ay), (bx, by) in zip(projected, projected[1:], strict=False):
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def _plan_path(session: Session, collector_id: int, day: date) -> list[Point]:
    stmt = (
        select(RoutePlanRoute)
        .join(RoutePlan, RoutePlan.route_plan_id == RoutePlanRoute.route_plan_id)
        .where(
            RoutePlan.service_date == day,
            RoutePlan.status == "current",
            RoutePlanRoute.collector_id == collector_id,
        )
    )
    path: list[Point] = []
    for route in session.scalars(stmt):
        for stop in route.stops:
            location = stop.get("location") or {}
            if "lat" in location and "lon" in location:
                path.append((float(location["lat"]), float(location["lon"])))
    return path


def _held_jobs_path(session: Session, collector: Collector, day: date) -> list[Point]:
    start, end = local_day_bounds(day)
    doors = session.execute(
        select(Address.latitude, Address.longitude)
        .join(Booking, Booking.address_id == Address.address_id)
        .join(Slot, Slot.slot_id == Booking.slot_id)
        .where(
            Booking.collector_id == collector.collector_id,
            Slot.starts_at >= start,
            Slot.starts_at < end,
        )
        .order_by(Slot.starts_at, Booking.booking_id)
    ).all()
    stations = session.execute(
        select(Station.latitude, Station.longitude)
        .join(Manifest, Manifest.receiver_id == Station.station_id)
        .where(
            Manifest.kind == "dropoff",
            Manifest.sender_id == collector.collector_id,
            Manifest.handed_over_at >= start,
            Manifest.handed_over_at < end,
        )
        .order_by(Manifest.handed_over_at)
    ).all()
    if not doors and not stations:
        return []
    home = [(collector.home_latitude, collector.home_longitude)]
    return home + [tuple(d) for d in doors] + [tuple(s) for s in stations]


def planned_path(session: Session, collector: Collector, day: date) -> list[Point]:
    """The day's path of a collector: the route plan's stops, else the held jobs' doors."""
    return _plan_path(session, collector.collector_id, day) or _held_jobs_path(
        session, collector, day
    )


def raise_route_alerts(session: Session, *, day: date, stray_m: int) -> int:
    """One ``route_stray`` alert per collector with pings far off the day's path."""
    start, end = local_day_bounds(day)
    pings_by_collector: dict[int, list[LocationPing]] = {}
    stmt = (
        select(LocationPing)
        .where(LocationPing.recorded_at >= start, LocationPing.recorded_at < end)
        .order_by(LocationPing.collector_id, LocationPing.recorded_at)
    )
    for ping in session.scalars(stmt):
        pings_by_collector.setdefault(ping.collector_id, []).append(ping)
    new = 0
    for collector_id, pings in pings_by_collector.items():
        path = planned_path(session, session.get(Collector, collector_id), day)
        if not path:
            continue
        strays = [
            (ping, distance_to_path_m((ping.latitude, ping.longitude), path)) for ping in pings
        ]
        strays = [(p, d) for p, d in strays if d > stray_m]
        if not strays:
            continue
        new += raise_alert(
            session,
            kind="route_stray",
            subject_type="collector",
            subject_id=str(collector_id),
            period=day.isoformat(),
            details={
                "stray_pings": len(strays),
                "pings": len(pings),
                "max_distance_m": int(max(d for _, d in strays)),
                "first_stray_at": to_local(strays[0][0].recorded_at).isoformat(),
                "allowed_m": stray_m,
            },
        )[1]
    return new
