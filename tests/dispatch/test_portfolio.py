"""solve_vrptw's portfolio: engines side by side, re-checked, the best kept."""

from __future__ import annotations

import pytest

import dispatch.portfolio as portfolio
from dispatch import SolveParams, Strategy, VrpSolution, check_solution, solve_vrptw
from dispatch.core import VrpRoute, VrpVisit
from tests.dispatch.test_solver import square_model

BOTH = (Strategy(), Strategy(engine="pyvrp"))


def seeded(**kw) -> SolveParams:
    """Both engines; PyVRP capped by iterations so its answer does not depend on load."""
    return SolveParams(time_limit_s=2, pyvrp_iterations=300, seed=5, portfolio=BOTH, **kw)


def test_default_portfolio_is_ortools_next_to_pyvrp():
    """Two workers run one OR-Tools strategy and PyVRP, each in its own process."""
    assert [s.engine for s in SolveParams(num_workers=2).strategies()] == ["ortools", "pyvrp"]
    assert [s.engine for s in SolveParams().strategies()] == ["ortools"]
    assert len(SolveParams(in_series=True).strategies()) == 2


def test_unknown_engine_is_rejected():
    """A typo in an engine name fails at construction."""
    with pytest.raises(ValueError, match="engine"):
        Strategy(engine="gurobi")


@pytest.mark.parametrize("workers", [1, 2])
def test_tie_goes_to_the_first_engine_every_time(workers):
    """Both engines find the optimum 40; the choice is the portfolio's first, repeatably."""
    params = seeded(num_workers=workers, in_series=True)
    first = solve_vrptw(square_model(), params)
    again = solve_vrptw(square_model(), params)
    assert first.objective == again.objective == 40
    assert first.engine == again.engine == "ortools"
    assert first.routes == again.routes


def test_cheaper_engine_wins(monkeypatch):
    """When OR-Tools only finds a worse plan, PyVRP's optimum is kept and named."""
    model = square_model()
    assert check_solution(model, detour(model)) == []
    monkeypatch.setattr(portfolio, "solve_with_ortools", lambda *a: detour(model))
    solution = solve_vrptw(model, seeded(in_series=True))
    assert solution.engine == "pyvrp" and solution.objective == 40


def test_invalid_solution_never_wins(monkeypatch):
    """A cheaper solution that breaks the model (job skipped though mandatory) loses."""

    def cheat(model, params, initial=None):
        visits = (VrpVisit(0, 0, (0,)), VrpVisit(0, 0, (0,)))
        routes = (VrpRoute(0, visits), VrpRoute(1, visits))
        return VrpSolution(routes, (1, 2, 3), 0, True, "pyvrp", engine="pyvrp")

    monkeypatch.setattr(portfolio, "solve_with_pyvrp", cheat)
    model = square_model()
    assert check_solution(model, cheat(model, None))
    solution = solve_vrptw(model, seeded(in_series=True))
    assert solution.engine == "ortools" and solution.objective == 40


def test_failing_engine_costs_nothing_but_its_candidate(monkeypatch):
    """PyVRP raising inside the portfolio: OR-Tools' plan is returned, no exception."""

    def broken(*args, **kwargs):
        raise RuntimeError("native crash")

    monkeypatch.setattr(portfolio, "solve_with_pyvrp", broken)
    candidates = portfolio.solve_candidates(square_model(), seeded(in_series=True))
    assert [c.found for c in candidates] == [True, False]
    assert candidates[1].strategy == "pyvrp (failed)"
    assert solve_vrptw(square_model(), seeded(in_series=True)).objective == 40


def test_rank_can_override_the_model_cost():
    """A caller's key decides (the Solomon benchmark ranks by exact distance)."""
    params = seeded(in_series=True)
    solution = solve_vrptw(square_model(), params, rank=lambda s: s.engine != "pyvrp")
    assert solution.engine == "pyvrp"


def test_check_solution_names_broken_rules():
    """Over capacity, outside a window and a vehicle used twice are all reported."""
    model = square_model()
    visits = tuple(VrpVisit(n, t, (0,)) for n, t in [(0, 0), (1, 10), (2, 5), (3, 30), (0, 40)])
    bad = VrpSolution((VrpRoute(0, visits), VrpRoute(0, visits)), (), 40, True)
    errors = check_solution(model, bad)
    assert "vehicle 0 has 2 routes" in errors
    assert any("too early to be true" in e for e in errors)
    assert any("appears 2 times" in e for e in errors)


def detour(model) -> VrpSolution:
    """A valid but poor solution of the square: 0-1-2-0 and 0-3-0, 60 instead of 40."""

    def route(vehicle, timed_nodes):
        return VrpRoute(vehicle, tuple(VrpVisit(n, t, (0,)) for n, t in timed_nodes))

    routes = (route(0, [(0, 0), (1, 10), (2, 20), (0, 40)]), route(1, [(0, 0), (3, 10), (0, 20)]))
    return VrpSolution(routes, (), 60, True, "ortools:fake", engine="ortools")
