"""Check a plan against its problem: every rule the planner promises, as messages.

Used by the tests on every plan and usable by the app before it publishes a stored plan.
"""

from __future__ import annotations

from collections import Counter

from dispatch.model import Collector, Problem
from dispatch.plan import Route, RoutePlan, StopKind


def check_plan(problem: Problem, plan: RoutePlan) -> list[str]:
    """Violations of the plan, empty when it keeps every rule."""
    errors = _check_coverage(problem, plan)
    collectors = {c.id: c for c in problem.collectors}
    for route in plan.routes:
        collector = collectors[route.collector_id]
        errors += _check_times(problem, collector, route)
        errors += _check_loads(problem, collector, route)
        errors += _check_assignment(problem, collector, route)
        errors += _check_breaks(collector, route)
    return errors


def _check_coverage(problem: Problem, plan: RoutePlan) -> list[str]:
    seen = Counter(pid for r in plan.routes for pid in r.pickup_ids)
    seen.update(u.pickup_id for u in plan.unassigned)
    errors = [f"pickup {pid!r} appears {n} times" for pid, n in seen.items() if n != 1]
    errors += [
        f"pickup {p.id!r} missing from the plan" for p in problem.pickups if p.id not in seen
    ]
    assigned = {pid for r in plan.routes for pid in r.pickup_ids}
    for pickup in problem.pickups:
        if pickup.pinned_collector_id and pickup.id not in assigned:
            errors.append(f"pinned pickup {pickup.id!r} is unassigned")
    return errors


def _check_times(problem: Problem, collector: Collector, route: Route) -> list[str]:
    errors = []
    pickups = {p.id: p for p in problem.pickups}
    stations = {s.id: s for s in problem.stations}
    label = f"route {collector.id!r}"
    if route.stops[0].departure_s < collector.shift.start_s:
        errors.append(f"{label}: leaves before the shift")
    if route.stops[-1].arrival_s > collector.shift.end_s:
        errors.append(f"{label}: home after the shift")
    if collector.max_work_s is not None and route.duration_s > collector.max_work_s:
        errors.append(f"{label}: works {route.duration_s} s > {collector.max_work_s} s")
    for before, stop in zip(route.stops, route.stops[1:], strict=False):
        if not before.departure_s <= stop.arrival_s <= stop.service_start_s <= stop.departure_s:
            errors.append(f"{label}: times out of order at {stop.ref_id!r}")
    for stop in route.stops:
        if stop.kind is StopKind.PICKUP and stop.ref_id not in collector.fixed_prefix:
            window = pickups[stop.ref_id].window
            if not window.start_s <= stop.service_start_s <= window.end_s:
                errors.append(f"{label}: pickup {stop.ref_id!r} outside its window")
        if stop.kind is StopKind.UNLOAD:
            opening = stations[stop.ref_id].opening
            if not (opening.start_s <= stop.service_start_s and stop.departure_s <= opening.end_s):
                errors.append(f"{label}: station {stop.ref_id!r} unloaded while closed")
    return errors


def _check_loads(problem: Problem, collector: Collector, route: Route) -> list[str]:
    errors = []
    label = f"route {collector.id!r}"
    for stop in route.stops:
        if stop.load_g > collector.payload_g or stop.load_l > collector.volume_capacity_l:
            errors.append(f"{label}: over capacity after {stop.ref_id!r}")
    if problem.stations and (route.stops[-1].load_g or route.stops[-1].load_l):
        errors.append(f"{label}: ends the day loaded")
    return errors


def _check_assignment(problem: Problem, collector: Collector, route: Route) -> list[str]:
    errors = []
    label = f"route {collector.id!r}"
    pickups = {p.id: p for p in problem.pickups}
    for pid in route.pickup_ids:
        pickup = pickups[pid]
        if pickup.required_skill and pickup.required_skill not in collector.skills:
            errors.append(f"{label}: lacks skill {pickup.required_skill!r} for {pid!r}")
        if pickup.pinned_collector_id not in (None, collector.id):
            errors.append(f"{label}: took {pid!r} pinned to {pickup.pinned_collector_id!r}")
    prefix = collector.fixed_prefix
    if route.pickup_ids[: len(prefix)] != prefix:
        errors.append(f"{label}: fixed prefix {prefix} not kept first")
    if prefix and route.stops[1].ref_id != prefix[0]:
        errors.append(f"{label}: something comes before the fixed prefix")
    return errors


def _check_breaks(collector: Collector, route: Route) -> list[str]:
    errors = []
    label = f"route {collector.id!r}"
    if len(route.breaks) != len(collector.breaks):
        return [f"{label}: {len(route.breaks)} breaks planned, {len(collector.breaks)} due"]
    for due, taken in zip(collector.breaks, sorted(route.breaks), strict=False):
        if taken.end_s - taken.start_s != due.duration_s:
            errors.append(f"{label}: break of the wrong length")
        if not due.window.start_s <= taken.start_s and taken.end_s <= due.window.end_s:
            errors.append(f"{label}: break outside its window")
        for stop in route.stops:
            if stop.service_start_s < taken.end_s and taken.start_s < stop.departure_s:
                errors.append(f"{label}: break overlaps work at {stop.ref_id!r}")
    return errors
