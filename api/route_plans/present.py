"""Stored routes as people read them: local times, kilometres, and only the data they may see.

A collector sees the exact address of a pickup only while they hold that job (claimed and
not finished); for every other stop they get the neighbourhood (zone name and a location
rounded to about a kilometre) so they can judge the day without learning where anyone lives.
Admin views carry booking ids, never addresses or coordinates of homes.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.bookings.models import ACTIVE_STATUSES, Booking
from api.residents.models import Address
from api.route_plans.models import RoutePlan, RoutePlanRoute
from api.route_plans.problem import parse_id
from api.stations.models import Station
from api.timeutil import local_day_bounds, to_local

HELD_STATUSES = tuple(s for s in ACTIVE_STATUSES if s != "scheduled")
COARSE_DECIMALS = 2  # 0.01 degree, about 1 km


def _at(plan: RoutePlan, seconds: int) -> str:
    return to_local(local_day_bounds(plan.service_date)[0] + timedelta(seconds=seconds)).isoformat()


def _timing(plan: RoutePlan, index: int, stop: dict) -> dict:
    return {
        "sequence": index,
        "kind": stop["kind"],
        "arrival_at": _at(plan, stop["arrival_s"]),
        "service_start_at": _at(plan, stop["service_start_s"]),
        "departure_at": _at(plan, stop["departure_s"]),
        "load_g": stop["load_g"],
        "load_l": stop["load_l"],
        "distance_from_previous_m": stop["distance_from_previous_m"],
    }


def _route_totals(plan: RoutePlan, route: RoutePlanRoute) -> dict:
    return {
        "collector_id": route.collector_id,
        "vehicle_type": route.vehicle_type,
        "pickup_count": route.pickup_count,
        "distance_m": route.distance_m,
        "distance_km": round(route.distance_m / 1000, 1),
        "duration_s": route.duration_s,
        "duration_minutes": round(route.duration_s / 60),
        "collected_g": route.collected_g,
        "breaks": [
            {"start_at": _at(plan, b["start_s"]), "end_at": _at(plan, b["end_s"])}
            for b in route.breaks
        ],
    }


def _stations(session: Session, route: RoutePlanRoute) -> dict[int, Station]:
    ids = {parse_id(s["ref_id"]) for s in route.stops if s["kind"] == "unload"}
    if not ids:
        return {}
    return {
        s.station_id: s for s in session.scalars(select(Station).where(Station.station_id.in_(ids)))
    }


def _station_ref(station: Station | None, station_id: int) -> dict:
    if station is None:
        return {"station_id": station_id}
    return {
        "station_id": station.station_id,
        "code": station.code,
        "name": station.name,
        "latitude": station.latitude,
        "longitude": station.longitude,
    }


def collector_route(
    session: Session, *, plan: RoutePlan, route: RoutePlanRoute, viewer_collector_id: int
) -> dict:
    """The route for the collector's phone: full address only for jobs they hold."""
    booking_ids = [parse_id(s["ref_id"]) for s in route.stops if s["kind"] == "pickup"]
    bookings = {
        b.booking_id: b
        for b in session.scalars(select(Booking).where(Booking.booking_id.in_(booking_ids)))
    }
    held = {
        b.booking_id
        for b in bookings.values()
        if b.collector_id == viewer_collector_id and b.status in HELD_STATUSES
    }
    address_ids = {bookings[b].address_id for b in held}
    addresses = {
        a.address_id: a
        for a in session.scalars(select(Address).where(Address.address_id.in_(address_ids)))
    }
    stations = _stations(session, route)
    stops = []
    for index, stop in enumerate(route.stops):
        item = _timing(plan, index, stop)
        if stop["kind"] == "pickup":
            booking = bookings.get(parse_id(stop["ref_id"]))
            item.update(_pickup_for_collector(plan, stop, booking, addresses, held))
        elif stop["kind"] == "unload":
            station_id = parse_id(stop["ref_id"])
            item["station"] = _station_ref(stations.get(station_id), station_id)
        stops.append(item)
    return {
        "route_plan_id": plan.route_plan_id,
        "service_date": plan.service_date.isoformat(),
        "zone": plan.zone.code,
        "version": plan.version,
        **_route_totals(plan, route),
        "stops": stops,
    }


def _pickup_for_collector(plan, stop, booking, addresses, held) -> dict:
    booking_id = parse_id(stop["ref_id"])
    item = {
        "booking_id": booking_id,
        "booking_status": booking.status if booking else None,
        "is_held": False,
        "neighbourhood": plan.zone.name,
        "approx_latitude": round(stop["location"]["lat"], COARSE_DECIMALS),
        "approx_longitude": round(stop["location"]["lon"], COARSE_DECIMALS),
    }
    if booking_id in held:
        address = addresses[booking.address_id]
        item["is_held"] = True
        item["address"] = {
            "text": address.text,
            "building": address.building,
            "floor": address.floor,
            "access_notes": address.access_notes,
            "latitude": address.latitude,
            "longitude": address.longitude,
        }
    return item


def admin_route(session: Session, *, plan: RoutePlan, route: RoutePlanRoute) -> dict:
    """A route for dispatchers: booking and station ids, times and loads; no home locations."""
    stations = _stations(session, route)
    stops = []
    for index, stop in enumerate(route.stops):
        item = _timing(plan, index, stop)
        if stop["kind"] == "pickup":
            item["booking_id"] = parse_id(stop["ref_id"])
        elif stop["kind"] == "unload":
            station_id = parse_id(stop["ref_id"])
            item["station"] = _station_ref(stations.get(station_id), station_id)
        stops.append(item)
    return {**_route_totals(plan, route), "stops": stops}
