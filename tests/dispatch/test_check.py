"""The plan checker catches broken plans (so the invariant tests can fail)."""

from __future__ import annotations

from dataclasses import replace

from dispatch import Problem, plan_routes
from dispatch.check import check_plan
from tests.dispatch.conftest import collector, pickup, station


def test_checker_flags_overload_skill_and_missing_pickups(fast, line):
    """Tampering with a valid plan yields the matching violation messages."""
    problem = Problem((pickup("a", 1), pickup("b", 2)), (collector("x"),), (station(),))
    plan = plan_routes(problem, fast, matrix_provider=line)
    assert check_plan(problem, plan) == []
    heavy = replace(problem, collectors=(collector("x", capacity_g=500),))
    assert any("over capacity" in e for e in check_plan(heavy, plan))
    skilled = replace(problem, pickups=(pickup("a", 1, required_skill="bulky"), pickup("b", 2)))
    assert any("lacks skill" in e for e in check_plan(skilled, plan))
    extra = replace(problem, pickups=(*problem.pickups, pickup("c", 3)))
    assert any("missing" in e for e in check_plan(extra, plan))
