"""time_route: a fixed visit order timed, breaks placed, late jobs dropped only if needed."""

from __future__ import annotations

from dispatch.core import VrpBreak, VrpModel, VrpVehicle
from dispatch.timing import time_route


def line_model(job2_window=(0, 1000), job2_penalty=7, brk=VrpBreak(15, 25, 10)) -> VrpModel:
    """Start 0 at x=0, job 1 at 10, job 2 at 20, end 3 at 0; one unit of time per unit."""
    xs = [0, 10, 20, 0]
    dist = [[abs(a - b) for b in xs] for a in xs]
    vehicle = VrpVehicle(0, 3, 0, (10,), (0, 1000), breaks=(brk,))
    return VrpModel(
        distance=(dist,),
        travel_time=(dist,),
        service=[0, 0, 0, 0],
        windows=[(0, 1000), (0, 1000), job2_window, (0, 1000)],
        demands=([0, 1, 1, 0],),
        penalties=[None, 5, job2_penalty, None],
        vehicles=(vehicle,),
        horizon=1000,
    )


def test_break_after_the_first_departure_that_reaches_its_window():
    """Break due in [15, 25]: taken at 15 on the way to job 2; home at 50, nothing dropped."""
    timed = time_route(line_model(), 0, [0, 1, 2, 3], 0)
    assert timed.dropped == ()
    assert timed.route.breaks == ((15, 10),)
    assert [(v.node, v.time) for v in timed.route.visits] == [(0, 0), (1, 10), (2, 30), (3, 50)]


def test_break_moves_to_where_it_delays_no_window():
    """Job 2 must start by 22: the break waits until after job 2 (starting at 20)."""
    timed = time_route(line_model(job2_window=(20, 22)), 0, [0, 1, 2, 3], 0)
    assert timed.dropped == ()
    assert timed.route.breaks == ((20, 10),)
    assert timed.route.visits[2].time == 20


def test_job_is_dropped_when_no_placement_saves_it():
    """Break due in [12, 18] and job 2 due by 22: job 2 goes, the cheapest fix."""
    model = line_model(job2_window=(20, 22), brk=VrpBreak(12, 18, 10))
    timed = time_route(model, 0, [0, 1, 2, 3], 0)
    assert timed.dropped == (2,)
    assert [v.node for v in timed.route.visits] == [0, 1, 3]
    assert timed.route.breaks == ((12, 10),)


def test_mandatory_job_cannot_be_dropped_for_a_break():
    """The same clash with job 2 mandatory: the route cannot be timed."""
    model = line_model(job2_window=(20, 22), job2_penalty=None, brk=VrpBreak(12, 18, 10))
    assert time_route(model, 0, [0, 1, 2, 3], 0) is None


def test_unused_vehicle_takes_its_break_at_home():
    """A route with no jobs still gets its break, inside the window."""
    timed = time_route(line_model(), 0, [0, 3], 0)
    assert timed.route.breaks == ((15, 10),)


def test_departure_waits_for_the_first_window():
    """Job 1 opens at 100: leave at 90 rather than wait at the door."""
    vehicle = VrpVehicle(0, 3, 0, (10,), (0, 1000))
    windows = [(0, 1000), (100, 200), (0, 1000), (0, 1000)]
    model = VrpModel(**{**line_model().__dict__, "windows": windows, "vehicles": (vehicle,)})
    timed = time_route(model, 0, [0, 1, 2, 3], 0)
    assert [v.time for v in timed.route.visits] == [90, 100, 110, 130]
