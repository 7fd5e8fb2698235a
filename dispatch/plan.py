"""The solved plan: routes of stops, unassigned pickups with reasons, summary KPIs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from dispatch.model import Location, VehicleType


class StopKind(StrEnum):
    """What happens at a stop."""

    START = "start"
    PICKUP = "pickup"
    UNLOAD = "unload"
    END = "end"


class UnassignedReason(StrEnum):
    """Why a pickup is not in any route, checked against every collector."""

    NO_COLLECTOR_WITH_SKILL = "no_collector_with_skill"
    NO_CAPACITY = "no_capacity"
    OUTSIDE_SHIFT = "outside_shift"
    WINDOW_UNREACHABLE = "window_unreachable"
    DROPPED_BY_OPTIMISER = "dropped_by_optimiser"


@dataclass(frozen=True)
class Stop:
    """One stop. `ref_id` is the pickup, station or collector id; loads are after the stop.

    `arrival_s` is when the collector gets there, `service_start_s` when work starts
    (later if it waits for the window), `departure_s` when it leaves.
    """

    kind: StopKind
    ref_id: str
    location: Location
    arrival_s: int
    service_start_s: int
    departure_s: int
    load_g: int
    load_l: int
    distance_from_previous_m: int


@dataclass(frozen=True)
class BreakTaken:
    """A break in the plan, [start_s, end_s)."""

    start_s: int
    end_s: int


@dataclass(frozen=True)
class Route:
    """One collector's day; an unused collector has only its start and end stops."""

    collector_id: str
    vehicle_type: VehicleType
    stops: tuple[Stop, ...]
    breaks: tuple[BreakTaken, ...] = ()

    @property
    def pickup_ids(self) -> tuple[str, ...]:
        """Pickup ids in visit order."""
        return tuple(s.ref_id for s in self.stops if s.kind is StopKind.PICKUP)

    @property
    def is_used(self) -> bool:
        """Whether the collector leaves home at all."""
        return len(self.stops) > 2

    @property
    def distance_m(self) -> int:
        """Metres driven."""
        return sum(s.distance_from_previous_m for s in self.stops)

    @property
    def duration_s(self) -> int:
        """From leaving home to getting back; 0 when unused."""
        return self.stops[-1].arrival_s - self.stops[0].departure_s if self.is_used else 0

    @property
    def collected_g(self) -> int:
        """Grams picked up over the day."""
        total, previous = 0, 0
        for stop in self.stops:
            if stop.kind is StopKind.PICKUP:
                total += stop.load_g - previous
            previous = stop.load_g
        return total


@dataclass(frozen=True)
class UnassignedPickup:
    """A pickup left out, why, and a human-readable detail."""

    pickup_id: str
    reason: UnassignedReason
    detail: str = ""


@dataclass(frozen=True)
class PlanSummary:
    """Day KPIs. Ratios are floats; grams, metres and cents stay integers.

    `engine` names the routing engine whose plan won ("ortools" or "pyvrp"), `strategy`
    its run (e.g. "ortools:PARALLEL_CHEAPEST_INSERTION+GUIDED_LOCAL_SEARCH")."""

    vehicles_used: int
    pickups_planned: int
    pickups_unassigned: int
    distance_m: int
    duration_s: int
    collected_g: int
    expected_value_cents: int
    km_per_tonne: float | None
    utilisation: float | None
    stops_per_hour: float | None
    solve_seconds: float
    strategy: str = ""
    engine: str = ""


@dataclass(frozen=True)
class RoutePlan:
    """The answer of `plan_routes`."""

    routes: tuple[Route, ...]
    unassigned: tuple[UnassignedPickup, ...]
    summary: PlanSummary

    def route_of(self, collector_id: str) -> Route:
        """The route of one collector."""
        return next(r for r in self.routes if r.collector_id == collector_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict; `RoutePlan.from_dict` reads it back."""
        from dispatch.serialize import to_jsonable

        return to_jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoutePlan:
        """Inverse of `to_dict`."""
        from dispatch.serialize import from_jsonable

        return from_jsonable(cls, data)


def summarise(
    routes: tuple[Route, ...],
    unassigned: tuple[UnassignedPickup, ...],
    capacities_g: dict[str, int],
    values_cents: dict[str, int],
    solve_seconds: float,
    strategy: str = "",
    engine: str = "",
) -> PlanSummary:
    """KPIs of a plan. Utilisation is collected weight over capacity times trips."""
    used = [r for r in routes if r.is_used]
    distance = sum(r.distance_m for r in used)
    duration = sum(r.duration_s for r in used)
    collected = sum(r.collected_g for r in used)
    planned = sum(len(r.pickup_ids) for r in used)
    trips = sum(
        capacities_g[r.collector_id] * max(1, sum(s.kind is StopKind.UNLOAD for s in r.stops))
        for r in used
    )
    return PlanSummary(
        vehicles_used=len(used),
        pickups_planned=planned,
        pickups_unassigned=len(unassigned),
        distance_m=distance,
        duration_s=duration,
        collected_g=collected,
        expected_value_cents=sum(values_cents[p] for r in used for p in r.pickup_ids),
        km_per_tonne=round((distance / 1000) / (collected / 1e6), 3) if collected else None,
        utilisation=round(collected / trips, 4) if trips else None,
        stops_per_hour=round(planned / (duration / 3600), 3) if duration else None,
        solve_seconds=solve_seconds,
        strategy=strategy,
        engine=engine,
    )
