"""Solomon instances: reading, scaling to an integer `VrpModel`, exact re-checking."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from dispatch.core import VrpModel, VrpVehicle

# Travel times are multiplied by SCALE and rounded up, windows by SCALE exactly, so a
# plan that is feasible in integers is feasible in exact arithmetic.
SCALE = 1000
MAX_VEHICLES = 25
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[1].parent / "shared/data/vrptw"


@dataclass(frozen=True)
class Customer:
    """One Solomon row; id 0 is the depot."""

    id: int
    x: float
    y: float
    demand: int
    ready: int
    due: int
    service: int


@dataclass(frozen=True)
class Instance:
    """A Solomon instance: name, vehicle capacity and customers (depot first)."""

    name: str
    capacity: int
    customers: tuple[Customer, ...]

    def dist(self, i: int, j: int) -> float:
        """Exact Euclidean distance between customers i and j."""
        a, b = self.customers[i], self.customers[j]
        return math.hypot(a.x - b.x, a.y - b.y)


def read_instance(path: Path) -> Instance:
    """Parse a Solomon text file."""
    lines = [ln.split() for ln in path.read_text().splitlines()]
    numeric = [ln for ln in lines if ln and all(_is_number(x) for x in ln)]
    capacity = int(numeric[0][1])
    customers = tuple(
        Customer(int(r[0]), float(r[1]), float(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6]))
        for r in numeric[1:]
    )
    return Instance(path.stem, capacity, customers)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_bks(data_dir: Path) -> dict[str, float]:
    """Distance-only best-known values by instance name."""
    with (data_dir / "solomon_bks.csv").open() as f:
        return {r["instance"]: float(r["distance_only_distance"]) for r in csv.DictReader(f)}


def read_lower_bounds(data_dir: Path) -> dict[str, float]:
    """Proven distance-only optima with arcs truncated to one decimal (DIMACS), by instance:
    lower bounds on the exact distance-only optimum, where the file has one."""
    with (data_dir / "solomon_bks.csv").open() as f:
        return {
            r["instance"]: float(r["distance_only_lower_bound_dimacs"])
            for r in csv.DictReader(f)
            if r.get("distance_only_lower_bound_dimacs")
        }


def build_model(inst: Instance, max_vehicles: int = MAX_VEHICLES) -> VrpModel:
    """Scale an instance to the solver core's integer model: depot is node 0."""
    n = len(inst.customers)
    exact = [[inst.dist(i, j) for j in range(n)] for i in range(n)]
    distance = [[round(d * SCALE) for d in row] for row in exact]
    travel = [[math.ceil(d * SCALE - 1e-9) for d in row] for row in exact]
    depot = inst.customers[0]
    horizon = depot.due * SCALE
    vehicle = VrpVehicle(0, 0, 0, (inst.capacity,), (0, horizon))
    return VrpModel(
        distance=(distance,),
        travel_time=(travel,),
        service=[c.service * SCALE for c in inst.customers],
        windows=[(c.ready * SCALE, c.due * SCALE) for c in inst.customers],
        demands=([c.demand for c in inst.customers],),
        penalties=[None] * n,
        vehicles=(vehicle,) * max_vehicles,
        horizon=horizon,
        coordinates=tuple((round(c.x * SCALE), round(c.y * SCALE)) for c in inst.customers),
    )


def route_distance(inst: Instance, routes: list[list[int]]) -> float:
    """Total exact distance of routes given as customer ids (depot implicit)."""
    total = 0.0
    for route in routes:
        path = [0, *route, 0]
        total += sum(inst.dist(a, b) for a, b in zip(path, path[1:], strict=False))
    return total


def routes_feasible(inst: Instance, routes: list[list[int]]) -> bool:
    """Every customer once, capacities and time windows respected in exact floats."""
    seen = sorted(c for r in routes for c in r)
    if seen != list(range(1, len(inst.customers))) or len(routes) > MAX_VEHICLES:
        return False
    for route in routes:
        if sum(inst.customers[c].demand for c in route) > inst.capacity:
            return False
        clock, here = 0.0, 0
        for c in [*route, 0]:
            cust = inst.customers[c]
            clock = max(clock + inst.customers[here].service + inst.dist(here, c), cust.ready)
            if clock > cust.due + 1e-9:
                return False
            here = c
    return True
