"""Node-indexed integer VRP: the contract between the product layer and the solver.

`plan_routes` translates pickups, collectors and stations into a `VrpModel`; the
Solomon benchmark builds one straight from the instance files. Both then call
`dispatch.portfolio.solve_vrptw`, so the benchmark measures the product's solver core.

Everything is an integer: the caller chooses the units (the product uses metres for
cost, seconds for time, grams and litres for the two loads).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

Matrix = Sequence[Sequence[int]]


@dataclass(frozen=True)
class VrpBreak:
    """A break of `duration` that must start within [earliest_start, latest_start]."""

    earliest_start: int
    latest_start: int
    duration: int


@dataclass(frozen=True)
class VrpVehicle:
    """One vehicle: its start/end nodes, matrix profile, capacities and shift."""

    start: int
    end: int
    profile: int
    capacities: tuple[int, ...]
    shift: tuple[int, int]
    max_duration: int | None = None
    breaks: tuple[VrpBreak, ...] = ()
    fixed_cost: int = 0
    fixed_prefix: tuple[int, ...] = ()


@dataclass(frozen=True, eq=False)
class VrpModel:
    """A VRP with time windows, optional jobs, reload nodes and per-profile matrices.

    `demands[k][node]` is the load picked up at `node` for load dimension `k` (weight,
    volume...). Reload nodes empty the vehicle. `penalties[node]` is the cost of leaving
    a job undone; `None` means the job is mandatory. Depot and reload entries of
    `penalties` are unused.
    """

    distance: tuple[Matrix, ...]
    travel_time: tuple[Matrix, ...]
    service: Sequence[int]
    windows: Sequence[tuple[int, int]]
    demands: tuple[Sequence[int], ...]
    penalties: Sequence[int | None]
    vehicles: tuple[VrpVehicle, ...]
    reload_nodes: frozenset[int] = frozenset()
    allowed_vehicles: dict[int, tuple[int, ...]] = field(default_factory=dict)
    horizon: int = 86_400
    coordinates: Sequence[tuple[int, int]] = ()

    @property
    def num_nodes(self) -> int:
        """Number of nodes, depots and reload copies included."""
        return len(self.service)

    def job_nodes(self) -> list[int]:
        """Nodes that are jobs: neither a vehicle's start or end nor a reload node."""
        depots = {v.start for v in self.vehicles} | {v.end for v in self.vehicles}
        return [n for n in range(self.num_nodes) if n not in depots and n not in self.reload_nodes]


@dataclass(frozen=True)
class VrpVisit:
    """A node on a solved route with its service start time and loads on arrival."""

    node: int
    time: int
    loads: tuple[int, ...]


@dataclass(frozen=True)
class VrpRoute:
    """The visits of one vehicle, start and end included, and its (start, duration) breaks."""

    vehicle: int
    visits: tuple[VrpVisit, ...]
    breaks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class VrpSolution:
    """Routes per vehicle, dropped job nodes, objective value, and which engine and
    strategy produced them ("ortools" or "pyvrp")."""

    routes: tuple[VrpRoute, ...]
    dropped: tuple[int, ...]
    objective: int
    found: bool
    strategy: str = ""
    seconds: float = 0.0
    engine: str = "ortools"
