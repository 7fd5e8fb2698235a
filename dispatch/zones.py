"""Split a big day into zone solves: k-means on pickups, collectors shared out by workload.

Each zone is an independent `Problem` with every station; zones are planned in a
process pool and the plans merged. Pinned and fixed-prefix pickups follow their
collector's zone. A required skill missing from a zone's collectors shows up as
`no_collector_with_skill` there: the cost of solving zones independently.
"""

from __future__ import annotations

import math
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import numpy as np

from dispatch.matrix import MatrixProvider
from dispatch.model import Problem, validate_problem
from dispatch.params import SolveParams
from dispatch.plan import RoutePlan, summarise
from dispatch.planner import plan_routes


def split_into_zones(problem: Problem, max_pickups: int, seed: int = 0) -> list[Problem]:
    """Zones of at most about `max_pickups` pickups, each with a share of the collectors."""
    k = max(1, min(math.ceil(len(problem.pickups) / max_pickups), len(problem.collectors)))
    if k == 1:
        return [problem]
    coords = np.array([[p.location.lat, p.location.lon] for p in problem.pickups])
    centres, labels = _kmeans(coords, k, seed)
    owner = _share_collectors(problem, centres, np.bincount(labels, minlength=k))
    zone_of_collector = {c.id: owner[v] for v, c in enumerate(problem.collectors)}
    for c in problem.collectors:
        for pid in c.fixed_prefix:
            labels[_index(problem, pid)] = zone_of_collector[c.id]
    for i, p in enumerate(problem.pickups):
        if p.pinned_collector_id is not None:
            labels[i] = zone_of_collector[p.pinned_collector_id]
    return [
        replace(
            problem,
            pickups=tuple(p for i, p in enumerate(problem.pickups) if labels[i] == z),
            collectors=tuple(c for v, c in enumerate(problem.collectors) if owner[v] == z),
        )
        for z in range(k)
    ]


def plan_routes_zoned(
    problem: Problem,
    params: SolveParams | None = None,
    *,
    max_pickups_per_zone: int = 400,
    workers: int = 2,
    matrix_provider: MatrixProvider | None = None,
) -> RoutePlan:
    """Plan zone by zone in `workers` processes and merge; one zone means `plan_routes`."""
    params = params or SolveParams()
    validate_problem(problem)
    zones = split_into_zones(problem, max_pickups_per_zone)
    if len(zones) == 1 or workers == 1:
        plans = [plan_routes(z, params, matrix_provider=matrix_provider) for z in zones]
    else:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = [
                pool.submit(plan_routes, z, params, matrix_provider=matrix_provider) for z in zones
            ]
            plans = [f.result() for f in futures]
    return merge_plans(problem, plans)


def merge_plans(problem: Problem, plans: list[RoutePlan]) -> RoutePlan:
    """One plan from zone plans, routes in the problem's collector order."""
    by_collector = {r.collector_id: r for plan in plans for r in plan.routes}
    routes = tuple(by_collector[c.id] for c in problem.collectors if c.id in by_collector)
    unassigned = tuple(u for plan in plans for u in plan.unassigned)
    summary = summarise(
        routes,
        unassigned,
        {c.id: c.payload_g for c in problem.collectors},
        {p.id: p.value_cents for p in problem.pickups},
        max((p.summary.solve_seconds for p in plans), default=0.0),
        "zoned:" + ",".join(sorted({p.summary.strategy for p in plans})),
        ",".join(sorted({p.summary.engine for p in plans if p.summary.engine})),
    )
    return RoutePlan(routes, unassigned, summary)


def _index(problem: Problem, pickup_id: str) -> int:
    return next(i for i, p in enumerate(problem.pickups) if p.id == pickup_id)


def _kmeans(coords: np.ndarray, k: int, seed: int, rounds: int = 15):
    rng = np.random.default_rng(seed)
    centres = coords[rng.choice(len(coords), size=k, replace=False)]
    labels = np.zeros(len(coords), dtype=np.int64)
    for _ in range(rounds):
        gaps = ((coords[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        labels = gaps.argmin(axis=1)
        for z in range(k):
            if (labels == z).any():
                centres[z] = coords[labels == z].mean(axis=0)
    return centres, labels


def _share_collectors(problem: Problem, centres: np.ndarray, sizes: np.ndarray) -> list[int]:
    """Zone per collector: quotas proportional to zone size, nearest pairs first."""
    n = len(problem.collectors)
    quota = np.maximum(1, np.floor(sizes / sizes.sum() * n)).astype(int)
    while quota.sum() < n:
        quota[np.argmax(sizes / quota)] += 1
    homes = np.array([[c.start.lat, c.start.lon] for c in problem.collectors])
    gaps = ((homes[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    owner = [-1] * n
    for flat in np.argsort(gaps, axis=None):
        v, z = divmod(int(flat), len(centres))
        if owner[v] < 0 and quota[z] > 0:
            owner[v], quota[z] = z, quota[z] - 1
    return owner
