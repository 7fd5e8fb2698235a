"""plan_routes on tiny days whose optimum or outcome is known by hand."""

from __future__ import annotations

from dispatch import (
    Break,
    Problem,
    SolveParams,
    StopKind,
    Strategy,
    TimeWindow,
    UnassignedReason,
    VehicleType,
    plan_routes,
)
from tests.dispatch.conftest import HOUR, assert_valid, collector, pickup, station


def test_single_collector_sweeps_the_line_and_back(each_engine, line):
    """Three pickups at 1, 2, 3 km from home and station: the optimum is 6 km."""
    problem = Problem(
        (pickup("a", 1), pickup("b", 2), pickup("c", 3)),
        (collector("x"), collector("y")),
        (station(),),
    )
    plan = plan_routes(problem, each_engine, matrix_provider=line)
    assert plan.summary.engine == each_engine.portfolio[0].engine
    assert_valid(problem, plan)
    assert plan.summary.distance_m == 6_000
    assert plan.summary.vehicles_used == 1
    assert plan.unassigned == ()


def test_full_vehicle_unloads_and_continues(each_engine, line):
    """10 kg payload, three 6 kg pickups: three trips via the station, 2+4+6 = 12 km."""
    problem = Problem(
        tuple(pickup(p, km, weight_g=6_000) for p, km in (("a", 1), ("b", 2), ("c", 3))),
        (collector("x", capacity_g=10_000),),
        (station(),),
    )
    plan = plan_routes(problem, each_engine, matrix_provider=line)
    assert plan.summary.engine == each_engine.portfolio[0].engine
    assert_valid(problem, plan)
    route = plan.route_of("x")
    assert [s.kind for s in route.stops].count(StopKind.UNLOAD) == 3
    assert plan.summary.distance_m == 12_000
    assert route.stops[-2].kind is StopKind.UNLOAD


def test_infeasible_day_returns_reasons_not_an_exception(each_engine, line):
    """Each impossible pickup comes back unassigned with the reason that explains it."""
    problem = Problem(
        (
            pickup("skill", 1, required_skill="hazardous"),
            pickup("heavy", 1, weight_g=200_000),
            pickup("night", 1, window=TimeWindow(22 * HOUR, 23 * HOUR)),
            pickup("far", 170, window=TimeWindow(8 * HOUR, 8 * HOUR + 600)),
            pickup("ok", 1),
        ),
        (collector("x", vehicle_type=VehicleType.TRICYCLE, shift=TimeWindow(8 * HOUR, 16 * HOUR)),),
        (station(),),
    )
    plan = plan_routes(problem, each_engine, matrix_provider=line)
    assert plan.summary.engine == each_engine.portfolio[0].engine
    assert_valid(problem, plan)
    reasons = {u.pickup_id: u.reason for u in plan.unassigned}
    assert reasons == {
        "skill": UnassignedReason.NO_COLLECTOR_WITH_SKILL,
        "heavy": UnassignedReason.NO_CAPACITY,
        "night": UnassignedReason.OUTSIDE_SHIFT,
        "far": UnassignedReason.WINDOW_UNREACHABLE,
    }
    assert plan.route_of("x").pickup_ids == ("ok",)


def test_clashing_windows_drop_one_by_optimiser(each_engine, line):
    """Two pickups at the same instant 20 km apart: one collector serves only one."""
    instant = TimeWindow(10 * HOUR, 10 * HOUR)
    problem = Problem(
        (pickup("w", 10, window=instant), pickup("e", 30, window=instant, priority=3)),
        (collector("x", km=20),),
        (station(km=20),),
    )
    plan = plan_routes(problem, each_engine, matrix_provider=line)
    assert plan.summary.engine == each_engine.portfolio[0].engine
    assert_valid(problem, plan)
    assert plan.route_of("x").pickup_ids == ("e",)
    assert [(u.pickup_id, u.reason) for u in plan.unassigned] == [
        ("w", UnassignedReason.DROPPED_BY_OPTIMISER)
    ]


def test_pinned_job_stays_with_its_collector(each_engine, line):
    """A claimed job goes to its collector even though another one lives next door."""
    problem = Problem(
        (pickup("a", 1, pinned_collector_id="far"), pickup("b", 1.5)),
        (collector("near", km=1), collector("far", km=9)),
        (station(km=5),),
    )
    plan = plan_routes(problem, each_engine, matrix_provider=line)
    assert plan.summary.engine == each_engine.portfolio[0].engine
    assert_valid(problem, plan)
    assert "a" in plan.route_of("far").pickup_ids


def test_fixed_prefix_stays_first_in_order(fast, line):
    """A re-plan keeps stops under way first, in their order, even if detours result."""
    problem = Problem(
        (pickup("a", 1), pickup("b", 2), pickup("c", 3)),
        (collector("x", fixed_prefix=("c", "a")),),
        (station(),),
    )
    plan = plan_routes(problem, fast, matrix_provider=line)
    assert_valid(problem, plan)
    assert plan.route_of("x").pickup_ids[:2] == ("c", "a")


def test_break_is_taken_inside_its_window(each_engine, line):
    """A 30-minute break due 10:00-11:00 lands there and overlaps no service."""
    slots = [TimeWindow(h * HOUR, h * HOUR + 1800) for h in (9, 10, 11, 12)]
    problem = Problem(
        tuple(pickup(f"p{i}", i + 1, window=w, service_s=900) for i, w in enumerate(slots)),
        (collector("x", breaks=(Break(TimeWindow(10 * HOUR, 11 * HOUR), 1800),)),),
        (station(),),
    )
    plan = plan_routes(problem, each_engine, matrix_provider=line)
    assert plan.summary.engine == each_engine.portfolio[0].engine
    assert_valid(problem, plan)
    (taken,) = plan.route_of("x").breaks
    assert taken.start_s >= 10 * HOUR and taken.end_s <= 11 * HOUR


def test_no_collectors_means_everything_unassigned(fast, line):
    """An empty fleet is a valid (if sad) day: a plan with reasons, not an error."""
    problem = Problem((pickup("a", 1),), (), (station(),))
    plan = plan_routes(problem, fast, matrix_provider=line)
    assert plan.routes == ()
    assert plan.unassigned[0].reason is UnassignedReason.NO_COLLECTOR_WITH_SKILL


def test_pickup_is_served_early_in_its_window(each_engine, line):
    """A 10:00-12:00 pickup 0.5 km (50 s) from home is served by 10:30, not at 12:00,
    and the collector leaves home just in time instead of waiting there or at the door."""
    slot = TimeWindow(10 * HOUR, 12 * HOUR)
    problem = Problem((pickup("a", 0.5, window=slot),), (collector("x"),), (station(),))
    plan = plan_routes(problem, each_engine, matrix_provider=line)
    assert plan.summary.engine == each_engine.portfolio[0].engine
    assert_valid(problem, plan)
    start, visit = plan.route_of("x").stops[:2]
    assert visit.kind is StopKind.PICKUP
    assert visit.service_start_s < 10 * HOUR + 1800
    assert visit.arrival_s == visit.service_start_s
    assert start.departure_s == visit.arrival_s - 50


def rich_day() -> Problem:
    """Skills, a claimed job, a lunch break, small payloads forcing unloads, windows."""
    morning, afternoon = TimeWindow(8 * HOUR, 12 * HOUR), TimeWindow(12 * HOUR, 17 * HOUR)
    lunch = (Break(TimeWindow(11 * HOUR + 1800, 14 * HOUR), 1800),)
    pickups = [
        pickup(f"p{i}", km, weight_g=4_000, window=morning if i % 2 else afternoon)
        for i, km in enumerate((1, 2, 3, 4, 5, 6, 7, 8))
    ]
    pickups += [
        pickup("crane", 5, required_skill="crane", weight_g=6_000),
        pickup("claimed", 9, pinned_collector_id="y"),
    ]
    return Problem(
        tuple(pickups),
        (
            collector("x", capacity_g=10_000, skills=frozenset({"crane"}), breaks=lunch),
            collector("y", km=10, capacity_g=10_000, breaks=lunch),
        ),
        (station(), station("s2", km=10)),
    )


def test_pyvrp_plan_of_a_rich_day_keeps_every_rule(line):
    """PyVRP alone plans the rich day; every invariant of check_plan holds: windows,
    capacities (unloading before the payload is exceeded), skills, breaks, ending empty,
    the claimed job with its collector."""
    params = SolveParams(
        time_limit_s=30,
        in_series=True,
        portfolio=(Strategy(engine="pyvrp"),),
        pyvrp_iterations=2_000,
        seed=1,
    )
    problem = rich_day()
    plan = plan_routes(problem, params, matrix_provider=line)
    assert plan.summary.engine == "pyvrp"
    assert_valid(problem, plan)
    assert plan.unassigned == ()
    assert "crane" in plan.route_of("x").pickup_ids
    assert "claimed" in plan.route_of("y").pickup_ids
    for route in plan.routes:
        assert len(route.breaks) == 1
        assert route.stops[-2].kind is StopKind.UNLOAD and route.stops[-1].load_g == 0
    unloads = sum(s.kind is StopKind.UNLOAD for r in plan.routes for s in r.stops)
    assert unloads >= 4  # 50 kg collected on two 10 kg vehicles


def series(**kw) -> SolveParams:
    """The product's portfolio in one process: OR-Tools, then PyVRP from its plan."""
    return SolveParams(time_limit_s=2, in_series=True, pyvrp_iterations=2_000, seed=1, **kw)


def test_engine_choice_is_repeatable(line):
    """Same problem, same seeds: the same engine wins with the same routes."""
    problem = rich_day()
    first = plan_routes(problem, series(), matrix_provider=line)
    again = plan_routes(problem, series(), matrix_provider=line)
    assert_valid(problem, first)
    assert first.summary.engine == again.summary.engine != ""
    assert first.routes == again.routes


def test_replan_with_started_routes_is_left_to_ortools(line):
    """A fixed prefix is beyond PyVRP's model: OR-Tools' plan is the one returned."""
    problem = Problem(
        (pickup("a", 1), pickup("b", 2), pickup("c", 3)),
        (collector("x", fixed_prefix=("c", "a")),),
        (station(),),
    )
    plan = plan_routes(problem, series(), matrix_provider=line)
    assert_valid(problem, plan)
    assert plan.summary.engine == "ortools"
    assert plan.route_of("x").pickup_ids[:2] == ("c", "a")


def test_failing_engines_still_return_a_plan_with_reasons(line, monkeypatch):
    """PyVRP crashing as the only engine: a plan comes back, every pickup explained."""
    import dispatch.portfolio

    def crash(*args, **kwargs):
        raise MemoryError("matrix too large")

    monkeypatch.setattr(dispatch.portfolio, "solve_with_pyvrp", crash)
    lunch = Break(TimeWindow(12 * HOUR, 13 * HOUR), 1800)
    problem = Problem((pickup("a", 1),), (collector("x", breaks=(lunch,)),), (station(),))
    params = series(portfolio=(Strategy(engine="pyvrp"),))
    plan = plan_routes(problem, params, matrix_provider=line)
    assert plan.summary.engine == ""
    assert_valid(problem, plan)
    assert [(u.pickup_id, u.reason) for u in plan.unassigned] == [
        ("a", UnassignedReason.DROPPED_BY_OPTIMISER)
    ]
