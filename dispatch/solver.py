"""The one module that talks to OR-Tools: `solve_with_ortools(model, params, strategy)`.

The order follows OR-Tools' `vrp_time_windows.py` sample: index manager, routing model,
transit matrices and arc costs, dimensions (time, then loads), disjunctions and
restrictions, search parameters, solve, read the solution back into dataclasses.

Matrices go in as transit matrices (`RegisterTransitMatrix`), never Python callbacks,
so the C++ search never calls back into Python for an arc: more moves per second.
One matrix per vehicle profile (speeds differ by vehicle type), one arc cost per vehicle.
"""

from __future__ import annotations

import time

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from dispatch.core import VrpModel, VrpRoute, VrpSolution, VrpVisit
from dispatch.params import SolveParams, Strategy

TIME = "time"
ENGINE = "ortools"


def solve_with_ortools(model: VrpModel, params: SolveParams, strategy: Strategy) -> VrpSolution:
    """Solve `model` with one OR-Tools strategy; `found` is False when it found nothing."""
    started = time.perf_counter()
    vehicles = model.vehicles
    if any(v.fixed_prefix for v in vehicles):
        # Insertion heuristics find nothing once next-variables are fixed (measured on
        # 9.15); path-cheapest-arc extends the fixed chains and then goes on.
        strategy = Strategy("PATH_CHEAPEST_ARC", strategy.metaheuristic)
    manager = pywrapcp.RoutingIndexManager(
        model.num_nodes, len(vehicles), [v.start for v in vehicles], [v.end for v in vehicles]
    )
    routing = pywrapcp.RoutingModel(manager)
    _add_arc_costs(model, routing)
    time_dim = _add_time_dimension(model, routing, manager)
    _add_load_dimensions(model, routing, manager)
    _add_disjunctions(model, routing, manager)
    breaks = _add_breaks(model, routing, manager, time_dim)
    _add_time_finalizer(model, routing, manager, time_dim)
    search = _search_parameters(params, strategy)
    routing.CloseModelWithParameters(search)
    _apply_fixed_prefixes(model, routing, manager)
    solution = routing.SolveWithParameters(search)
    if solution is None:
        return VrpSolution(
            (), tuple(model.job_nodes()), 0, False, strategy.name, _since(started), ENGINE
        )
    return _read_solution(model, routing, manager, solution, breaks, strategy.name, started)


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _register_per_profile(routing: pywrapcp.RoutingModel, matrices, transform) -> list[int]:
    """Register one transit matrix per distinct profile matrix; reuse shared ones."""
    seen: dict[int, int] = {}
    callbacks = []
    for matrix in matrices:
        if id(matrix) not in seen:
            seen[id(matrix)] = routing.RegisterTransitMatrix(transform(matrix))
        callbacks.append(seen[id(matrix)])
    return callbacks


def _add_arc_costs(model: VrpModel, routing: pywrapcp.RoutingModel) -> None:
    reloads = sorted(model.reload_nodes)
    starts = sorted({v.start for v in model.vehicles})

    # Unloading twice in a row, or right after leaving home empty, is never useful;
    # forbidding it by cost keeps plans clean. A free (zero-metre) unload at a station
    # next to home also stretched the planned departure by the unloading time.
    def without_useless_unloads(matrix):
        rows = [list(r) for r in matrix]
        for i in [*reloads, *starts]:
            for j in reloads:
                if i != j:
                    rows[i][j] = model.horizon * 1000
        return rows

    callbacks = _register_per_profile(routing, model.distance, without_useless_unloads)
    for index, vehicle in enumerate(model.vehicles):
        routing.SetArcCostEvaluatorOfVehicle(callbacks[vehicle.profile], index)
        if vehicle.fixed_cost:
            routing.SetFixedCostOfVehicle(vehicle.fixed_cost, index)


def _add_time_dimension(model, routing, manager) -> pywrapcp.RoutingDimension:
    service = model.service

    # Service time is charged on the arc leaving a node, as in the OR-Tools samples.
    def with_service(matrix):
        return [[s + t for t in row] for s, row in zip(service, matrix, strict=True)]

    callbacks = _register_per_profile(routing, model.travel_time, with_service)
    per_vehicle = [callbacks[v.profile] for v in model.vehicles]
    routing.AddDimensionWithVehicleTransits(per_vehicle, model.horizon, model.horizon, False, TIME)
    dim = routing.GetDimensionOrDie(TIME)
    depots = {v.start for v in model.vehicles} | {v.end for v in model.vehicles}
    for node, (open_, close) in enumerate(model.windows):
        if node not in depots:
            dim.CumulVar(manager.NodeToIndex(node)).SetRange(open_, close)
    for index, vehicle in enumerate(model.vehicles):
        dim.CumulVar(routing.Start(index)).SetRange(*vehicle.shift)
        dim.CumulVar(routing.End(index)).SetRange(*vehicle.shift)
        if vehicle.max_duration is not None:
            dim.SetSpanUpperBoundForVehicle(vehicle.max_duration, index)
    return dim


def _add_load_dimensions(model, routing, manager) -> None:
    for k, demand in enumerate(model.demands):
        capacities = [v.capacities[k] for v in model.vehicles]
        biggest = max(capacities, default=0)
        # A reload node subtracts the biggest capacity and the slack gives back what is
        # not unloaded. The slack MUST be bounded by the capacity: OR-Tools' reload
        # sample finds no solution in 9.15 otherwise.
        values = [-biggest if n in model.reload_nodes else d for n, d in enumerate(demand)]
        callback = routing.RegisterUnaryTransitVector(values)
        slack = biggest if model.reload_nodes else 0
        routing.AddDimensionWithVehicleCapacity(callback, slack, capacities, True, f"load{k}")
        dim = routing.GetDimensionOrDie(f"load{k}")
        if model.reload_nodes:
            for node in range(model.num_nodes):
                index = manager.NodeToIndex(node)
                if node not in model.reload_nodes and index >= 0 and not routing.IsEnd(index):
                    dim.SlackVar(index).SetValue(0)


def _add_time_finalizer(model, routing, manager, time_dim) -> None:
    """Serve every job as early as its window allows, then leave home just in time.

    The finalizer fixes these cumuls in the order added: jobs first at their earliest
    time, then each start as late as those fixed times allow (no waiting at home), then
    each end as early as possible. Starts maximised first would push every job to the
    end of its window (residents saw 10-12 pickups planned at 12:00).
    """
    for node in model.job_nodes():
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(manager.NodeToIndex(node)))
    for index in range(len(model.vehicles)):
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(index)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(index)))


def _add_disjunctions(model, routing, manager) -> None:
    for node in model.reload_nodes:
        routing.AddDisjunction([manager.NodeToIndex(node)], 0)
    for node in model.job_nodes():
        index = manager.NodeToIndex(node)
        if model.penalties[node] is not None:
            routing.AddDisjunction([index], model.penalties[node])
        if node in model.allowed_vehicles:
            # -1 keeps "unperformed" possible; SetAllowedVehiclesForIndex takes no lists
            # from Python in 9.15 (absl::Span).
            routing.VehicleVar(index).SetValues([-1, *model.allowed_vehicles[node]])


def _add_breaks(model, routing, manager, time_dim) -> list[list]:
    solver = routing.solver()
    visit_transits = [model.service[manager.IndexToNode(i)] for i in range(routing.Size())]
    per_vehicle = []
    for index, vehicle in enumerate(model.vehicles):
        intervals = [
            solver.FixedDurationIntervalVar(
                b.earliest_start, b.latest_start, b.duration, False, f"break {index}.{k}"
            )
            for k, b in enumerate(vehicle.breaks)
        ]
        if intervals:
            time_dim.SetBreakIntervalsOfVehicle(intervals, index, visit_transits)
        per_vehicle.append(intervals)
    return per_vehicle


def _apply_fixed_prefixes(model, routing, manager) -> None:
    """Pin each vehicle's prefix: start -> p1 -> p2 ... as fixed next-variables, which
    every local search move must respect; the locks hand the chains to construction."""
    locks = []
    for index, vehicle in enumerate(model.vehicles):
        chain = [manager.NodeToIndex(n) for n in vehicle.fixed_prefix]
        previous = routing.Start(index)
        for current in chain:
            routing.NextVar(previous).SetValue(current)
            routing.VehicleVar(current).SetValue(index)
            previous = current
        locks.append(chain)
    if any(locks):
        routing.ApplyLocksToAllVehicles(locks, False)


def _search_parameters(params: SolveParams, strategy: Strategy):
    search = pywrapcp.DefaultRoutingSearchParameters()
    search.first_solution_strategy = getattr(
        routing_enums_pb2.FirstSolutionStrategy, strategy.first_solution
    )
    search.local_search_metaheuristic = getattr(
        routing_enums_pb2.LocalSearchMetaheuristic, strategy.metaheuristic
    )
    search.guided_local_search_lambda_coefficient = params.guided_local_search_lambda
    search.use_multi_armed_bandit_concatenate_operators = params.bandit_operators
    search.time_limit.FromMilliseconds(int(params.time_limit_s * 1000))
    search.log_search = params.log_search
    return search


def _read_solution(model, routing, manager, solution, breaks, name, started) -> VrpSolution:
    time_dim = routing.GetDimensionOrDie(TIME)
    load_dims = [routing.GetDimensionOrDie(f"load{k}") for k in range(len(model.demands))]
    routes = []
    for vehicle in range(len(model.vehicles)):
        visits = []
        index = routing.Start(vehicle)
        while True:
            loads = tuple(solution.Value(d.CumulVar(index)) for d in load_dims)
            time_value = solution.Min(time_dim.CumulVar(index))
            visits.append(VrpVisit(manager.IndexToNode(index), time_value, loads))
            if routing.IsEnd(index):
                break
            index = solution.Value(routing.NextVar(index))
        taken = tuple(sorted((solution.StartValue(b), b.DurationMin()) for b in breaks[vehicle]))
        routes.append(VrpRoute(vehicle, tuple(visits), taken))
    dropped = tuple(
        node
        for node in model.job_nodes()
        if solution.Value(routing.NextVar(manager.NodeToIndex(node))) == manager.NodeToIndex(node)
    )
    return VrpSolution(
        tuple(routes), dropped, solution.ObjectiveValue(), True, name, _since(started), ENGINE
    )
