"""`solve_vrptw`: run the portfolio's engines side by side and keep the best checked solution.

Each strategy of the portfolio (OR-Tools with a first-solution/metaheuristic pair, or
PyVRP) runs in its own process on the same model and wall-clock limit. Every solution is
re-checked against the model by `check_solution` before it may win, so an engine's bug
or a lossy translation can only lose, never publish a broken plan. An engine that
raises counts as "found nothing": the day still gets the other engines' plan.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Any

from dispatch.core import VrpModel, VrpRoute, VrpSolution
from dispatch.params import SolveParams, Strategy
from dispatch.pyvrp_solver import solution_cost, solve_with_pyvrp
from dispatch.solver import solve_with_ortools

log = logging.getLogger(__name__)
_FORKED_MODEL: VrpModel | None = None

Rank = Callable[[VrpSolution], Any]


def solve_vrptw(model: VrpModel, params: SolveParams, *, rank: Rank | None = None) -> VrpSolution:
    """Solve `model` with every strategy `params` asks for and keep the best solution.

    Without `rank`, the best is the found, re-checked solution of least model cost (ties
    go to the earlier strategy of the portfolio). A caller with a finer measure (the
    Solomon benchmark recomputes exact Euclidean distances) passes its own key.
    """
    return best_solution(model, solve_candidates(model, params), rank)


def solve_candidates(model: VrpModel, params: SolveParams) -> list[VrpSolution]:
    """One solution per strategy, in portfolio order, sharing the wall-clock limit.

    More strategies than workers run in rounds of a fraction of the limit each (4 on 2
    workers: two rounds of half). Guided local search stays near its first solution, so
    different starts and engines pay off more than longer single runs. In series (one
    worker), PyVRP starts from the best solution found before it.
    """
    strategies = params.strategies()
    workers = min(params.num_workers, len(strategies))
    rounds = -(-len(strategies) // workers)
    each = replace(params, time_limit_s=params.time_limit_s / rounds)
    if workers == 1:
        results: list[VrpSolution] = []
        for strategy in strategies:
            warm = best_solution(model, results) if results else None
            results.append(run_strategy(model, each, strategy, warm))
        return results
    # Forked children inherit the model instead of unpickling large matrices.
    global _FORKED_MODEL
    _FORKED_MODEL = model
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [pool.submit(_run_forked, each, s) for s in strategies]
            return [f.result() for f in futures]
    finally:
        _FORKED_MODEL = None


def _run_forked(params: SolveParams, strategy: Strategy) -> VrpSolution:
    assert _FORKED_MODEL is not None
    return run_strategy(_FORKED_MODEL, params, strategy)


def run_strategy(
    model: VrpModel, params: SolveParams, strategy: Strategy, warm: VrpSolution | None = None
) -> VrpSolution:
    """One engine run; an engine that raises returns an empty, not-found solution.
    PyVRP starts from `warm` when it is a found and valid solution."""
    try:
        if strategy.engine == "pyvrp":
            usable = warm is not None and warm.found and not check_solution(model, warm)
            return solve_with_pyvrp(model, params, warm if usable else None)
        return solve_with_ortools(model, params, strategy)
    except Exception:
        log.exception("routing engine %s failed", strategy.name)
        jobs = tuple(model.job_nodes())
        return VrpSolution((), jobs, 0, False, f"{strategy.name} (failed)", 0.0, strategy.engine)


def best_solution(
    model: VrpModel, candidates: Sequence[VrpSolution], rank: Rank | None = None
) -> VrpSolution:
    """The candidate of least rank; the default ranks found and valid before cost."""

    def default_rank(solution: VrpSolution) -> tuple:
        return (
            not solution.found,
            bool(check_solution(model, solution)),
            solution_cost(model, solution.routes, solution.dropped),
        )

    key = rank or default_rank
    return min(enumerate(candidates), key=lambda pair: (key(pair[1]), pair[0]))[1]


def check_solution(model: VrpModel, solution: VrpSolution) -> list[str]:
    """Rules of the model a found solution breaks, empty when it keeps them all.

    Travel, service and windows are checked on the visit times (breaks may only add
    time); loads are recomputed from the demands, emptied at reload nodes.
    """
    if not solution.found:
        return []
    errors = _check_coverage(model, solution)
    for route in solution.routes:
        errors += _check_route(model, route)
    return errors


def _check_coverage(model: VrpModel, solution: VrpSolution) -> list[str]:
    jobs = set(model.job_nodes())
    seen = Counter(v.node for r in solution.routes for v in r.visits if v.node in jobs)
    seen.update(solution.dropped)
    errors = [f"job {n} appears {k} times" for n, k in seen.items() if k != 1]
    errors += [f"job {n} missing" for n in jobs if n not in seen]
    errors += [f"mandatory job {n} dropped" for n in solution.dropped if model.penalties[n] is None]
    vehicles = Counter(r.vehicle for r in solution.routes)
    errors += [f"vehicle {v} has {k} routes" for v, k in vehicles.items() if k != 1]
    return errors


def _check_route(model: VrpModel, route: VrpRoute) -> list[str]:
    vehicle = model.vehicles[route.vehicle]
    label = f"vehicle {route.vehicle}"
    nodes = [v.node for v in route.visits]
    times = [v.time for v in route.visits]
    errors = []
    if nodes[0] != vehicle.start or nodes[-1] != vehicle.end:
        errors.append(f"{label}: does not run from its start to its end")
    if tuple(nodes[1 : 1 + len(vehicle.fixed_prefix)]) != vehicle.fixed_prefix:
        errors.append(f"{label}: fixed prefix not kept")
    if times[0] < vehicle.shift[0] or times[-1] > vehicle.shift[1]:
        errors.append(f"{label}: outside its shift")
    if vehicle.max_duration is not None and times[-1] - times[0] > vehicle.max_duration:
        errors.append(f"{label}: longer than its maximum duration")
    travel = model.travel_time[vehicle.profile]
    for k in range(1, len(nodes)):
        a, b = nodes[k - 1], nodes[k]
        if times[k] < times[k - 1] + model.service[a] + travel[a][b]:
            errors.append(f"{label}: reaches node {b} too early to be true")
        if 0 < k < len(nodes) - 1:
            opening, closing = model.windows[b]
            if not opening <= times[k] <= closing:
                errors.append(f"{label}: node {b} outside its window")
            if b in model.allowed_vehicles and route.vehicle not in model.allowed_vehicles[b]:
                errors.append(f"{label}: may not serve node {b}")
    load = [0] * len(model.demands)
    for node in nodes:
        if node in model.reload_nodes:
            load = [0] * len(model.demands)
            continue
        load = [x + d[node] for x, d in zip(load, model.demands, strict=True)]
        if any(x > c for x, c in zip(load, vehicle.capacities, strict=True)):
            errors.append(f"{label}: over capacity at node {node}")
    return errors
