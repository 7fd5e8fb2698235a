"""Shared fixtures: a line world with hand-checkable distances and a plan checker."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from dispatch import (
    Collector,
    Location,
    Pickup,
    Problem,
    RoutePlan,
    SolveParams,
    Station,
    Strategy,
    TimeWindow,
    VehicleType,
)
from dispatch.check import check_plan

HOUR = 3600
DAY = TimeWindow(8 * HOUR, 18 * HOUR)


class LineProvider:
    """Points on a line: lon is km from the origin; 1 km takes 100 s for every vehicle."""

    def matrix(self, points: Sequence[Location], vehicle_type: VehicleType):
        metres = [[round(abs(a.lon - b.lon) * 1000) for b in points] for a in points]
        return metres, [[m // 10 for m in row] for row in metres]


def at(km: float) -> Location:
    """A point `km` along the line."""
    return Location(0.0, km)


def pickup(pid: str, km: float, **kw) -> Pickup:
    """A 1 kg pickup open all day with a one-minute service, unless overridden."""
    defaults = dict(window=DAY, service_s=60, weight_g=1_000)
    return Pickup(pid, at(km), **{**defaults, **kw})


def collector(cid: str, km: float = 0.0, **kw) -> Collector:
    """A van at `km` working 08:00-18:00, unless overridden."""
    defaults = dict(vehicle_type=VehicleType.VAN, shift=DAY)
    return Collector(cid, start=at(km), **{**defaults, **kw})


def station(sid: str = "s", km: float = 0.0, **kw) -> Station:
    """A station open all day with a 5-minute unload, unless overridden."""
    return Station(sid, at(km), kw.pop("opening", TimeWindow(6 * HOUR, 20 * HOUR)), **kw)


@pytest.fixture
def fast() -> SolveParams:
    """Short searches: tiny instances converge in well under a second."""
    return SolveParams(time_limit_s=1.0)


@pytest.fixture(params=["ortools", "pyvrp"])
def each_engine(request) -> SolveParams:
    """One engine alone, in-process; PyVRP stops after a fixed number of seeded
    iterations (tiny days converge long before), so its plan does not depend on load."""
    return SolveParams(
        time_limit_s=1.0 if request.param == "ortools" else 30.0,
        in_series=True,
        portfolio=(Strategy(engine=request.param),),
        pyvrp_iterations=2_000,
        seed=1,
    )


@pytest.fixture
def line() -> LineProvider:
    """The line world's matrix provider."""
    return LineProvider()


def assert_valid(problem: Problem, plan: RoutePlan) -> None:
    """Every rule the planner promises holds on `plan`."""
    assert check_plan(problem, plan) == []
