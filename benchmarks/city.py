"""Synthetic city day through the product path (`plan_routes_zoned`).

Each zone is planned by the product's portfolio run in series (OR-Tools, then PyVRP,
each for half the zone's limit, as in the Celery task); `engines` names the winners.

    .venv/bin/python benchmarks/city.py                      # 2,000 pickups, 80 collectors
    .venv/bin/python benchmarks/city.py --city-size 20000    # zone split at 10x scale
    .venv/bin/python benchmarks/city.py --smoke              # CI: 100 pickups, 5 s
    .venv/bin/python benchmarks/city.py --with-ortools --with-pyvrp   # comparison lines
Prints one JSON line per solver with km, unassigned (by reason), zones, solve time and
plan checks; `engines` lists the engines whose zone plans won.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from dispatch import HaversineMatrixProvider, Problem, SolveParams, Strategy  # noqa: E402
from dispatch.check import check_plan  # noqa: E402
from dispatch.synthetic import make_city_day  # noqa: E402
from dispatch.travel import build_travel_table  # noqa: E402
from dispatch.zones import plan_routes_zoned, split_into_zones  # noqa: E402


def main(argv: list[str] | None = None) -> None:
    """Build the day, plan it within the budget, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--city-size", type=int, default=2000, help="pickups")
    parser.add_argument("--collectors", type=int, help="default: one per 25 pickups")
    parser.add_argument("--stations", type=int, default=6)
    parser.add_argument("--zone-size", type=int, default=250, help="max pickups per zone")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--budget", type=float, default=110.0, help="wall seconds to aim for")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--smoke", action="store_true", help="100 pickups, 5 collectors, 5 s")
    parser.add_argument("--with-pyvrp", action="store_true", help="also one PyVRP run, no zones")
    parser.add_argument(
        "--with-ortools", action="store_true", help="also the zoned plan by OR-Tools alone"
    )
    args = parser.parse_args(argv)
    size = 100 if args.smoke else args.city_size
    collectors = 5 if args.smoke else args.collectors or max(1, size // 25)
    problem = make_city_day(size, collectors, args.stations, args.seed)
    product = SolveParams(time_limit_s=1.0, in_series=True)
    print(json.dumps(plan_city(problem, product, "dispatch", args)), flush=True)
    if args.with_ortools:
        ortools = replace(product, portfolio=(Strategy(),))
        print(json.dumps(plan_city(problem, ortools, "ortools", args)), flush=True)
    if args.with_pyvrp:
        print(json.dumps(solve_pyvrp(problem, args.budget if not args.smoke else 5.0)), flush=True)


def plan_city(problem: Problem, params: SolveParams, solver: str, args) -> dict:
    """Split into zones, plan them `args.workers` at a time within the budget, report."""
    started = time.perf_counter()
    zones = split_into_zones(problem, args.zone_size)
    split_s = time.perf_counter() - started
    rounds = math.ceil(len(zones) / args.workers)
    # Leave room for matrices and model building in every round of zone solves.
    per_zone = 5.0 if args.smoke else max(2.0, args.budget / rounds - 6.0)
    plan = plan_routes_zoned(
        problem,
        replace(params, time_limit_s=per_zone),
        max_pickups_per_zone=args.zone_size,
        workers=args.workers,
    )
    wall = time.perf_counter() - started
    summary = plan.summary
    return {
        "solver": solver,
        "pickups": len(problem.pickups),
        "collectors": len(problem.collectors),
        "stations": len(problem.stations),
        "zones": len(zones),
        "zone_split_s": round(split_s, 2),
        "time_limit_per_zone_s": round(per_zone, 1),
        "km": round(summary.distance_m / 1000, 1),
        "planned": summary.pickups_planned,
        "unassigned": summary.pickups_unassigned,
        "unassigned_by_reason": dict(Counter(u.reason.value for u in plan.unassigned)),
        "vehicles_used": summary.vehicles_used,
        "km_per_tonne": summary.km_per_tonne,
        "utilisation": summary.utilisation,
        "stops_per_hour": summary.stops_per_hour,
        "plan_violations": len(check_plan(problem, plan)),
        "engines": summary.engine,
        "wall_s": round(wall, 1),
    }


def solve_pyvrp(problem: Problem, time_limit: float) -> dict:
    """The same day in one PyVRP run, without zones, where its model fits.

    Homes are depots, stations are reload depots with opening hours, pickups are optional
    clients with the same drop penalty as prizes, one profile per vehicle type. Not
    modelled: skills (those pickups are left out and counted), breaks, and unloading
    before going home (PyVRP carries pickups to the end depot).
    """
    from pyvrp import Client, Depot, ProblemData, VehicleType
    from pyvrp import Location as PyvrpLocation
    from pyvrp import solve as pyvrp_solve
    from pyvrp.stop import MaxRuntime

    started = time.perf_counter()
    table = build_travel_table(problem, HaversineMatrixProvider())
    kinds = list(table.duration)
    locations = [PyvrpLocation(p.lon * 1e5, p.lat * 1e5) for p in table.points]
    depots = [Depot(table.start(v)) for v in range(len(problem.collectors))]
    depots += [Depot(table.end(v)) for v in range(len(problem.collectors))]
    reloads = [len(depots) + s for s in range(len(problem.stations))]
    depots += [
        Depot(table.station(s), st.opening.start_s, st.opening.end_s, st.unload_s)
        for s, st in enumerate(problem.stations)
    ]
    policy = SolveParams().drop_penalty
    skipped = [p for p in problem.pickups if p.required_skill]
    clients = [
        Client(
            table.pickup(i),
            pickup=[p.weight_g, p.volume_l],
            service_duration=p.service_s,
            tw_early=p.window.start_s,
            tw_late=p.window.end_s,
            prize=policy.penalty(p.priority, p.value_cents),
            required=False,
        )
        for i, p in enumerate(problem.pickups)
        if not p.required_skill
    ]
    n = len(problem.collectors)
    vehicle_types = [
        VehicleType(
            1,
            capacity=[c.payload_g, c.volume_capacity_l],
            start_depot=v,
            end_depot=n + v,
            tw_early=c.shift.start_s,
            tw_late=c.shift.end_s,
            shift_duration=c.max_work_s or c.shift.end_s - c.shift.start_s,
            profile=kinds.index(c.vehicle_type),
            reload_depots=reloads,
        )
        for v, c in enumerate(problem.collectors)
    ]
    data = ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        [np.asarray(table.distance[k], dtype=np.int64) for k in kinds],
        [np.asarray(table.duration[k], dtype=np.int64) for k in kinds],
    )
    result = pyvrp_solve(data, stop=MaxRuntime(time_limit), seed=1, display=False)
    best = result.best
    planned = sum(route.num_clients() for route in best.routes())
    return {
        "solver": "pyvrp",
        "feasible": best.is_feasible(),
        "km": round(best.distance() / 1000, 1),
        "planned": planned,
        "unassigned": len(problem.pickups) - planned,
        "skill_pickups_left_out": len(skipped),
        "vehicles_used": best.num_routes(),
        "time_limit_s": time_limit,
        "wall_s": round(time.perf_counter() - started, 1),
    }


if __name__ == "__main__":
    main()
