"""Seeded synthetic city days for benchmarks, demos and tests."""

from __future__ import annotations

import random

from dispatch.model import (
    Break,
    Collector,
    Location,
    Pickup,
    Problem,
    Station,
    TimeWindow,
    VehicleType,
)

HOUR = 3600
# Fleet mix by share: many light vehicles, a few vans and trucks.
FLEET_MIX = (
    (VehicleType.TRICYCLE, 0.35),
    (VehicleType.E_BIKE, 0.25),
    (VehicleType.VAN, 0.3),
    (VehicleType.TRUCK, 0.1),
)
SKILLS = ("hazardous", "bulky")


def make_city_day(
    num_pickups: int,
    num_collectors: int,
    num_stations: int = 6,
    seed: int = 7,
    radius_km: float = 12.0,
    skill_share: float = 0.05,
) -> Problem:
    """A day in a round city: pickups in 2-hour slots 08:00-18:00, collectors from home."""
    rng = random.Random(seed)
    centre = Location(52.37, 4.89)
    pickups = tuple(_pickup(rng, i, centre, radius_km, skill_share) for i in range(num_pickups))
    collectors = tuple(_collector(rng, i, centre, radius_km) for i in range(num_collectors))
    stations = tuple(
        Station(f"s-{i}", _point(rng, centre, radius_km * 0.8), TimeWindow(6 * HOUR, 20 * HOUR))
        for i in range(num_stations)
    )
    return Problem(pickups, collectors, stations)


def _point(rng: random.Random, centre: Location, radius_km: float) -> Location:
    # Denser towards the centre, like a real city.
    r = radius_km * rng.random() ** 0.8 / 111.0
    dx, dy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    norm = max((dx * dx + dy * dy) ** 0.5, 1e-9)
    return Location(
        round(centre.lat + r * dy / norm, 6), round(centre.lon + 1.6 * r * dx / norm, 6)
    )


def _pickup(rng: random.Random, i: int, centre: Location, radius_km: float, share: float) -> Pickup:
    slot = rng.randrange(8, 18, 2) * HOUR
    skill = rng.choice(SKILLS) if rng.random() < share else None
    return Pickup(
        id=f"p-{i}",
        location=_point(rng, centre, radius_km),
        window=TimeWindow(slot, slot + 2 * HOUR),
        service_s=rng.choice((120, 180, 300, 480)),
        weight_g=rng.randrange(2_000, 30_000, 500),
        volume_l=rng.randrange(10, 120, 5),
        value_cents=rng.randrange(0, 2_000, 10),
        priority=rng.choice((0, 0, 0, 1, 2)),
        required_skill=skill,
    )


def _collector(rng: random.Random, i: int, centre: Location, radius_km: float) -> Collector:
    kinds, weights = zip(*FLEET_MIX, strict=True)
    kind = rng.choices(kinds, weights)[0]
    skills = frozenset(s for s in SKILLS if rng.random() < 0.3 and kind != VehicleType.E_BIKE)
    start = rng.choice((7, 8, 9)) * HOUR
    return Collector(
        id=f"c-{i}",
        vehicle_type=kind,
        start=_point(rng, centre, radius_km),
        shift=TimeWindow(start, start + 10 * HOUR),
        max_work_s=9 * HOUR,
        skills=skills,
        breaks=(Break(TimeWindow(11 * HOUR + 1800, 14 * HOUR), 1800),),
    )
