"""A small city for the demo and for tests: zones, materials, tariffs, slots, people."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import User
from api.materials.service import seed_catalogue
from api.slots.service import ensure_slots
from api.stations.models import Station
from api.tariffs.models import Tariff
from api.tariffs.service import create_tariff
from api.timeutil import local_today
from api.zones.models import Zone
from api.zones.service import create_zone

# Four zones tiling a 0.08° x 0.08° square around central Shanghai (lon, lat).
CITY_ORIGIN = (121.43, 31.19)
ZONE_SIZE = 0.04

# Resident prices in cents per kg (or per piece), city-wide, by (material, grade).
SEED_PRICES = {
    ("cardboard", "A"): 140,
    ("cardboard", "B"): 110,
    ("newspaper", "A"): 160,
    ("mixed_paper", "A"): 80,
    ("pet", "clear"): 220,
    ("pet", "coloured"): 150,
    ("hdpe", "natural"): 260,
    ("hdpe", "mixed"): 180,
    ("pp", "A"): 170,
    ("ferrous", "heavy"): 180,
    ("ferrous", "light"): 130,
    ("aluminium", "cans"): 900,
    ("copper", "bright"): 5200,
    ("copper", "mixed"): 4400,
    ("ewaste_small", "working"): 1500,
    ("ewaste_small", "broken"): 500,
    ("fridge", "working"): 6000,
    ("fridge", "broken"): 3000,
    ("washing_machine", "working"): 5000,
    ("washing_machine", "broken"): 2500,
    ("textiles", "A"): 40,
    ("glass", "mixed"): 10,
}

STAFF = (
    ("+8613900000001", "admin", "Demo admin"),
    ("+8613900000002", "station", "Demo station"),
    ("+8613900000003", "plant", "Demo plant"),
    ("+8613900000004", "regulator", "Demo regulator"),
    ("+8613900000005", "analyst", "Demo analyst"),
    ("+8613900000006", "lender", "Demo lender"),
)
RESIDENTS = ("+8613800000001", "+8613800000002", "+8613800000003")


def zone_ring(col: int, row: int) -> list[list[float]]:
    """The square ring of the zone at grid position (col, row)."""
    lon0 = CITY_ORIGIN[0] + col * ZONE_SIZE
    lat0 = CITY_ORIGIN[1] + row * ZONE_SIZE
    return [
        [lon0, lat0],
        [lon0 + ZONE_SIZE, lat0],
        [lon0 + ZONE_SIZE, lat0 + ZONE_SIZE],
        [lon0, lat0 + ZONE_SIZE],
    ]


def seed_zones(session: Session) -> list[Zone]:
    """Create the four demo zones when missing."""
    names = {(0, 0): "xuhui-s", (1, 0): "xuhui-e", (0, 1): "jingan-w", (1, 1): "jingan-e"}
    existing = {z.code for z in session.scalars(select(Zone))}
    for (col, row), code in names.items():
        if code not in existing:
            create_zone(
                session, code=code, name=code.replace("-", " ").title(), polygon=zone_ring(col, row)
            )
    return list(session.scalars(select(Zone).order_by(Zone.code)))


def seed_tariffs(session: Session) -> None:
    """City-wide tariffs valid from a week ago, when there are none yet."""
    if session.scalar(select(Tariff.tariff_id).limit(1)) is not None:
        return
    since = local_today() - timedelta(days=7)
    for (material, grade), price in SEED_PRICES.items():
        create_tariff(
            session,
            material=material,
            grade=grade,
            zone=None,
            price_cents_per_unit=price,
            valid_from=since,
            actor_user_id=None,
            source="seed",
        )


def seed_people(session: Session) -> None:
    """Demo staff and residents (phones from the reserved demo range)."""
    existing = set(session.scalars(select(User.phone)))
    for phone, role, name in STAFF:
        if phone not in existing:
            session.add(User(phone=phone, role=role, display_name=name))
    for phone in RESIDENTS:
        if phone not in existing:
            session.add(User(phone=phone, role="resident"))
    session.flush()


# (code, name, zone, lon, lat): five stations, two in the busiest zone.
SEED_STATIONS = (
    ("st-xuhui-s-1", "Xuhui South No. 1", "xuhui-s", 121.440, 31.200),
    ("st-xuhui-s-2", "Xuhui South No. 2", "xuhui-s", 121.462, 31.222),
    ("st-xuhui-e-1", "Xuhui East No. 1", "xuhui-e", 121.490, 31.210),
    ("st-jingan-w-1", "Jing'an West No. 1", "jingan-w", 121.450, 31.250),
    ("st-jingan-e-1", "Jing'an East No. 1", "jingan-e", 121.490, 31.250),
)


def seed_stations(session: Session) -> None:
    """The demo stations when missing; the demo station user works at the first one."""
    zones = {z.code: z.zone_id for z in session.scalars(select(Zone))}
    existing = set(session.scalars(select(Station.code)))
    for code, name, zone, lon, lat in SEED_STATIONS:
        if code not in existing:
            session.add(
                Station(code=code, name=name, zone_id=zones[zone], latitude=lat, longitude=lon)
            )
    session.flush()
    first = session.scalar(select(Station).where(Station.code == SEED_STATIONS[0][0]))
    staff = session.scalar(select(User).where(User.phone == STAFF[1][0], User.role == "station"))
    if staff is not None and staff.organisation_id is None:
        staff.organisation_id = first.station_id


def seed_city(
    session: Session, *, days: int = 7, capacity: int = 20, cutoff_minutes: int = 120
) -> None:
    """Everything a fresh database needs to take bookings for the next ``days`` days."""
    seed_catalogue(session)
    zones = seed_zones(session)
    seed_tariffs(session)
    seed_people(session)
    seed_stations(session)
    today = local_today()
    for zone in zones:
        for offset in range(days + 1):
            ensure_slots(
                session,
                zone=zone,
                day=today + timedelta(days=offset),
                capacity=capacity,
                cutoff=timedelta(minutes=cutoff_minutes),
            )
