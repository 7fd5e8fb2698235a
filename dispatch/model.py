"""The routing problem as frozen dataclasses: pickups, collectors, stations.

Times are integer seconds since local midnight of the planning day (a day crossing
midnight uses values above 86,400). Weights are integer grams, volumes integer litres,
money integer cents; only coordinates are floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dispatch.errors import ProblemError


class VehicleType(StrEnum):
    """Kinds of collector vehicle; each has its own speed and default capacities."""

    TRICYCLE = "tricycle"
    E_BIKE = "e_bike"
    VAN = "van"
    TRUCK = "truck"


# Default payload (grams) and volume (litres) of each vehicle type.
DEFAULT_CAPACITY_G = {
    VehicleType.TRICYCLE: 150_000,
    VehicleType.E_BIKE: 80_000,
    VehicleType.VAN: 1_000_000,
    VehicleType.TRUCK: 5_000_000,
}
DEFAULT_VOLUME_L = {
    VehicleType.TRICYCLE: 600,
    VehicleType.E_BIKE: 250,
    VehicleType.VAN: 6_000,
    VehicleType.TRUCK: 20_000,
}


@dataclass(frozen=True)
class Location:
    """A WGS84 point."""

    lat: float
    lon: float


@dataclass(frozen=True)
class TimeWindow:
    """[start_s, end_s] in seconds since local midnight; the end is inclusive."""

    start_s: int
    end_s: int


@dataclass(frozen=True)
class Break:
    """A break of `duration_s` taken entirely inside `window` (e.g. 30 min, 11:30-14:00).

    A break may fall before the collector leaves or after it is home (OR-Tools' break
    semantics); it is only forced into the route when the route spans the window.
    """

    window: TimeWindow
    duration_s: int


@dataclass(frozen=True)
class Collector:
    """A collector and vehicle. `end` defaults to `start` (home base).

    `fixed_prefix` lists pickup ids already done or under way today, in order: a
    re-plan keeps them first on this route and ignores their windows (they are facts).
    """

    id: str
    vehicle_type: VehicleType
    start: Location
    shift: TimeWindow
    end: Location | None = None
    max_work_s: int | None = None
    capacity_g: int | None = None
    volume_l: int | None = None
    skills: frozenset[str] = frozenset()
    breaks: tuple[Break, ...] = ()
    fixed_prefix: tuple[str, ...] = ()

    @property
    def home_end(self) -> Location:
        """Where the route ends."""
        return self.end or self.start

    @property
    def payload_g(self) -> int:
        """Payload in grams, the vehicle type's default unless given."""
        return (
            self.capacity_g
            if self.capacity_g is not None
            else DEFAULT_CAPACITY_G[self.vehicle_type]
        )

    @property
    def volume_capacity_l(self) -> int:
        """Volume in litres, the vehicle type's default unless given."""
        return self.volume_l if self.volume_l is not None else DEFAULT_VOLUME_L[self.vehicle_type]


@dataclass(frozen=True)
class Pickup:
    """A booked pickup. `pinned_collector_id` keeps a claimed job with its collector."""

    id: str
    location: Location
    window: TimeWindow
    service_s: int
    weight_g: int
    volume_l: int = 0
    value_cents: int = 0
    priority: int = 0
    required_skill: str | None = None
    pinned_collector_id: str | None = None


@dataclass(frozen=True)
class Station:
    """A recycling station where collectors unload; `unload_s` per visit."""

    id: str
    location: Location
    opening: TimeWindow
    unload_s: int = 600


@dataclass(frozen=True)
class Problem:
    """One day to plan."""

    pickups: tuple[Pickup, ...]
    collectors: tuple[Collector, ...]
    stations: tuple[Station, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict; `Problem.from_dict` reads it back."""
        from dispatch.serialize import to_jsonable

        return to_jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Problem:
        """Inverse of `to_dict`."""
        from dispatch.serialize import from_jsonable

        return from_jsonable(cls, data)


def validate_problem(problem: Problem) -> None:
    """Raise ProblemError naming the first malformed item; return None if sound."""
    collectors = {c.id: c for c in problem.collectors}
    _check_unique("collector", [c.id for c in problem.collectors])
    _check_unique("pickup", [p.id for p in problem.pickups])
    _check_unique("station", [s.id for s in problem.stations])
    for pickup in problem.pickups:
        _check_pickup(pickup, collectors)
    for collector in problem.collectors:
        _check_collector(collector)
    for station in problem.stations:
        _check_location(f"station {station.id!r}", station.location)
        _check_window(f"station {station.id!r}", station.opening)
        _check_non_negative(f"station {station.id!r}", unload_s=station.unload_s)
    _check_prefixes(problem, collectors)
    if not problem.stations and any(p.weight_g or p.volume_l for p in problem.pickups):
        raise ProblemError("problem: pickups carry load but there is no station to unload at")


def _check_unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for item_id in ids:
        if not item_id:
            raise ProblemError(f"{kind} with an empty id")
        if item_id in seen:
            raise ProblemError(f"{kind} {item_id!r}: duplicate id")
        seen.add(item_id)


def _check_window(label: str, window: TimeWindow, name: str = "window") -> None:
    if window.end_s < window.start_s:
        raise ProblemError(f"{label}: {name} end before start")
    if window.start_s < 0:
        raise ProblemError(f"{label}: {name} starts before midnight (negative seconds)")


def _check_location(label: str, location: Location) -> None:
    if not (-90 <= location.lat <= 90 and -180 <= location.lon <= 180):
        raise ProblemError(f"{label}: location ({location.lat}, {location.lon}) out of range")


def _check_non_negative(label: str, **values: int | None) -> None:
    for name, value in values.items():
        if value is not None and (not isinstance(value, int) or value < 0):
            raise ProblemError(f"{label}: {name} must be a non-negative integer, got {value!r}")


def _check_pickup(pickup: Pickup, collectors: dict[str, Collector]) -> None:
    label = f"pickup {pickup.id!r}"
    _check_location(label, pickup.location)
    _check_window(label, pickup.window)
    _check_non_negative(
        label,
        service_s=pickup.service_s,
        weight_g=pickup.weight_g,
        volume_l=pickup.volume_l,
        value_cents=pickup.value_cents,
        priority=pickup.priority,
    )
    if pickup.pinned_collector_id is not None and pickup.pinned_collector_id not in collectors:
        raise ProblemError(f"{label}: pinned to unknown collector {pickup.pinned_collector_id!r}")


def _check_collector(collector: Collector) -> None:
    label = f"collector {collector.id!r}"
    _check_location(label, collector.start)
    _check_location(label, collector.home_end)
    _check_window(label, collector.shift, "shift")
    _check_non_negative(
        label,
        max_work_s=collector.max_work_s,
        capacity_g=collector.capacity_g,
        volume_l=collector.volume_l,
    )
    for brk in collector.breaks:
        _check_window(label, brk.window, "break window")
        if brk.duration_s < 0 or brk.window.end_s - brk.window.start_s < brk.duration_s:
            raise ProblemError(f"{label}: break of {brk.duration_s} s does not fit its window")


def _check_prefixes(problem: Problem, collectors: dict[str, Collector]) -> None:
    pickups = {p.id: p for p in problem.pickups}
    owner: dict[str, str] = {}
    for collector in problem.collectors:
        for pickup_id in collector.fixed_prefix:
            label = f"collector {collector.id!r}: fixed prefix pickup {pickup_id!r}"
            if pickup_id not in pickups:
                raise ProblemError(f"{label} is not in the problem")
            if pickup_id in owner:
                raise ProblemError(f"{label} is already in the prefix of {owner[pickup_id]!r}")
            pinned = pickups[pickup_id].pinned_collector_id
            if pinned not in (None, collector.id):
                raise ProblemError(f"{label} is pinned to {pinned!r}")
            owner[pickup_id] = collector.id
