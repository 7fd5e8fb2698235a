"""solve_vrptw on explicit integer models, alone and as a two-process portfolio."""

from __future__ import annotations

from dispatch import SolveParams, Strategy, VrpModel, VrpVehicle, solve_vrptw


def square_model() -> VrpModel:
    """Depot 0 and customers on the corners of a 10-unit square: optimal tour is 40."""
    xy = [(0, 0), (10, 0), (10, 10), (0, 10)]
    dist = [[abs(a[0] - b[0]) + abs(a[1] - b[1]) for b in xy] for a in xy]
    return VrpModel(
        distance=(dist,),
        travel_time=(dist,),
        service=[0] * 4,
        windows=[(0, 1000)] * 4,
        demands=([0, 1, 1, 1],),
        penalties=[None] * 4,
        vehicles=(VrpVehicle(0, 0, 0, (3,), (0, 1000)),) * 2,
        horizon=1000,
    )


def test_single_strategy_finds_the_optimum():
    """One vehicle suffices and the tour is the square's perimeter."""
    solution = solve_vrptw(square_model(), SolveParams(time_limit_s=1))
    assert solution.found and solution.objective == 40 and solution.dropped == ()


def test_portfolio_keeps_the_cheapest_of_its_workers():
    """Two processes with different strategies; the result is as good as the best."""
    params = SolveParams(
        time_limit_s=1,
        num_workers=2,
        portfolio=(Strategy("SAVINGS", "GREEDY_DESCENT"), Strategy()),
    )
    solution = solve_vrptw(square_model(), params)
    assert solution.objective == 40


def test_capacity_forces_a_second_vehicle():
    """Capacity 2 for three unit demands: two routes, objective 20 + 40... at least 60."""
    model = square_model()
    small = VrpVehicle(0, 0, 0, (2,), (0, 1000))
    model = VrpModel(**{**model.__dict__, "vehicles": (small, small)})
    solution = solve_vrptw(model, SolveParams(time_limit_s=1))
    used = [r for r in solution.routes if len(r.visits) > 2]
    assert len(used) == 2 and solution.objective >= 60
