"""Routing for collection days: pure Python over OR-Tools and PyVRP, no web or database code.

Call `plan_routes(problem, params)` (or `plan_routes_zoned` for very large days); the
result is a `RoutePlan` of frozen dataclasses with `to_dict()` / `RoutePlan.from_dict()`
for storage. `check_plan(problem, plan)` lists any broken rule of a (stored) plan.
"""

from dispatch.check import check_plan
from dispatch.core import VrpBreak, VrpModel, VrpSolution, VrpVehicle
from dispatch.errors import MatrixError, ProblemError
from dispatch.matrix import HaversineMatrixProvider, MatrixProvider, OsrmTableProvider
from dispatch.model import (
    Break,
    Collector,
    Location,
    Pickup,
    Problem,
    Station,
    TimeWindow,
    VehicleType,
    validate_problem,
)
from dispatch.params import DropPenaltyPolicy, SolveParams, Strategy
from dispatch.plan import (
    BreakTaken,
    PlanSummary,
    Route,
    RoutePlan,
    Stop,
    StopKind,
    UnassignedPickup,
    UnassignedReason,
)
from dispatch.planner import plan_routes
from dispatch.portfolio import check_solution, solve_vrptw
from dispatch.zones import plan_routes_zoned, split_into_zones

__all__ = [
    "Break",
    "BreakTaken",
    "Collector",
    "DropPenaltyPolicy",
    "HaversineMatrixProvider",
    "Location",
    "MatrixError",
    "MatrixProvider",
    "OsrmTableProvider",
    "Pickup",
    "PlanSummary",
    "Problem",
    "ProblemError",
    "Route",
    "RoutePlan",
    "SolveParams",
    "Station",
    "Stop",
    "StopKind",
    "Strategy",
    "TimeWindow",
    "UnassignedPickup",
    "UnassignedReason",
    "VehicleType",
    "VrpBreak",
    "VrpModel",
    "VrpSolution",
    "VrpVehicle",
    "check_plan",
    "check_solution",
    "plan_routes",
    "plan_routes_zoned",
    "solve_vrptw",
    "split_into_zones",
    "validate_problem",
]
