"""Why a pickup cannot be served: checked against each collector on its own.

The checks are deliberately simple so a dispatcher can follow them: skill, capacity,
shift overlap, then a direct trip home -> pickup -> (station if loaded) -> home within
the window, opening hours and shift. A pickup passing all of them for some collector
but still left out was dropped by the optimiser (the fleet was full).
"""

from __future__ import annotations

from dispatch.model import Collector, Pickup, Problem
from dispatch.plan import UnassignedReason
from dispatch.travel import TravelTable

_ORDER = (
    UnassignedReason.NO_COLLECTOR_WITH_SKILL,
    UnassignedReason.NO_CAPACITY,
    UnassignedReason.OUTSIDE_SHIFT,
    UnassignedReason.WINDOW_UNREACHABLE,
)


def explain_pickup(
    index: int, problem: Problem, table: TravelTable
) -> tuple[UnassignedReason, str] | None:
    """The reason no collector can serve pickup `index` alone, or None if one can."""
    pickup = problem.pickups[index]
    best = -1
    details: list[str] = []
    for v, collector in enumerate(problem.collectors):
        if pickup.pinned_collector_id not in (None, collector.id):
            continue
        failed = _first_failure(index, pickup, v, collector, problem, table)
        if failed is None:
            return None
        stage, detail = failed
        if _ORDER.index(stage) > best:
            best, details = _ORDER.index(stage), []
        if _ORDER.index(stage) == best:
            details.append(f"{collector.id}: {detail}")
    if best < 0:
        return UnassignedReason.NO_COLLECTOR_WITH_SKILL, "no collectors in the problem"
    pinned = f"pinned to {pickup.pinned_collector_id}; " if pickup.pinned_collector_id else ""
    return _ORDER[best], pinned + "; ".join(details[:3])


def can_carry(pickup: Pickup, collector: Collector) -> bool:
    """Skill and capacity alone allow this collector to take the pickup."""
    has_skill = pickup.required_skill is None or pickup.required_skill in collector.skills
    return (
        has_skill
        and pickup.weight_g <= collector.payload_g
        and pickup.volume_l <= collector.volume_capacity_l
    )


def _first_failure(index, pickup, v, collector, problem, table):
    if pickup.required_skill is not None and pickup.required_skill not in collector.skills:
        return UnassignedReason.NO_COLLECTOR_WITH_SKILL, f"lacks skill {pickup.required_skill!r}"
    if pickup.weight_g > collector.payload_g or pickup.volume_l > collector.volume_capacity_l:
        return UnassignedReason.NO_CAPACITY, (
            f"{pickup.weight_g} g / {pickup.volume_l} l exceeds "
            f"{collector.payload_g} g / {collector.volume_capacity_l} l"
        )
    shift, window = collector.shift, pickup.window
    if window.start_s > shift.end_s or window.end_s < shift.start_s:
        return UnassignedReason.OUTSIDE_SHIFT, "window does not overlap the shift"
    finish = _direct_trip_finish(index, pickup, v, collector, problem, table)
    if finish is None:
        return UnassignedReason.WINDOW_UNREACHABLE, "cannot reach the window from home"
    if finish > shift.end_s:
        return UnassignedReason.WINDOW_UNREACHABLE, "cannot unload and get home within the shift"
    return None


def _direct_trip_finish(index, pickup, v, collector, problem, table) -> int | None:
    """Time back home after home -> pickup -> best station -> home; None if late."""
    kind = collector.vehicle_type
    here = table.pickup(index)
    arrive = max(
        collector.shift.start_s + table.seconds(kind, table.start(v), here), pickup.window.start_s
    )
    if arrive > pickup.window.end_s:
        return None
    leave = arrive + pickup.service_s
    if not (pickup.weight_g or pickup.volume_l):
        return leave + table.seconds(kind, here, table.end(v))
    finishes = []
    for s, station in enumerate(problem.stations):
        point = table.station(s)
        at = max(leave + table.seconds(kind, here, point), station.opening.start_s)
        if at + station.unload_s <= station.opening.end_s:
            finishes.append(at + station.unload_s + table.seconds(kind, point, table.end(v)))
    return min(finishes, default=collector.shift.end_s + 1)
