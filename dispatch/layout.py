"""Turn a `Problem` into the solver core's node-indexed `VrpModel`.

Nodes: the pickups handed to the solver, then a start and an end node per collector,
then `copies` nodes per station. Duplicated station nodes let a collector unload
several times a day (multi-trip); unused copies cost nothing.

The day's last unload is folded into the arcs from pickups to end nodes: such an arc
is pickup -> closing station -> home, unloading included. A route then never has to
pick "a station and a pickup" together, which insertion heuristics cannot do (with a
separate end-empty constraint they left most collectors idle on a 2,000-pickup day).
The closing station is assumed open when the collector passes; `check_plan` verifies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dispatch.core import VrpBreak, VrpModel, VrpVehicle
from dispatch.model import Collector, Problem
from dispatch.params import SolveParams
from dispatch.reasons import can_carry
from dispatch.travel import TravelTable, expand

# Keeps a claimed job in the plan unless keeping it is infeasible: larger than any
# plan's travel cost, small enough that thousands of them cannot overflow int64.
PINNED_PENALTY = 10**12


@dataclass(frozen=True)
class NodeMap:
    """What each node stands for: ('pickup', i), ('start', v), ('end', v), ('station', s)."""

    kinds: tuple[tuple[str, int], ...]
    point_of: tuple[int, ...]

    def node_of_pickup(self) -> dict[int, int]:
        """Pickup index -> node."""
        return {i: n for n, (kind, i) in enumerate(self.kinds) if kind == "pickup"}


def station_copies(problem: Problem, params: SolveParams) -> int:
    """Copies per station for mid-day unloads: the expected extra trips, spread out.

    The closing unload needs no copy (it is folded into the arcs home). Copies are kept
    few on purpose: optional reload nodes slow OR-Tools' search sharply (a 265-pickup zone
    with 33 copies per station got nothing planned in 10 s; with 3 it planned 239).
    """
    if params.station_copies is not None:
        return params.station_copies
    if not problem.collectors or not problem.stations:
        return 0
    trips = 0.0
    for load, capacity in (
        (sum(p.weight_g for p in problem.pickups), sum(c.payload_g for c in problem.collectors)),
        (
            sum(p.volume_l for p in problem.pickups),
            sum(c.volume_capacity_l for c in problem.collectors),
        ),
    ):
        trips = max(trips, load / max(capacity / len(problem.collectors), 1))
    return min(math.ceil(1.5 * trips / len(problem.stations)) + 1, 3 * len(problem.collectors))


def layout_nodes(problem: Problem, table: TravelTable, pickups: list[int], copies: int) -> NodeMap:
    """Lay out nodes for the given pickup indices."""
    kinds = [("pickup", i) for i in pickups]
    for v in range(len(problem.collectors)):
        kinds += [("start", v), ("end", v)]
    for s in range(len(problem.stations)):
        kinds += [("station", s)] * copies
    point = {
        "pickup": table.pickup,
        "start": table.start,
        "end": table.end,
        "station": table.station,
    }
    return NodeMap(tuple(kinds), tuple(point[kind](i) for kind, i in kinds))


def build_vrp_model(
    problem: Problem, table: TravelTable, nodes: NodeMap, params: SolveParams
) -> VrpModel:
    """The integer model: metres as cost, seconds as time, grams and litres as loads."""
    types = list(table.duration)
    horizon = _horizon(problem)
    prefix_of = {pid: c.id for c in problem.collectors for pid in c.fixed_prefix}
    rows = [_node_row(problem, kind, i, horizon, prefix_of, params) for kind, i in nodes.kinds]
    service, windows, weight, volume, penalties = (
        list(column) for column in zip(*rows, strict=True)
    )
    allowed = {}
    for i, node in nodes.node_of_pickup().items():
        vehicles = _allowed_vehicles(problem, i)
        if len(vehicles) < len(problem.collectors):
            allowed[node] = vehicles
    index_of = {problem.pickups[i].id: n for i, n in nodes.node_of_pickup().items()}
    vehicles = tuple(
        _vehicle(problem, v, nodes, types, index_of, params) for v in range(len(problem.collectors))
    )
    # Vehicle types with identical distances share one expanded matrix.
    expanded = {}
    for k in types:
        if id(table.distance[k]) not in expanded:
            matrix = expand(table.distance[k], nodes.point_of)
            expanded[id(table.distance[k])] = _fold_closing_unload(problem, table, nodes, k, matrix)
    times = []
    for k in types:
        matrix = expand(table.duration[k], nodes.point_of)
        times.append(_fold_closing_unload(problem, table, nodes, k, matrix, timed=True))
    return VrpModel(
        distance=tuple(expanded[id(table.distance[k])] for k in types),
        travel_time=tuple(times),
        service=service,
        windows=windows,
        demands=(weight, volume),
        penalties=penalties,
        vehicles=vehicles,
        reload_nodes=frozenset(n for n, (kind, _) in enumerate(nodes.kinds) if kind == "station"),
        allowed_vehicles=allowed,
        horizon=horizon,
        # About a metre per unit: PyVRP only uses these for its geometric neighbourhoods.
        coordinates=tuple(
            (round(table.points[p].lon * 1e5), round(table.points[p].lat * 1e5))
            for p in nodes.point_of
        ),
    )


def _fold_closing_unload(problem, table, nodes, kind, matrix, timed=False):
    """Arcs pickup -> end become pickup -> closing station -> end (with unloading)."""
    if not problem.stations:
        return matrix
    ends = [(n, nodes.point_of[n]) for n, (what, _) in enumerate(nodes.kinds) if what == "end"]
    values = table.duration[kind] if timed else table.distance[kind]
    for node, (what, _) in enumerate(nodes.kinds):
        if what != "pickup":
            continue
        point = nodes.point_of[node]
        for end_node, end_point in ends:
            s = table.closing_station(kind, point, end_point)
            via = table.station(s)
            unload = problem.stations[s].unload_s if timed else 0
            matrix[node][end_node] = values[point][via] + unload + values[via][end_point]
    return matrix


def _node_row(problem, kind, i, horizon, prefix_of, params):
    """(service, window, weight, volume, penalty) of one node."""
    if kind == "pickup":
        pickup = problem.pickups[i]
        # A prefix stop is done or under way: its window is history, not a constraint.
        window = (pickup.window.start_s, pickup.window.end_s)
        if pickup.id in prefix_of:
            window = (0, horizon)
        penalty = _penalty(problem, i, prefix_of, params)
        return pickup.service_s, window, pickup.weight_g, pickup.volume_l, penalty
    if kind == "station":
        station = problem.stations[i]
        # Unloading must finish before the station closes.
        window = (station.opening.start_s, station.opening.end_s - station.unload_s)
        return station.unload_s, window, 0, 0, None
    return 0, (0, horizon), 0, 0, None


def _horizon(problem: Problem) -> int:
    ends = [c.shift.end_s for c in problem.collectors]
    ends += [p.window.end_s for p in problem.pickups]
    ends += [s.opening.end_s for s in problem.stations]
    return max(ends, default=86_400) + 1


def _penalty(problem: Problem, i: int, prefix_of: dict[str, str], params: SolveParams):
    pickup = problem.pickups[i]
    if pickup.id in prefix_of:
        return None
    if pickup.pinned_collector_id is not None:
        return PINNED_PENALTY
    return params.drop_penalty.penalty(pickup.priority, pickup.value_cents)


def _allowed_vehicles(problem: Problem, i: int) -> tuple[int, ...]:
    pickup = problem.pickups[i]
    return tuple(
        v
        for v, c in enumerate(problem.collectors)
        if can_carry(pickup, c) and pickup.pinned_collector_id in (None, c.id)
    )


def _latest_end(collector: Collector) -> int:
    """Shift end, capped at shift start + max working time.

    OR-Tools' span bound (SetSpanUpperBoundForVehicle) together with break intervals
    slowed the search about a hundredfold on a 60-pickup day (measured on 9.15), so the
    working-time limit becomes a cap on the return time: exact for collectors who start
    at shift start, conservative for those who would start later.
    """
    if collector.max_work_s is None:
        return collector.shift.end_s
    return min(collector.shift.end_s, collector.shift.start_s + collector.max_work_s)


def _vehicle(problem, v, nodes, types, index_of, params) -> VrpVehicle:
    collector = problem.collectors[v]
    start = nodes.kinds.index(("start", v))
    return VrpVehicle(
        start=start,
        end=start + 1,
        profile=types.index(collector.vehicle_type),
        capacities=(collector.payload_g, collector.volume_capacity_l),
        shift=(collector.shift.start_s, _latest_end(collector)),
        breaks=tuple(
            VrpBreak(b.window.start_s, b.window.end_s - b.duration_s, b.duration_s)
            for b in collector.breaks
        ),
        fixed_cost=params.vehicle_fixed_cost,
        fixed_prefix=tuple(index_of[pid] for pid in collector.fixed_prefix),
    )
