"""The people and places of the simulated city: the seed, the residents, who is who.

Residents live in compounds (clusters of addresses) spread over the four seed zones, each
with one address made through the residents' service. Collectors, station staff and plants
are enrolled in ``enrolment``. The demo's sign-in phones are fixed here.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth.models import User
from api.auth.service import get_or_create_resident
from api.residents.service import create_address
from api.seed import RESIDENTS, STAFF, seed_city
from api.zones.models import Zone

ADMIN_PHONE, STATION_PHONE, PLANT_PHONE, REGULATOR_PHONE = (
    STAFF[0][0],
    STAFF[1][0],
    STAFF[2][0],
    STAFF[3][0],
)
RESIDENT_PHONE = RESIDENTS[0]
COLLECTOR_PHONE = "+8613700000001"


@dataclass
class Resident:
    """A resident with their one pickup address."""

    user_id: int
    phone: str
    address_id: int
    zone_id: int
    latitude: float
    longitude: float
    habit: float  # how often they book, relative to the city's rate


@dataclass
class CollectorAgent:
    """An approved collector and what the simulation knows of their habits."""

    collector_id: int
    user_id: int
    phone: str
    zone_codes: list[str]
    home: tuple[float, float]
    vehicle: str
    payload_grams: int
    reliability: float  # chance of turning up for a claimed job
    days_per_week: int  # full-timers work six days, part-timers three
    tags: list[str] = field(default_factory=list)


@dataclass
class StationAgent:
    """A station and the staff member who weighs deliveries and makes lots there."""

    station_id: int
    code: str
    zone_id: int
    latitude: float
    longitude: float
    staff_user_id: int


@dataclass
class PlantAgent:
    """A registered, approved plant bidding through one user."""

    plant_id: int
    user_id: int
    phone: str
    categories: list[str]
    keenness: float


@dataclass
class DemoCity:
    """Everyone the simulation drives, by role."""

    admin_user_id: int
    residents: list[Resident]
    collectors: list[CollectorAgent]
    stations: list[StationAgent]
    plants: list[PlantAgent]
    zones: dict[str, tuple[int, list]]  # code -> (zone_id, ring)

    def zone_code(self, zone_id: int) -> str:
        """The code of a zone id."""
        return next(code for code, (zid, _) in self.zones.items() if zid == zone_id)


def inside(ring: list, rng: random.Random, margin: float = 0.003) -> tuple[float, float]:
    """A random point (lat, lon) inside the square ``ring``, ``margin`` degrees from its edges."""
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    lon = rng.uniform(min(lons) + margin, max(lons) - margin)
    lat = rng.uniform(min(lats) + margin, max(lats) - margin)
    return lat, lon


def seed_places(session: Session, *, slot_days: int) -> dict[str, tuple[int, list]]:
    """The seed city (zones, catalogue, tariffs, staff, stations, slots); zones by code."""
    seed_city(session, days=slot_days, capacity=40)
    zones = session.scalars(select(Zone).where(Zone.is_active.is_(True)).order_by(Zone.code))
    return {z.code: (z.zone_id, z.polygon) for z in zones}


def enrol_residents(
    session: Session,
    *,
    zones: dict,
    count: int,
    rng: random.Random,
    on_each: Callable[[], None] = lambda: None,
) -> list[Resident]:
    """``count`` residents, each with an address in a compound of one zone."""
    compounds = []
    for code, (_zone_id, ring) in sorted(zones.items()):
        for index in range(max(3, count // 50)):
            compounds.append((code, index + 1, *inside(ring, rng)))
    residents = []
    for number in range(1, count + 1):
        phone = f"+86138{number:08d}"
        user = get_or_create_resident(session, phone=phone)
        code, compound, lat, lon = rng.choice(compounds)
        lat = lat + rng.gauss(0, 0.0008)
        lon = lon + rng.gauss(0, 0.0008)
        ring = zones[code][1]
        lat, lon = _clamp(ring, lat, lon)
        address = create_address(
            session,
            resident_id=user.user_id,
            data={
                "label": "home",
                "latitude": lat,
                "longitude": lon,
                "text": f"{code.title()} compound {compound}, building {rng.randint(1, 30)}",
                "building": str(rng.randint(1, 30)),
                "floor": str(rng.randint(1, 18)),
            },
        )
        residents.append(
            Resident(
                user.user_id,
                phone,
                address.address_id,
                address.zone_id,
                lat,
                lon,
                # the demo resident (the first) books often, so their phone has a history
                habit=4.0 if number == 1 else rng.lognormvariate(0, 0.6),
            )
        )
        on_each()
    return residents


def _clamp(ring: list, lat: float, lon: float) -> tuple[float, float]:
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    return (
        min(max(lat, min(lats) + 0.0005), max(lats) - 0.0005),
        min(max(lon, min(lons) + 0.0005), max(lons) - 0.0005),
    )


def admin_user_id(session: Session) -> int:
    """The demo admin's user id."""
    return session.scalar(select(User.user_id).where(User.phone == ADMIN_PHONE))
