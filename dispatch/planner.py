"""`plan_routes`: validate, build matrices and the model, solve, explain what is left out.

An infeasible day never raises: pickups no collector could serve on its own are kept
out of the model and reported with a reason; the rest are optional with a penalty, so
the solver always has a plan to return. Every engine of the portfolio proposes a plan;
each is checked by `check_plan` and the valid one of least product cost (metres driven,
vehicle fixed costs, drop penalties of what is left out) is returned, naming its engine.
"""

from __future__ import annotations

import logging
import time

from dispatch.check import check_plan
from dispatch.core import VrpRoute, VrpSolution
from dispatch.layout import (
    PINNED_PENALTY,
    NodeMap,
    build_vrp_model,
    layout_nodes,
    station_copies,
)
from dispatch.matrix import HaversineMatrixProvider, MatrixProvider
from dispatch.model import Problem, validate_problem
from dispatch.params import SolveParams
from dispatch.plan import (
    BreakTaken,
    Route,
    RoutePlan,
    Stop,
    StopKind,
    UnassignedPickup,
    UnassignedReason,
    summarise,
)
from dispatch.portfolio import solve_candidates
from dispatch.reasons import explain_pickup
from dispatch.travel import TravelTable, build_travel_table

log = logging.getLogger(__name__)


def plan_routes(
    problem: Problem,
    params: SolveParams | None = None,
    *,
    matrix_provider: MatrixProvider | None = None,
) -> RoutePlan:
    """Plan the day. Raises ProblemError on malformed input, never on an infeasible day."""
    started = time.perf_counter()
    params = params or SolveParams()
    validate_problem(problem)
    table = build_travel_table(problem, matrix_provider or HaversineMatrixProvider())
    in_prefix = {pid for c in problem.collectors for pid in c.fixed_prefix}
    reasons = {
        i: explain_pickup(i, problem, table)
        for i, p in enumerate(problem.pickups)
        if p.id not in in_prefix
    }
    servable = [i for i in range(len(problem.pickups)) if reasons.get(i) is None]
    nodes = layout_nodes(problem, table, servable, station_copies(problem, params))
    candidates = [VrpSolution((), tuple(range(len(servable))), 0, False)]
    if problem.collectors:
        candidates = solve_candidates(build_vrp_model(problem, table, nodes, params), params)
    ranked = []
    for k, solution in enumerate(candidates):
        try:
            plan = _to_plan(problem, table, nodes, solution, reasons, started)
        except Exception:  # a candidate that cannot be read back just loses
            log.exception("plan of engine %s could not be built", solution.engine)
            continue
        # Found before not found, valid before broken, then cheapest, then portfolio order.
        broken = bool(check_plan(problem, plan))
        ranked.append(((not solution.found, broken, plan_cost(problem, plan, params), k), plan))
    if not ranked:
        empty = VrpSolution((), tuple(range(len(servable))), 0, False, "none")
        return _to_plan(problem, table, nodes, empty, reasons, started)
    return min(ranked, key=lambda pair: pair[0])[1]


def plan_cost(problem: Problem, plan: RoutePlan, params: SolveParams) -> int:
    """The product's objective: metres, fixed costs of used vehicles, drop penalties."""
    pickups = {p.id: p for p in problem.pickups}
    penalty = 0
    for left in plan.unassigned:
        pickup = pickups[left.pickup_id]
        if pickup.pinned_collector_id is not None:
            penalty += PINNED_PENALTY
        else:
            penalty += params.drop_penalty.penalty(pickup.priority, pickup.value_cents)
    fixed = params.vehicle_fixed_cost * plan.summary.vehicles_used
    return plan.summary.distance_m + fixed + penalty


def _to_plan(problem, table, nodes, solution, reasons, started) -> RoutePlan:
    routes = tuple(_route(problem, table, nodes, r) for r in solution.routes)
    if not solution.found:
        routes = tuple(_idle_route(problem, v) for v in range(len(problem.collectors)))
    planned = {pid for r in routes for pid in r.pickup_ids}
    unassigned = []
    for i, pickup in enumerate(problem.pickups):
        if pickup.id in planned:
            continue
        reason = reasons.get(i)
        if reason is None:
            detail = "feasible alone but did not fit in the plan"
            if not solution.found:
                detail = "the solver found no plan (check pinned jobs and fixed prefixes)"
            reason = (UnassignedReason.DROPPED_BY_OPTIMISER, detail)
        unassigned.append(UnassignedPickup(pickup.id, *reason))
    summary = summarise(
        routes,
        tuple(unassigned),
        {c.id: c.payload_g for c in problem.collectors},
        {p.id: p.value_cents for p in problem.pickups},
        round(time.perf_counter() - started, 3),
        solution.strategy,
        solution.engine if solution.found else "",
    )
    return RoutePlan(routes, tuple(unassigned), summary)


def _idle_route(problem: Problem, v: int) -> Route:
    collector = problem.collectors[v]
    t = collector.shift.start_s
    stops = (
        Stop(StopKind.START, collector.id, collector.start, t, t, t, 0, 0, 0),
        Stop(StopKind.END, collector.id, collector.home_end, t, t, t, 0, 0, 0),
    )
    # A day off the road still has its breaks, at home, so the plan keeps every rule.
    breaks = tuple(
        BreakTaken(b.window.start_s, b.window.start_s + b.duration_s) for b in collector.breaks
    )
    return Route(collector.id, collector.vehicle_type, stops, breaks)


def _route(problem: Problem, table: TravelTable, nodes: NodeMap, vrp_route: VrpRoute) -> Route:
    collector = problem.collectors[vrp_route.vehicle]
    kind = collector.vehicle_type
    stops: list[Stop] = []
    load_g = load_l = 0
    previous_point = departure = None
    for visit in vrp_route.visits:
        what, i = nodes.kinds[visit.node]
        point = nodes.point_of[visit.node]
        if what == "end" and (load_g or load_l) and problem.stations:
            unload, previous_point = _closing_unload(
                problem, table, kind, previous_point, point, departure, vrp_route
            )
            stops.append(unload)
            departure, load_g, load_l = unload.departure_s, 0, 0
        arrival, metres = visit.time, 0
        if previous_point is not None:
            metres = table.metres(kind, previous_point, point)
            travel = table.seconds(kind, previous_point, point)
            pause = sum(d for s, d in vrp_route.breaks if departure <= s < visit.time)
            arrival = departure + travel + pause
            arrival = arrival if what == "end" else min(visit.time, arrival)
        stop_kind, ref_id, location, service = _describe(problem, what, i, collector)
        if stop_kind is StopKind.UNLOAD and not (load_g or load_l):
            continue  # a free station copy visited empty-handed: nothing happens there
        if stop_kind is StopKind.PICKUP:
            load_g += problem.pickups[i].weight_g
            load_l += problem.pickups[i].volume_l
        elif stop_kind is StopKind.UNLOAD:
            load_g = load_l = 0
        start = arrival if what == "end" else visit.time
        departure = start + service
        stops.append(
            Stop(stop_kind, ref_id, location, arrival, start, departure, load_g, load_l, metres)
        )
        previous_point = point
    breaks = tuple(BreakTaken(s, s + d) for s, d in vrp_route.breaks)
    return Route(collector.id, kind, tuple(stops), breaks)


def _closing_unload(problem, table, kind, point, end, departure, vrp_route) -> tuple[Stop, int]:
    """The day's last unload, folded by the model into the arc from the last pickup home."""
    s = table.closing_station(kind, point, end)
    station, via = problem.stations[s], table.station(s)
    arrival = departure + table.seconds(kind, point, via)
    for start, duration in sorted(vrp_route.breaks):
        if departure <= start < arrival:
            arrival += duration  # the break interrupts the drive
        elif arrival <= start < arrival + station.unload_s:
            arrival = start + duration  # unload after the break
    begin = max(arrival, station.opening.start_s)
    metres = table.metres(kind, point, via)
    unload = Stop(
        StopKind.UNLOAD,
        station.id,
        station.location,
        arrival,
        begin,
        begin + station.unload_s,
        0,
        0,
        metres,
    )
    return unload, via


def _describe(problem, what, i, collector):
    if what == "pickup":
        pickup = problem.pickups[i]
        return StopKind.PICKUP, pickup.id, pickup.location, pickup.service_s
    if what == "station":
        station = problem.stations[i]
        return StopKind.UNLOAD, station.id, station.location, station.unload_s
    if what == "start":
        return StopKind.START, collector.id, collector.start, 0
    return StopKind.END, collector.id, collector.home_end, 0
