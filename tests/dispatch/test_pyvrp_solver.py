"""solve_with_pyvrp: the VrpModel translated to PyVRP, solved, and read back checked."""

from __future__ import annotations

from dispatch import SolveParams, VrpBreak, VrpModel, VrpVehicle, check_solution
from dispatch.pyvrp_solver import solution_cost, solve_with_pyvrp
from tests.dispatch.test_solver import square_model

# Capped iterations with a fixed seed: the same answer whatever the machine load.
SEEDED = SolveParams(time_limit_s=30, pyvrp_iterations=300, seed=3)


def test_square_optimum_and_cost_recomputed_from_the_routes():
    """One vehicle tours the square; the objective is recomputed from the visits."""
    model = square_model()
    solution = solve_with_pyvrp(model, SEEDED)
    assert solution.found and solution.engine == "pyvrp"
    assert solution.objective == 40 == solution_cost(model, solution.routes, solution.dropped)
    assert check_solution(model, solution) == []
    assert [len(r.visits) for r in solution.routes] == [5, 2]


def test_same_seed_same_routes():
    """A seeded, iteration-capped run is reproducible."""
    model = square_model()
    first = solve_with_pyvrp(model, SEEDED)
    again = solve_with_pyvrp(model, SEEDED)
    assert first.routes == again.routes


def reload_model(penalty: int | None = None) -> VrpModel:
    """Depot 0, jobs 1 and 2 at 10 and 20 (demand 5 each), reload node 3 at 0, end 4 at 0.

    Capacity 5: the vehicle must unload at 3 between the jobs: 0-10-0-20-0 = 60.
    """
    xs = [0, 10, 20, 0, 0]
    dist = [[abs(a - b) for b in xs] for a in xs]
    return VrpModel(
        distance=(dist,),
        travel_time=(dist,),
        service=[0, 1, 1, 2, 0],
        windows=[(0, 1000)] * 5,
        demands=([0, 5, 5, 0, 0],),
        penalties=[None, penalty, penalty, None, None],
        vehicles=(VrpVehicle(0, 4, 0, (5,), (0, 1000)),),
        reload_nodes=frozenset({3}),
        horizon=1000,
    )


def test_reload_node_empties_the_vehicle_between_trips():
    """Two 5-unit jobs on a 5-unit vehicle: an unload between them, load never above 5."""
    model = reload_model()
    solution = solve_with_pyvrp(model, SEEDED)
    nodes = [v.node for v in solution.routes[0].visits]
    assert solution.objective == 60
    assert nodes.count(3) >= 1 and set(nodes) >= {1, 2}
    assert check_solution(model, solution) == []


def test_optional_jobs_get_a_second_trip():
    """Optional jobs worth a detour are both served, with an unload between them (with
    PyVRP's default penalties the second job was never tried over capacity)."""
    model = reload_model(penalty=1_000)
    solution = solve_with_pyvrp(model, SEEDED)
    assert solution.objective == 60 and solution.dropped == ()
    assert check_solution(model, solution) == []


def test_warm_start_from_another_solution():
    """Started from a given solution, the search keeps what it is worth."""
    model = reload_model(penalty=1_000)
    initial = solve_with_pyvrp(reload_model(), SEEDED)
    warm = solve_with_pyvrp(model, SEEDED, initial=initial)
    assert warm.objective == 60 and check_solution(model, warm) == []


def test_forbidden_vehicle_never_serves_the_job():
    """Job 1 allowed only for vehicle 1 (a skill): vehicle 0 never carries it."""
    model = square_model()
    restricted = VrpModel(
        **{**model.__dict__, "penalties": [None, 500, 500, 500], "allowed_vehicles": {1: (1,)}}
    )
    solution = solve_with_pyvrp(restricted, SEEDED)
    served_by = {v.node: r.vehicle for r in solution.routes for v in r.visits[1:-1]}
    assert served_by[1] == 1
    assert check_solution(restricted, solution) == []


def test_break_is_placed_in_the_route_without_breaking_windows():
    """A 10-unit break due in [15, 25]: placed after a departure, jobs still in windows."""
    model = square_model()
    vehicle = VrpVehicle(0, 0, 0, (3,), (0, 1000), breaks=(VrpBreak(15, 25, 10),))
    with_break = VrpModel(**{**model.__dict__, "vehicles": (vehicle, vehicle)})
    solution = solve_with_pyvrp(with_break, SEEDED)
    assert solution.found and check_solution(with_break, solution) == []
    used = [r for r in solution.routes if len(r.visits) > 2]
    assert len(used) == 1
    ((start, duration),) = used[0].breaks
    assert 15 <= start <= 25 and duration == 10
    # The break adds its length to the time of the visits after it.
    assert used[0].visits[-1].time >= 40 + 10


def test_fixed_prefix_is_left_to_ortools():
    """Started routes cannot be expressed in PyVRP: no solution, every job listed."""
    model = square_model()
    vehicle = VrpVehicle(0, 0, 0, (3,), (0, 1000), fixed_prefix=(2,))
    fixed = VrpModel(**{**model.__dict__, "vehicles": (vehicle, vehicle)})
    solution = solve_with_pyvrp(fixed, SEEDED)
    assert not solution.found and "fixed prefixes" in solution.strategy
    assert solution.dropped == (1, 2, 3)
