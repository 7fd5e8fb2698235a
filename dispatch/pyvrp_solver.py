"""The one module that talks to PyVRP: `solve_with_pyvrp(model, params) -> VrpSolution`.

The same node-indexed `VrpModel` as OR-Tools gets, translated faithfully or not at all:
vehicle starts and ends become depots, reload nodes become reload depots (copies of one
station collapse into one depot, which PyVRP may revisit), optional jobs become clients
with their drop penalty as prize, one profile per (vehicle matrix, forbidden jobs).
Allowed-vehicle restrictions (skills, capacity, pinned jobs) are expressed by profiles in
which the forbidden jobs are unreachable. Breaks are not part of PyVRP's model; they are
made room for: shifts end earlier by the breaks' length, and so do the windows of jobs
and stations that may be served after a break begins, so pausing anywhere from there on
delays no visit past its window. `dispatch.timing` then places the breaks (dropping a
job only where a window was too short to shrink). On a 273-pickup synthetic zone this
kept 245 pickups planned against 241 without the room (and 261 for the same day
without breaks): breaks are where PyVRP's plans lose most to OR-Tools'. Fixed prefixes
(re-plans of started routes) are not expressed at all: the candidate is reported as not
found and OR-Tools' plan stands.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np
from pyvrp import (
    Activity,
    ActivityType,
    Client,
    Depot,
    IteratedLocalSearch,
    Location,
    PenaltyManager,
    ProblemData,
    RandomNumberGenerator,
    Route,
    Solution,
    VehicleType,
)
from pyvrp import SolveParams as PyvrpSolveParams
from pyvrp import solve as pyvrp_solve
from pyvrp.search import LocalSearch, PerturbationManager, compute_neighbours
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from dispatch.core import VrpModel, VrpRoute, VrpSolution, VrpVehicle
from dispatch.params import SolveParams
from dispatch.timing import time_route

ENGINE = "pyvrp"
# Arcs to a job a vehicle may not serve: too long in distance and in time to be worth it.
# (Sums of a few stay far below int64's range: prizes are at most 10**12.)
UNREACHABLE_FACTOR = 1_000
# Each profile is a full distance and duration matrix: keep the memory bounded.
MAX_PROFILE_CELLS = 50_000_000


@dataclass(frozen=True)
class _Translation:
    data: ProblemData
    depot_nodes: tuple[int, ...]
    depot_of: dict[int, int]
    job_nodes: tuple[int, ...]
    vehicles_of_type: tuple[tuple[int, ...], ...]

    def solution(self, solution: VrpSolution) -> Solution:
        """The same routes as a PyVRP solution, to start the search from."""
        client_of = {node: c for c, node in enumerate(self.job_nodes)}
        routes = []
        for t, members in enumerate(self.vehicles_of_type):
            for route in solution.routes:
                if route.vehicle not in members or len(route.visits) <= 2:
                    continue
                activities = [
                    Activity(ActivityType.DEPOT, self.depot_of[v.node])
                    if v.node in self.depot_of
                    else Activity(ActivityType.CLIENT, client_of[v.node])
                    for v in route.visits[1:-1]
                ]
                routes.append(Route(self.data, activities, t))
        return Solution(self.data, routes)


def solve_with_pyvrp(
    model: VrpModel, params: SolveParams, initial: VrpSolution | None = None
) -> VrpSolution:
    """Solve `model` with PyVRP's iterated local search, from `initial` when given (another
    engine's solution); `found` is False when the model cannot be expressed or no
    feasible solution came out within the limit.

    In series, the portfolio starts PyVRP from OR-Tools' plan, so PyVRP only has to
    improve it (shorter routes, more pickups).
    """
    started = time.perf_counter()
    why = _inexpressible(model)
    if why:
        return _not_found(model, f"{ENGINE} ({why})", started)
    translation = _translate(model)
    stop = MaxRuntime(params.time_limit_s)
    if params.pyvrp_iterations is not None:
        stop = MultipleCriteria([stop, MaxIterations(params.pyvrp_iterations)])
    start = translation.solution(initial) if initial is not None and initial.found else None
    result = _search(translation.data, stop, params.seed, start)
    if not result.best.is_feasible():
        return _not_found(model, f"{ENGINE} (no feasible solution)", started)
    timed = _read_routes(model, translation, result.best)
    if timed is None:
        return _not_found(model, f"{ENGINE} (breaks do not fit)", started)
    routes, _ = timed
    served = {v.node for r in routes for v in r.visits}
    dropped = tuple(n for n in model.job_nodes() if n not in served)
    return VrpSolution(
        routes,
        dropped,
        solution_cost(model, routes, dropped),
        True,
        ENGINE,
        round(time.perf_counter() - started, 3),
        engine=ENGINE,
    )


def _search(data: ProblemData, stop, seed: int, start: Solution | None):
    """PyVRP's `solve`, step by step, with initial penalties scaled to the prizes.

    `pyvrp.solve` starts every penalty at the midpoint of its range (50,000 per unit),
    so with loads in grams an optional pickup is never worth a moment over capacity
    and no second trip is ever explored until the penalties have decayed for tens of
    thousands of iterations. Here a unit of excess load costs half the median prize over
    the median capacity (a full load over capacity costs half a pickup), so inserting
    and then unloading is worth trying from the start: the 3-trip line day of the
    planner tests is solved, and a 273-pickup synthetic zone kept as many pickups.
    """
    if not any(c.prize for c in data.clients()):
        return pyvrp_solve(data, stop=stop, seed=seed, collect_stats=False, initial_solution=start)
    options = PyvrpSolveParams()
    rng = RandomNumberGenerator(seed=seed)
    neighbours = compute_neighbours(data, options.neighbourhood)
    search = LocalSearch(data, rng, neighbours, PerturbationManager(options.perturbation))
    for operator in options.operators:
        if operator.supports(data):
            search.add_operator(operator(data))
    prize = float(np.median([c.prize for c in data.clients()]))
    load = []
    for k in range(data.num_load_dimensions):
        capacity = np.median([t.capacity[k] for t in data.vehicle_types()])
        load.append(prize / max(2.0 * float(capacity), 1.0))
    _, duration, distance = options.penalty.midpoint_penalties(data)
    penalties = PenaltyManager((load, duration, distance), options.penalty)
    if start is None:
        start = search(Solution.make_random(data, rng), penalties.max_cost_evaluator(), True)
    algorithm = IteratedLocalSearch(data, penalties, search, start, options.ils)
    return algorithm.run(stop, False)


def solution_cost(model: VrpModel, routes: tuple[VrpRoute, ...], dropped: tuple[int, ...]) -> int:
    """The model's objective: distance driven, fixed costs of used vehicles, drop penalties."""
    cost = 0
    for route in routes:
        if len(route.visits) <= 2:
            continue
        vehicle = model.vehicles[route.vehicle]
        matrix = model.distance[vehicle.profile]
        nodes = [v.node for v in route.visits]
        legs = zip(nodes, nodes[1:], strict=False)
        cost += vehicle.fixed_cost + sum(matrix[a][b] for a, b in legs)
    return cost + sum(model.penalties[n] or 0 for n in dropped)


def _not_found(model: VrpModel, name: str, started: float) -> VrpSolution:
    seconds = round(time.perf_counter() - started, 3)
    return VrpSolution((), tuple(model.job_nodes()), 0, False, name, seconds, engine=ENGINE)


def _inexpressible(model: VrpModel) -> str:
    if any(v.fixed_prefix for v in model.vehicles):
        return "fixed prefixes"
    if len(_profiles(model)[0]) * model.num_nodes**2 > MAX_PROFILE_CELLS:
        return "too many vehicle restrictions"
    return ""


def _profiles(model: VrpModel) -> tuple[list[tuple[int, frozenset[int]]], list[int]]:
    """Distinct (matrix profile, forbidden jobs) pairs and each vehicle's pair index."""
    keys: list[tuple[int, frozenset[int]]] = []
    of_vehicle = []
    for v, vehicle in enumerate(model.vehicles):
        forbidden = frozenset(n for n, ok in model.allowed_vehicles.items() if v not in ok)
        key = (vehicle.profile, forbidden)
        if key not in keys:
            keys.append(key)
        of_vehicle.append(keys.index(key))
    return keys, of_vehicle


def _depot_nodes(model: VrpModel) -> tuple[list[int], dict[int, int]]:
    """Depot nodes in order (ends and starts, then one per station) and node -> depot."""
    nodes = list(dict.fromkeys(n for v in model.vehicles for n in (v.start, v.end)))
    index = {n: i for i, n in enumerate(nodes)}
    first_of: dict[tuple, int] = {}
    for node in sorted(model.reload_nodes):
        # Copies of one station share their row, window and unloading time.
        key = (tuple(model.distance[0][node]), tuple(model.windows[node]), model.service[node])
        if key not in first_of:
            first_of[key] = len(nodes)
            nodes.append(node)
        index[node] = first_of[key]
    return nodes, index


def _translate(model: VrpModel) -> _Translation:
    depot_nodes, depot_of = _depot_nodes(model)
    jobs = model.job_nodes()
    points = np.asarray([*depot_nodes, *jobs], dtype=np.int64)
    reloads = sorted({depot_of[n] for n in model.reload_nodes})
    window = _break_room(model)
    depots = [Depot(i) for i in range(len(depot_nodes))]
    for i in reloads:
        early, late = window(depot_nodes[i])
        service = int(model.service[depot_nodes[i]])
        depots[i] = Depot(i, tw_early=early, tw_late=late, service_duration=service)
    clients = [
        Client(
            len(depot_nodes) + c,
            pickup=[int(d[node]) for d in model.demands],
            service_duration=int(model.service[node]),
            tw_early=int(window(node)[0]),
            tw_late=int(window(node)[1]),
            prize=int(model.penalties[node] or 0),
            required=model.penalties[node] is None,
        )
        for c, node in enumerate(jobs)
    ]
    keys, profile_of = _profiles(model)
    distances, durations = [], []
    for profile, forbidden in keys:
        distances.append(_submatrix(model.distance[profile], points, forbidden, model))
        durations.append(_submatrix(model.travel_time[profile], points, forbidden, model))
    groups: dict[tuple, list[int]] = {}
    for v, vehicle in enumerate(model.vehicles):
        groups.setdefault(_type_key(vehicle, profile_of[v]), []).append(v)
    vehicle_types = [
        _vehicle_type(model.vehicles[members[0]], len(members), key[-1], depot_of, reloads)
        for key, members in groups.items()
    ]
    # PyVRP uses positions only for geometric hints (route centroids in SWAP*).
    xy = model.coordinates or [(0, 0)] * model.num_nodes
    locations = [Location(*xy[n]) for n in points]
    data = ProblemData(locations, clients, depots, vehicle_types, distances, durations)
    return _Translation(
        data, tuple(depot_nodes), depot_of, tuple(jobs), tuple(map(tuple, groups.values()))
    )


def _break_room(model: VrpModel):
    """Window of a node, its end brought forward by the longest day of breaks when it
    may be served after the earliest break begins."""
    pause = max((sum(b.duration for b in v.breaks) for v in model.vehicles), default=0)
    starts = [b.earliest_start for v in model.vehicles for b in v.breaks]
    first = min(starts, default=0)

    def window(node: int) -> tuple[int, int]:
        early, late = model.windows[node]
        if pause and late >= first:
            late = max(early, late - pause)
        return early, late

    return window


def _submatrix(matrix, points: np.ndarray, forbidden: frozenset[int], model: VrpModel):
    full = np.asarray(matrix, dtype=np.int64)[np.ix_(points, points)]
    if forbidden:
        cut = np.isin(points, sorted(forbidden))
        # Longer than any prize is worth (claimed jobs carry 10**12) and than any day.
        prizes = max((p or 0 for p in model.penalties), default=0)
        big = max(UNREACHABLE_FACTOR * max(int(full.max()), model.horizon, 1), 2 * prizes + 1)
        full[cut, :] = big
        full[:, cut] = big
        np.fill_diagonal(full, 0)
    return full


def _type_key(vehicle: VrpVehicle, profile: int) -> tuple:
    """Vehicles alike in all of these share one PyVRP vehicle type; profile comes last."""
    return (
        vehicle.start,
        vehicle.end,
        vehicle.capacities,
        vehicle.shift,
        vehicle.max_duration,
        vehicle.breaks,
        vehicle.fixed_cost,
        profile,
    )


def _vehicle_type(vehicle, count, profile, depot_of, reloads) -> VehicleType:
    pause = sum(b.duration for b in vehicle.breaks)
    kwargs = {}
    if vehicle.max_duration is not None:
        kwargs["shift_duration"] = vehicle.max_duration - pause
    return VehicleType(
        count,
        capacity=list(vehicle.capacities),
        start_depot=depot_of[vehicle.start],
        end_depot=depot_of[vehicle.end],
        fixed_cost=vehicle.fixed_cost,
        tw_early=vehicle.shift[0],
        tw_late=vehicle.shift[1] - pause,
        profile=profile,
        reload_depots=reloads,
        **kwargs,
    )


def _read_routes(model: VrpModel, translation: _Translation, best) -> tuple | None:
    """Timed routes for every vehicle in vehicle order, and the jobs dropped to make
    room for breaks; None when some route's breaks fit nowhere."""
    taken: Counter[int] = Counter()
    sequences: dict[int, tuple[list[int], int]] = {}
    for route in best.routes():
        group = translation.vehicles_of_type[route.vehicle_type()]
        vehicle = group[taken[route.vehicle_type()]]
        taken[route.vehicle_type()] += 1
        nodes = [
            translation.depot_nodes[a.idx] if a.is_depot() else translation.job_nodes[a.idx]
            for a in route.schedule()
        ]
        sequences[vehicle] = (nodes, route.start_time())
    routes, dropped = [], []
    for v, vehicle in enumerate(model.vehicles):
        nodes, start = sequences.get(v, ([vehicle.start, vehicle.end], vehicle.shift[0]))
        timed = time_route(model, v, nodes, max(start, vehicle.shift[0]))
        if timed is None:
            return None
        routes.append(timed.route)
        dropped += timed.dropped
    return tuple(routes), tuple(dropped)
